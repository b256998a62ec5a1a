import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import type { WorkerRuntime } from "../../../src/domain/ports.js";
import type { JobRunner } from "../../../src/domain/job-ports.js";
import { deferredDocker } from "../../../src/runtime/docker/deferred-runtime.js";
import { type EngineTarget, httpEngine, pingDockerEngine, plainEngineTarget } from "../../../src/runtime/docker/engine-probe.js";
import { sweepOrphanContainers } from "../../../src/runtime/docker/orphan-sweep.js";

/** The start-up sweep as chooseRuntime runs it: the one sweep, over plain HTTP. */
const sweepOrphansOverHttp = (target: EngineTarget, dataDir: string, instanceId: string): Promise<number> =>
  sweepOrphanContainers(httpEngine(target), dataDir, instanceId);

describe("pingDockerEngine: is there an engine, asked without dockerode", () => {
  it("answers true for an engine on a unix socket, false for none, null where only the client can tell", async () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-ping-"));
    const socket = join(dir, "docker.sock");
    const engine = createServer((request, response) => {
      response.writeHead(request.url === "/_ping" ? 200 : 404).end("OK");
    });
    await new Promise<void>((resolve) => engine.listen(socket, resolve));
    try {
      const ping = async (env: Record<string, string>) => {
        const target = plainEngineTarget(env, dir);
        return target === null ? null : pingDockerEngine(target);
      };
      expect(await ping({ DOCKER_HOST: `unix://${socket}` })).toBe(true);
      expect(await ping({ DOCKER_HOST: `unix://${join(dir, "missing.sock")}` })).toBe(false);
      expect(await ping({ DOCKER_HOST: "ssh://me@host" })).toBeNull();
      expect(await ping({ DOCKER_HOST: "tcp://127.0.0.1:2376", DOCKER_TLS_VERIFY: "1" })).toBeNull();
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("plainEngineTarget: DOCKER_HOST read as dockerode's docker-modem reads it", () => {
  it("finds Docker Desktop's socket without DOCKER_HOST, and leaves TLS (2376 or DOCKER_TLS_VERIFY=1) to the real client", () => {
    const home = mkdtempSync(join(tmpdir(), "launch-home-"));
    try {
      expect(plainEngineTarget({}, home)).toEqual({ socketPath: "/var/run/docker.sock" });
      mkdirSync(join(home, ".docker", "run"), { recursive: true });
      writeFileSync(join(home, ".docker", "run", "docker.sock"), "");
      expect(plainEngineTarget({}, home)).toEqual({ socketPath: join(home, ".docker", "run", "docker.sock") });
      expect(plainEngineTarget({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" }, home)).toEqual({ socketPath: "/run/user/1000/docker.sock" });
      expect(plainEngineTarget({ DOCKER_HOST: "tcp://10.0.0.5:2375" }, home)).toEqual({ host: "10.0.0.5", port: 2375 });
      expect(plainEngineTarget({ DOCKER_HOST: "tcp://10.0.0.5:2376" }, home)).toBeNull();
      expect(plainEngineTarget({ DOCKER_HOST: "tcp://10.0.0.5:2375", DOCKER_TLS_VERIFY: "1" }, home)).toBeNull();
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("sweepOrphansOverHttp: the start-up sweep without dockerode", () => {
  it("lists the data dir's containers and force-removes those of other instances; one gone meanwhile is not an error", async () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-sweep-"));
    const socket = join(dir, "docker.sock");
    const seen: string[] = [];
    const engine = createServer((request, response) => {
      seen.push(`${request.method} ${decodeURIComponent(request.url ?? "")}`);
      if (request.method === "GET") {
        response.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify([
            { Id: "mine", Labels: { "launch-local.instance": "me" } },
            { Id: "old1", Labels: { "launch-local.instance": "crashed" } },
            { Id: "gone", Labels: { "launch-local.instance": "crashed" } },
            { Id: "unlabelled", Labels: null },
          ]),
        );
        return;
      }
      response.writeHead(request.url?.startsWith("/containers/gone") ? 404 : 204).end();
    });
    await new Promise<void>((resolve) => engine.listen(socket, resolve));
    try {
      expect(await sweepOrphansOverHttp({ socketPath: socket }, "/data dir", "me")).toBe(2);
      expect(seen[0]).toBe('GET /containers/json?all=1&filters={"label":["launch-local.data-dir=/data dir"]}');
      expect(seen.slice(1).sort()).toEqual(["DELETE /containers/gone?force=1", "DELETE /containers/old1?force=1", "DELETE /containers/unlabelled?force=1"]);
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails when the engine refuses the list", async () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-sweep-"));
    const socket = join(dir, "docker.sock");
    const engine = createServer((_, response) => response.writeHead(500).end("boom"));
    await new Promise<void>((resolve) => engine.listen(socket, resolve));
    try {
      await expect(sweepOrphansOverHttp({ socketPath: socket }, "/d", "me")).rejects.toThrow(/answered 500: boom/);
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("deferredDocker: ready before the Docker client has loaded", () => {
  it("loads nothing until a call needs it, and disposes nothing that never loaded", async () => {
    let loads = 0;
    const pair = deferredDocker(async () => {
      loads++;
      return { runtime: { name: "docker" } as unknown as WorkerRuntime, jobRunner: { name: "docker" } as unknown as JobRunner };
    });
    await pair.runtime.dispose();
    await pair.jobRunner.dispose();
    expect(loads).toBe(0);
  });

  it("tries the load again on the next call after one failed", async () => {
    let loads = 0;
    const runtime = { name: "docker", prepare: async () => "prepared" } as unknown as WorkerRuntime;
    const pair = deferredDocker(async () => {
      loads++;
      if (loads === 1) throw new LaunchError("BAD_REQUEST", "engine restarting");
      return { runtime, jobRunner: { name: "docker" } as unknown as JobRunner };
    });
    await expect(pair.runtime.prepare({} as never, 0, () => undefined)).rejects.toThrow("engine restarting");
    await expect(pair.runtime.prepare({} as never, 0, () => undefined)).resolves.toBe("prepared");
    expect(loads).toBe(2);
  });

  it("makes every call wait for the load, and fails them with its reason when it fails", async () => {
    const calls: string[] = [];
    let finish: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const runtime = {
      name: "docker",
      prepare: async () => void calls.push("prepare"),
      dispose: async () => void calls.push("runtime.dispose"),
    } as unknown as WorkerRuntime;
    const jobRunner = { name: "docker", dispose: async () => void calls.push("jobs.dispose") } as unknown as JobRunner;
    const pair = deferredDocker(async () => {
      await gate;
      return { runtime, jobRunner };
    });
    expect(pair.runtime.name).toBe("docker");
    const prepared = pair.runtime.prepare({} as never, 0, () => undefined);
    await Promise.resolve();
    expect(calls).toEqual([]);
    finish();
    await prepared;
    await pair.runtime.dispose();
    await pair.jobRunner.dispose();
    expect(calls).toEqual(["prepare", "runtime.dispose", "jobs.dispose"]);

    const broken = deferredDocker(() => Promise.reject(new LaunchError("BAD_REQUEST", "engine gone")));
    await expect(broken.runtime.prepare({} as never, 0, () => undefined)).rejects.toThrow("engine gone");
    await expect(broken.runtime.dispose()).resolves.toBeUndefined();
  });
});
