/**
 * Engine-image jobs on the Ray cluster (README "Ray runtime"): the built-in trainer and batch
 * completions (image `launch-local/llm-engine`) run on a node as every docker-image batch job runs
 * there, in the LLM engine's environment built on that node: a virtualenv of the engine's
 * requirements that also sees the node Python's own site-packages (where torch usually is, so pip
 * downloads nothing), cached on the node by the requirements' hash like every node environment.
 * Nothing comes from this machine's filesystem: the engine package travels as the worker server
 * does (a Ray py_module, driver.py), and the weights folder the job names through the blob store
 * (model-mirror.ts), downloaded into the actor's scratch folder.
 */
import { readFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { BATCH_MODEL_DIR_ENV } from "../../domain/batch-completions/batch-runner.js";
import { ENGINE_IMAGE_REPOSITORY } from "../../domain/fine-tunes/builtin-trainer.js";
import { FINE_TUNE_ENV } from "../../domain/fine-tunes/fine-tune-job.js";
import type { BlobStore } from "../../domain/ports.js";
import type { JobRunSpec } from "../../domain/job-ports.js";
import { ENGINE_JOB_ENV } from "../engine-jobs.js";
import { mirrorFolder } from "./model-mirror.js";
import type { RayPlacement } from "./ray-driver.js";

export interface RayEngineJobsOptions {
  /** `src/worker`, which holds `launch_local_llm` (its requirements.txt). */
  workerDir: string;
  blobs: BlobStore;
  /** The gateway's URL as the nodes reach it (signed weight URLs). */
  gatewayUrl(): string;
}

/** What the job's child runs on the node once the engine's environment is there. */
export interface EngineJobPlan {
  argv: string[];
  env: Record<string, string>;
  download: { url: string; path: string }[];
}

export interface RayEngineJobs {
  isEngineJob(job: JobRunSpec): boolean;
  /** The engine's requirement lines, for the node's environment. */
  requirements(): Promise<string[]>;
  /** The child's argv and environment on its node, and the weights it downloads first. */
  plan(placement: RayPlacement, argv: readonly string[], env: Record<string, string>, log: (line: string) => void): Promise<EngineJobPlan>;
}

const PYTHON_NAMES = new Set(["python", "python3"]);
/** The job environment's keys that name a weights folder on this machine (resolved by the server). */
const MODEL_DIR_KEYS = [BATCH_MODEL_DIR_ENV, FINE_TUNE_ENV.baseModelDir];

/** requirements.txt without comments and blank lines (a comment edit is not a new environment). */
export function requirementLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter((line) => line !== "");
}

export function createRayEngineJobs(options: RayEngineJobsOptions): RayEngineJobs {
  let requirements: Promise<string[]> | null = null;
  return {
    isEngineJob: (job) => job.spec.imageRepository === ENGINE_IMAGE_REPOSITORY,

    requirements() {
      requirements ??= readFile(join(options.workerDir, "launch_local_llm", "requirements.txt"), "utf8").then(requirementLines);
      // A failed read is tried again by the next job.
      void requirements.catch(() => (requirements = null));
      return requirements;
    },

    async plan(placement, argv, env, log) {
      if (placement.enginePath === null) throw new Error("The Ray node has no launch_local_llm package (the driver ships it as a py_module).");
      const [first, ...rest] = argv;
      const command = first !== undefined && PYTHON_NAMES.has(first) ? [placement.python, ...rest] : [...argv];
      const pythonPath = [placement.enginePath, env.PYTHONPATH].filter((part) => part !== undefined && part !== "").join(delimiter);
      const planned: Record<string, string> = { ...env, ...ENGINE_JOB_ENV, PYTHONPATH: pythonPath };
      const download: { url: string; path: string }[] = [];
      for (const key of MODEL_DIR_KEYS) {
        const folder = env[key];
        if (folder === undefined || folder === "") continue;
        const files = await mirrorFolder(options.blobs, folder, options.gatewayUrl());
        const target = `${placement.scratch}/models/${key.toLowerCase()}`;
        for (const file of files) download.push({ url: file.url, path: `${target}/${file.relativePath}` });
        planned[key] = target;
        log(`[launch-local] the weights (${files.length} files) go to node ${placement.nodeIp} through the blob store`);
      }
      return { argv: command, env: planned, download };
    },
  };
}
