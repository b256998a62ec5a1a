import { existsSync } from "node:fs";
import { request } from "node:http";
import { homedir } from "node:os";
import { join } from "node:path";
import type { JobHandle, JobRunner, WorkerHandle, WorkerRuntime } from "./domain/ports.js";
import type { ChosenRuntime } from "./instance-runtime.js";
import { dataDirFilter, orphanIds } from "./runtime/docker/labels.js";

/** Where the engine listens, when Node's own http client can reach it (no TLS, no ssh, no pipes). */
export type EngineTarget = { socketPath: string } | { host: string; port: number };

/**
 * The engine dockerode would reach (docker-modem's reading of DOCKER_HOST), when plain HTTP reaches
 * it; null when only the real client can (TLS, ssh, named pipes). Without DOCKER_HOST that is Docker
 * Desktop's `~/.docker/run/docker.sock` when it exists, else `/var/run/docker.sock`.
 */
export function plainEngineTarget(env: Record<string, string | undefined>, home = homedir()): EngineTarget | null {
  const host = env["DOCKER_HOST"] ?? "";
  const socketPath = host === "" || host === "unix://" ? defaultSocket(home) : host.startsWith("unix://") ? host.slice("unix://".length) : null;
  if (socketPath !== null) return { socketPath };
  if (!host.startsWith("tcp://")) return null;
  const url = new URL(`http://${host.slice("tcp://".length)}`);
  // docker-modem speaks TLS when DOCKER_TLS_VERIFY is 1 or the port is 2376.
  if (env["DOCKER_TLS_VERIFY"] === "1" || url.port === "2376") return null;
  return { host: url.hostname, port: Number(url.port || 2375) };
}

function defaultSocket(home: string): string {
  const desktop = join(home, ".docker", "run", "docker.sock");
  return existsSync(desktop) ? desktop : "/var/run/docker.sock";
}

/** One Engine API call with Node's http client; rejects on a transport error or after `timeoutMs`. */
function engineCall(target: EngineTarget, method: string, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request({ ...target, path, method, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    call.on("timeout", () => call.destroy(new Error(`the Docker engine did not answer ${method} ${path} within ${timeoutMs} ms`)));
    call.on("error", reject);
    call.end();
  });
}

/**
 * Whether a Docker engine answers `GET /_ping` at `target`, asked with Node's own http client so that
 * the answer costs no dockerode load (about 230 ms of CPU and 13 MB: bench row 6).
 */
export async function pingDockerEngine(target: EngineTarget, timeoutMs = 2_000): Promise<boolean> {
  try {
    return (await engineCall(target, "GET", "/_ping", timeoutMs)).status === 200;
  } catch {
    return false;
  }
}

/**
 * The start-up orphan sweep (orphan-sweep.ts) without dockerode: lists the data dir's containers and
 * force-removes those another instance left. Returns how many were removed.
 */
export async function sweepOrphansOverHttp(target: EngineTarget, dataDir: string, instanceId: string, timeoutMs = 30_000): Promise<number> {
  const filters = encodeURIComponent(JSON.stringify(dataDirFilter(dataDir)));
  const listed = await engineCall(target, "GET", `/containers/json?all=1&filters=${filters}`, timeoutMs);
  if (listed.status !== 200) throw new Error(`listing containers answered ${listed.status}: ${listed.body.slice(0, 200)}`);
  const parsed: unknown = JSON.parse(listed.body);
  const containers = Array.isArray(parsed) ? parsed.filter(isListedContainer) : [];
  const removed = await Promise.all(
    orphanIds(containers, instanceId).map(async (id) => {
      const answer = await engineCall(target, "DELETE", `/containers/${encodeURIComponent(id)}?force=1`, timeoutMs);
      // 404: gone meanwhile; 409: removal already in progress.
      if (answer.status === 404 || answer.status === 409) return false;
      if (answer.status >= 300) throw new Error(`removing container ${id} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      return true;
    }),
  );
  return removed.filter(Boolean).length;
}

function isListedContainer(value: unknown): value is { Id: string; Labels?: Record<string, string> | null } {
  return typeof value === "object" && value !== null && "Id" in value && typeof value.Id === "string";
}

/**
 * The Docker runtime and job runner behind a promise, loaded on the first call that needs them: an
 * idle instance never pays for dockerode (bench row 6: 13 MB of its idle memory). A load that fails
 * makes those calls fail with its reason (an endpoint then ends UPDATE_FAILED with it); the next
 * call tries again. Disposing what never loaded does nothing.
 */
export function deferredDocker(load: () => Promise<ChosenRuntime>): ChosenRuntime {
  let pending: Promise<ChosenRuntime> | null = null;
  const loaded = (): Promise<ChosenRuntime> => {
    if (pending === null) {
      const attempt = load();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = null;
      });
    }
    return pending;
  };
  const ifLoaded = async (): Promise<ChosenRuntime | null> => (pending === null ? null : pending.catch(() => null));
  const runtime: WorkerRuntime = {
    name: "docker",
    prepare: async (bundle, gpus, log) => (await loaded()).runtime.prepare(bundle, gpus, log),
    start: async (spec, log): Promise<WorkerHandle> => (await loaded()).runtime.start(spec, log),
    dispose: async () => {
      const pair = await ifLoaded();
      await pair?.runtime.dispose();
    },
  };
  const jobRunner: JobRunner = {
    name: "docker",
    run: async (job, log): Promise<JobHandle> => (await loaded()).jobRunner.run(job, log),
    reap: async (jobId, ref) => (await loaded()).jobRunner.reap(jobId, ref),
    imageExists: async (repository, tag) => {
      const runner = (await loaded()).jobRunner;
      return runner.imageExists ? runner.imageExists(repository, tag) : true;
    },
    dispose: async () => {
      const pair = await ifLoaded();
      await pair?.jobRunner.dispose();
    },
  };
  return { runtime, jobRunner };
}
