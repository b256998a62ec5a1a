import { request } from "node:http";
import type { JobHandle, JobRunner, WorkerHandle, WorkerRuntime } from "./domain/ports.js";

/**
 * Whether a Docker engine answers `GET /_ping`, asked with Node's own http client so that the answer
 * costs no dockerode load (about 230 ms of CPU: most of a start, bench row 6). null when the
 * endpoint needs the real client to be reached (TLS, ssh, named pipes).
 */
export function pingDockerEngine(env: Record<string, string | undefined>, timeoutMs = 2_000): Promise<boolean | null> {
  const host = env["DOCKER_HOST"] ?? "";
  let target: { socketPath: string } | { host: string; port: number };
  if (host === "") target = { socketPath: "/var/run/docker.sock" };
  else if (host.startsWith("unix://")) target = { socketPath: host.slice("unix://".length) };
  else if (host.startsWith("tcp://") && (env["DOCKER_TLS_VERIFY"] ?? "") === "") {
    const url = new URL(`http://${host.slice("tcp://".length)}`);
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else return Promise.resolve(null);
  return new Promise((resolve) => {
    const ping = request({ ...target, path: "/_ping", method: "GET", timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on("timeout", () => ping.destroy());
    ping.on("error", () => resolve(false));
    ping.end();
  });
}

export interface DockerPair {
  runtime: WorkerRuntime;
  jobRunner: JobRunner;
}

/**
 * The Docker runtime and job runner behind a promise: the instance is ready before the Docker client
 * has loaded and the orphan sweep has run (both start at once, in the background); every call that
 * needs them waits for them. A load that fails makes those calls fail with its reason (an endpoint
 * then ends UPDATE_FAILED with it).
 */
export function deferredDocker(load: () => Promise<DockerPair>): DockerPair {
  const loaded = load();
  // Callers see the failure; an instance that never uses Docker must not report it as unhandled.
  loaded.catch(() => undefined);
  const runtime: WorkerRuntime = {
    name: "docker",
    prepare: async (bundle, gpus, log) => (await loaded).runtime.prepare(bundle, gpus, log),
    start: async (spec, log): Promise<WorkerHandle> => (await loaded).runtime.start(spec, log),
    dispose: async () => {
      const pair = await loaded.catch(() => null);
      await pair?.runtime.dispose();
    },
  };
  const jobRunner: JobRunner = {
    name: "docker",
    run: async (job, log): Promise<JobHandle> => (await loaded).jobRunner.run(job, log),
    reap: async (jobId, ref) => (await loaded).jobRunner.reap(jobId, ref),
    imageExists: async (repository, tag) => {
      const runner = (await loaded).jobRunner;
      return runner.imageExists ? runner.imageExists(repository, tag) : true;
    },
    dispose: async () => {
      const pair = await loaded.catch(() => null);
      await pair?.jobRunner.dispose();
    },
  };
  return { runtime, jobRunner };
}
