/**
 * Where docker-image batch jobs of the engine image run (README "Fine-tunes"): a job whose bundle
 * names `launch-local/llm-engine` (the built-in trainer, batch completions) runs as a host process
 * with the LLM engine's interpreter and the engine package on PYTHONPATH, under the process and
 * Docker runtimes, as the engine's workers do; unless the runtime's runner runs engine jobs itself:
 * a container when `--image-map` maps that image, an actor on the Ray cluster in the engine's
 * environment built on its node (ray/engine-job.ts). Every other job goes to the runtime's own runner.
 */
import { delimiter } from "node:path";
import { ENGINE_IMAGE_REPOSITORY } from "../domain/fine-tunes/builtin-trainer.js";
import type { JobRunSpec, JobRunner } from "../domain/job-ports.js";

export interface EngineJobRunnerOptions {
  /** Host processes (the process runtime's job runner). */
  processRunner: JobRunner;
  /** The runtime's runner for every other job (may be `processRunner` itself). */
  runtimeRunner: JobRunner;
  /** The engine's interpreter, built or checked on first use (its output goes to the job's log). */
  enginePython(log: (line: string) => void): Promise<string>;
  /** `<package>/src/worker`, which holds the `launch_local_llm` package. */
  workerDir: string;
  /** True when `runtimeRunner` runs engine jobs itself (the image map names the engine image; the Ray runner). */
  isEngineOnRuntime: boolean;
}

/** What every engine job's process gets: the engine runs offline, on the weights it was given. */
export const ENGINE_JOB_ENV = { HF_HUB_OFFLINE: "1", TRANSFORMERS_OFFLINE: "1", TOKENIZERS_PARALLELISM: "false" } as const;

const PYTHON_NAMES = new Set(["python", "python3"]);

/** The job as a host process in the engine's environment: `python` is the engine's interpreter. */
export function engineJobSpec(job: JobRunSpec, python: string, workerDir: string): JobRunSpec {
  const [first, ...rest] = job.spec.command;
  const command = first !== undefined && PYTHON_NAMES.has(first) ? [python, ...rest] : [...job.spec.command];
  const pythonPath = [workerDir, job.spec.env.PYTHONPATH].filter((part) => part !== undefined && part !== "").join(delimiter);
  const env = { ...job.spec.env, PYTHONPATH: pythonPath, ...ENGINE_JOB_ENV };
  return { ...job, spec: { ...job.spec, command, env } };
}

export function createEngineJobRunner(options: EngineJobRunnerOptions): JobRunner {
  const { processRunner, runtimeRunner } = options;
  const isEngineJob = (job: JobRunSpec): boolean => job.spec.imageRepository === ENGINE_IMAGE_REPOSITORY && !options.isEngineOnRuntime;
  const runners = processRunner === runtimeRunner ? [processRunner] : [processRunner, runtimeRunner];
  return {
    name: runtimeRunner.name,

    async run(job, log) {
      if (!isEngineJob(job)) return runtimeRunner.run(job, log);
      const python = await options.enginePython(log);
      return processRunner.run(engineJobSpec(job, python, options.workerDir), log);
    },

    async reap(jobId, ref) {
      // A process ref belongs to the process runner; anything else to the runtime's.
      await (ref?.startsWith("process:") === true ? processRunner : runtimeRunner).reap(jobId, ref);
    },

    async imageExists(repository, tag) {
      if (repository === ENGINE_IMAGE_REPOSITORY && !options.isEngineOnRuntime) return true;
      return runtimeRunner.imageExists === undefined ? true : runtimeRunner.imageExists(repository, tag);
    },

    async dispose() {
      await Promise.all(runners.map((runner) => runner.dispose()));
    },
  };
}
