import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ConfigError, type ResolvedConfig } from "./config/options.js";
import type { Clock } from "./domain/clock.js";
import type { Logger } from "./domain/logger.js";
import type { JobRunner, WorkerLaunchSpec, WorkerRuntime } from "./domain/ports.js";
import { createProcessJobRunner } from "./runtime/process/job-runner.js";
import { createProcessRuntime } from "./runtime/process/process-runtime.js";
import { deferredDocker, pingDockerEngine, plainEngineTarget, sweepOrphansOverHttp } from "./instance-docker.js";
import { lazyGpuAllocator } from "./runtime/gpu-inventory.js";

/** The worker server, run by path (process runtime) or copied into images (docker runtime). */
export const WORKER_DIR = fileURLToPath(new URL("../src/worker", import.meta.url));
export const WORKER_SCRIPT = fileURLToPath(new URL("../src/worker/server.py", import.meta.url));

export interface RuntimeContext {
  config: ResolvedConfig;
  logger: Logger;
  blobRoot: string;
  env: Record<string, string | undefined>;
  clock: Clock;
  /** The weights folder an LLM engine worker sees as `model_files` (README "LLM endpoints"). */
  modelFilesFor?: (spec: WorkerLaunchSpec) => Promise<string | null>;
}

/** The worker runtime and the docker-image batch job runner that goes with it. */
export interface ChosenRuntime {
  runtime: WorkerRuntime;
  jobRunner: JobRunner;
}

/**
 * `--runtime auto|docker|process` (DESIGN.md "Workers"): auto picks Docker when a daemon answers
 * (DOCKER_HOST respected), else local processes. Jobs run as containers under the Docker runtime,
 * as host processes under the process runtime. Part of the composition root.
 */
export async function chooseRuntime(context: RuntimeContext): Promise<ChosenRuntime> {
  const { config } = context;
  const processes = (): ChosenRuntime => ({ runtime: processRuntime(context), jobRunner: processJobRunner(context) });
  if (config.runtime === "process") return processes();
  const target = plainEngineTarget(context.env);
  if (target !== null && !(await pingDockerEngine(target))) {
    if (config.runtime === "docker") {
      throw new ConfigError("No Docker engine answers (DOCKER_HOST or /var/run/docker.sock). Start one, or use --runtime process.");
    }
    return processes();
  }
  // The image map is checked now, so a typo is a start-up error rather than a failed build later.
  const imageMap = await parseImageMapOrThrow(config.imageMap);
  const instanceId = randomBytes(8).toString("hex");
  if (target === null) {
    // An engine reached through TLS or ssh: only the real client can tell, so load it (and sweep) now.
    const pair = await loadDocker(context, instanceId, imageMap, true);
    if (pair !== null) return pair;
    if (config.runtime === "docker") throw new ConfigError(`No Docker engine answers at DOCKER_HOST=${context.env["DOCKER_HOST"] ?? ""}.`);
    return processes();
  }
  // A crashed instance's containers go now, in the background and without dockerode, which loads
  // only when something first needs a container.
  sweepOrphansOverHttp(target, config.dataDir, instanceId).then(
    (removed) => {
      if (removed > 0) context.logger.info(`removed ${removed} container(s) left by a crashed instance`);
    },
    (error: unknown) => context.logger.warn("could not remove containers left by a crashed instance", { error: error instanceof Error ? error.message : String(error) }),
  );
  return deferredDocker(async () => {
    const pair = await loadDocker(context, instanceId, imageMap, false);
    if (pair === null) throw new ConfigError("The Docker engine stopped answering.");
    return pair;
  });
}

/**
 * Loads dockerode and the Docker runtime (about 230 ms of CPU and 13 MB: kept off the start-up path
 * unless the engine needs the real client to be reached), sweeps the containers a crashed instance
 * left when `sweep` (no plain-HTTP sweep could), and builds the runtime and job runner, which share
 * one GPU inventory. null when the engine does not answer.
 */
async function loadDocker(context: RuntimeContext, instanceId: string, imageMap: Record<string, string>, sweep: boolean): Promise<ChosenRuntime | null> {
  const { config, logger } = context;
  const [{ default: Dockerode }, { createDockerJobRunner, createDockerRuntime, isDockerAvailable }] = await Promise.all([
    import("dockerode"),
    import("./runtime/docker/index.js"),
  ]);
  const docker = new Dockerode();
  if (!(await isDockerAvailable(docker))) return null;
  // One inventory: a job container and a worker container never get the same device.
  const gpuAllocator = lazyGpuAllocator(config.gpus ?? undefined, context.env);
  const runtime = createDockerRuntime({
    docker,
    instanceId,
    dataDir: config.dataDir,
    blobRoot: context.blobRoot,
    resultsBucket: config.bucket,
    workerDir: WORKER_DIR,
    logger: logger.child("docker"),
    startTimeoutMs: config.workerStartTimeoutMs,
    imageMap,
    gpuAllocator,
    gpuPolicy: config.gpuPolicy,
    python: config.python,
    env: context.env,
    clock: context.clock,
  });
  // Job containers carry the same instance and data-dir labels, so this sweep removes them too.
  // sweepOrphans logs what it removed.
  if (sweep) await runtime.sweepOrphans();
  const jobRunner = createDockerJobRunner({
    docker,
    instanceId,
    dataDir: config.dataDir,
    imageMap,
    logger: logger.child("jobs"),
    gpuAllocator,
    gpuPolicy: config.gpuPolicy,
  });
  return { runtime, jobRunner };
}

async function parseImageMapOrThrow(text: string): Promise<Record<string, string>> {
  const { parseImageMap } = await import("./runtime/docker/image-map.js");
  try {
    return parseImageMap(text);
  } catch (error) {
    throw new ConfigError(`image map: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Jobs as host processes: the process runtime's runner, and the one tests with a fake runtime get. */
export function processJobRunner(context: Pick<RuntimeContext, "config" | "logger" | "env">): JobRunner {
  return createProcessJobRunner({ dataDir: context.config.dataDir, env: context.env, logger: context.logger.child("jobs") });
}

function processRuntime(context: RuntimeContext): WorkerRuntime {
  const { config } = context;
  return createProcessRuntime({
    dataDir: config.dataDir,
    python: config.python,
    logger: context.logger.child("runtime"),
    workerScript: WORKER_SCRIPT,
    blobRoot: context.blobRoot,
    resultsBucket: config.bucket,
    startTimeoutMs: config.workerStartTimeoutMs,
    gpus: config.gpus ?? undefined,
    gpuPolicy: config.gpuPolicy,
    env: context.env,
    clock: context.clock,
    llmPython: config.llmPython,
    ...(context.modelFilesFor ? { modelFilesFor: context.modelFilesFor } : {}),
  });
}
