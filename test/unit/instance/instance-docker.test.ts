import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import type { JobRunner, WorkerRuntime } from "../../../src/domain/ports.js";
import { deferredDocker, pingDockerEngine } from "../../../src/instance-docker.js";

describe("pingDockerEngine: is there an engine, asked without dockerode", () => {
  it("answers true for an engine on a unix socket, false for none, null where only the client can tell", async () => {
    const dir = mkdtempSync(join(tmpdir(), "launch-ping-"));
    const socket = join(dir, "docker.sock");
    const engine = createServer((request, response) => {
      response.writeHead(request.url === "/_ping" ? 200 : 404).end("OK");
    });
    await new Promise<void>((resolve) => engine.listen(socket, resolve));
    try {
      expect(await pingDockerEngine({ DOCKER_HOST: `unix://${socket}` })).toBe(true);
      expect(await pingDockerEngine({ DOCKER_HOST: `unix://${join(dir, "missing.sock")}` })).toBe(false);
      expect(await pingDockerEngine({ DOCKER_HOST: "ssh://me@host" })).toBeNull();
      expect(await pingDockerEngine({ DOCKER_HOST: "tcp://127.0.0.1:2376", DOCKER_TLS_VERIFY: "1" })).toBeNull();
    } finally {
      engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("deferredDocker: ready before the Docker client has loaded", () => {
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
