import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import Dockerode from "dockerode";
import { ConfigError, type ResolvedConfig } from "./config/options.js";
import type { Clock } from "./domain/clock.js";
import type { Logger } from "./domain/logger.js";
import type { WorkerRuntime } from "./domain/ports.js";
import { createDockerRuntime, isDockerAvailable, parseImageMap } from "./runtime/docker/index.js";
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

/**
 * `--runtime auto|docker|process` (DESIGN.md "Workers"): auto picks Docker when a daemon answers
 * (DOCKER_HOST respected), else local processes. Part of the composition root.
 */
export async function chooseRuntime(context: RuntimeContext): Promise<WorkerRuntime> {
  const { config, logger } = context;
  if (config.runtime === "process") return processRuntime(context);
  const docker = new Dockerode();
  const isAvailable = await isDockerAvailable(docker);
  if (!isAvailable) {
    if (config.runtime === "docker") {
      throw new ConfigError("No Docker engine answers (DOCKER_HOST or /var/run/docker.sock). Start one, or use --runtime process.");
    }
    return processRuntime(context);
  }
  let imageMap: Record<string, string>;
  try {
    imageMap = parseImageMap(config.imageMap);
  } catch (error) {
    throw new ConfigError(`image map: ${error instanceof Error ? error.message : String(error)}`);
  }
  const runtime = createDockerRuntime({
    docker,
    instanceId: randomBytes(8).toString("hex"),
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
  const removed = await runtime.sweepOrphans();
  if (removed > 0) logger.info(`removed ${removed} container(s) left by a crashed instance`);
  return runtime;
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
