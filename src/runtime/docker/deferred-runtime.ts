/**
 * The Docker runtime and job runner behind a promise, loaded on the first call that needs them: an
 * idle instance never pays for dockerode (bench row 6: 13 MB of its idle memory). A load that fails
 * makes those calls fail with its reason (an endpoint then ends UPDATE_FAILED with it); the next
 * call tries again. Disposing what never loaded does nothing.
 */
import type { WorkerHandle, WorkerRuntime } from "../../domain/ports.js";
import type { JobHandle, JobRunner } from "../../domain/job-ports.js";

/** A worker runtime and the docker-image batch job runner that goes with it. */
export interface RuntimePair {
  runtime: WorkerRuntime;
  jobRunner: JobRunner;
}

export function deferredDocker(load: () => Promise<RuntimePair>): RuntimePair {
  let pending: Promise<RuntimePair> | null = null;
  const loaded = (): Promise<RuntimePair> => {
    if (pending === null) {
      const attempt = load();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = null;
      });
    }
    return pending;
  };
  const ifLoaded = async (): Promise<RuntimePair | null> => (pending === null ? null : pending.catch(() => null));
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
