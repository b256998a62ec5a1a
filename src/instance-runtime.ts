import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { ConfigError, type ResolvedConfig } from "./config/options.js";
import type { Clock } from "./domain/clock.js";
import type { Logger } from "./domain/logger.js";
import type { JobRunner, WorkerRuntime } from "./domain/ports.js";
import { createProcessJobRunner } from "./runtime/process/job-runner.js";
import { createProcessRuntime } from "./runtime/process/process-runtime.js";

/** The worker server, run by path (process runtime) or copied into images (docker runtime). */
export const WORKER_DIR = fileURLToPath(new URL("../src/worker", import.meta.url));
export const WORKER_SCRIPT = fileURLToPath(new URL("../src/worker/server.py", import.meta.url));

export interface RuntimeContext {
  config: ResolvedConfig;
  logger: Logger;
  blobRoot: string;
  env: Record<string, string | undefined>;
  clock: Clock;
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
  const { config, logger } = context;
  if (config.runtime === "process") return { runtime: processRuntime(context), jobRunner: processJobRunner(context) };
  // Loaded only when Docker may be used: dockerode (with its gRPC and ssh dependencies) and the
  // Docker runtime take about 230 ms of CPU and 12 MB to load, most of a process-runtime start
  // (issue 5, scripts/bench row 6).
  const [{ default: Dockerode }, { createDockerJobRunner, createDockerRuntime, isDockerAvailable, parseImageMap }] = await Promise.all([
    import("dockerode"),
    import("./runtime/docker/index.js"),
  ]);
  const docker = new Dockerode();
  const isAvailable = await isDockerAvailable(docker);
  if (!isAvailable) {
    if (config.runtime === "docker") {
      throw new ConfigError("No Docker engine answers (DOCKER_HOST or /var/run/docker.sock). Start one, or use --runtime process.");
    }
    return { runtime: processRuntime(context), jobRunner: processJobRunner(context) };
  }
  let imageMap: Record<string, string>;
  try {
    imageMap = parseImageMap(config.imageMap);
  } catch (error) {
    throw new ConfigError(`image map: ${error instanceof Error ? error.message : String(error)}`);
  }
  const instanceId = randomBytes(8).toString("hex");
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
    gpus: config.gpus ?? undefined,
    gpuPolicy: config.gpuPolicy,
    python: config.python,
    env: context.env,
    clock: context.clock,
  });
  // Job containers carry the same instance and data-dir labels, so this sweep removes them too.
  const removed = await runtime.sweepOrphans();
  if (removed > 0) logger.info(`removed ${removed} container(s) left by a crashed instance`);
  const jobRunner = createDockerJobRunner({
    docker,
    instanceId,
    dataDir: config.dataDir,
    imageMap,
    logger: logger.child("jobs"),
    gpus: config.gpus ?? undefined,
    gpuPolicy: config.gpuPolicy,
    env: context.env,
  });
  return { runtime, jobRunner };
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
  });
}
