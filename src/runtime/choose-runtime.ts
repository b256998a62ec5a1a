/**
 * `--runtime auto|docker|process|ray` (DESIGN.md "Workers"): the worker runtime and the docker-image
 * batch job runner that goes with it. `docker` is strict: every endpoint in Docker, or its build
 * fails with the reason. `auto` with no engine answering (DOCKER_HOST respected) is local processes;
 * with one, the runtime router chooses per endpoint (runtime-router.ts: Docker where the image is
 * present, mapped or pullable, else local processes, saying why). Jobs run as containers whenever
 * an engine is used, as host processes otherwise. Called once by the composition root (src/instance.ts).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Clock } from "../domain/clock.js";
import { ConfigError } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import type { BlobStore, WorkerLaunchSpec, WorkerRuntime } from "../domain/ports.js";
import type { JobRunner } from "../domain/job-ports.js";
import { type RuntimePair, deferredDocker } from "./docker/deferred-runtime.js";
import { httpEngine, httpImageEngine, pingDockerEngine, plainEngineTarget } from "./docker/engine-probe.js";
import { type ImageEngine, dockerVerdict } from "./docker/image-verdict.js";
import { sweepOrphanContainers } from "./docker/orphan-sweep.js";
import { type GpuPolicy, lazyGpuAllocator } from "./gpu-inventory.js";
import { createProcessJobRunner } from "./process/job-runner.js";
import { createProcessRuntime } from "./process/process-runtime.js";
import type { LlmEngineEnv } from "./process/llm-engine-env.js";
import { createRuntimeRouter } from "./runtime-router.js";

export type { RuntimePair } from "./docker/deferred-runtime.js";

/** What the Ray runtime needs beyond the rest (README "Ray runtime"). */
export interface RayRuntimeOptions {
  /** null unless `--runtime ray`. */
  address: string | null;
  python: string;
  /** launch-local's listen address, and its URL once it listens. */
  listenHost: string;
  publicUrl: () => string;
  blobs: BlobStore;
  /** The worker blob routes' bearer token (blobs/signed-url.ts). */
  blobToken: string;
}

/** What choosing and building a runtime needs (the resolved options that concern workers). */
export interface RuntimeOptions {
  runtime: "auto" | "docker" | "process" | "ray";
  ray?: RayRuntimeOptions;
  dataDir: string;
  /** Host folder of the blob store, which workers read and write directly. */
  blobRoot: string;
  resultsBucket: string;
  python: string;
  workerStartTimeoutMs: number;
  /** Declared GPU ids; null: detect them. */
  gpus: string[] | null;
  gpuPolicy: GpuPolicy;
  /** `--pip-fallback`: a pinned version the index lacks is replaced by the nearest one (pip-fallback.ts). */
  pipFallback?: boolean;
  /** `--image-map` text, parsed (and checked) here. */
  imageMap: string;
  /** The Python worker server's folder (src/worker), run by path or copied into images. */
  workerDir: string;
  /** `--llm-python`: the LLM engine's interpreter; null: a venv built from its requirements. */
  llmPython: string | null;
  /** The weights folder an LLM engine worker sees as `model_files` (README "LLM endpoints"). */
  modelFilesFor?: (spec: WorkerLaunchSpec) => Promise<string | null>;
  /** The LLM engine's environment, shared by engine workers and engine-image jobs (one venv build). */
  engineEnv?: LlmEngineEnv;
  /** The S3-compatible door as a worker on this host reaches it (known once listening). */
  s3EndpointUrl?: () => string;
  logger: Logger;
  env: Record<string, string | undefined>;
  clock: Clock;
}

export async function chooseRuntime(options: RuntimeOptions): Promise<RuntimePair> {
  const processes = (): RuntimePair => ({ runtime: processRuntime(options), jobRunner: processJobRunner(options) });
  if (options.runtime === "process") return processes();
  if (options.runtime === "ray") return loadRay(options);
  const target = plainEngineTarget(options.env);
  if (target !== null && !(await pingDockerEngine(target))) {
    if (options.runtime === "docker") {
      throw new ConfigError("No Docker engine answers (DOCKER_HOST or /var/run/docker.sock). Start one, or use --runtime process.");
    }
    return processes();
  }
  // The image map is checked now, so a typo is a start-up error rather than a failed build later.
  const imageMap = await parseImageMapOrThrow(options.imageMap);
  const instanceId = randomBytes(8).toString("hex");
  // auto: each endpoint where it can be served, the image questions asked as the engine is reached.
  const perEndpoint = (docker: RuntimePair, images: ImageEngine): RuntimePair => {
    if (options.runtime === "docker") return docker;
    const runtime = createRuntimeRouter({
      docker: docker.runtime,
      processes: processRuntime(options),
      verdict: (bundle) => dockerVerdict(bundle, imageMap, images),
      logger: options.logger.child("runtime"),
    });
    return { runtime, jobRunner: docker.jobRunner };
  };
  if (target === null) {
    // An engine reached through TLS or ssh: only the real client can tell, so load it (and sweep) now.
    const loaded = await loadDocker(options, instanceId, imageMap, true);
    if (loaded !== null) return perEndpoint(loaded.pair, loaded.images);
    if (options.runtime === "docker") throw new ConfigError(`No Docker engine answers at DOCKER_HOST=${options.env["DOCKER_HOST"] ?? ""}.`);
    return processes();
  }
  // A crashed instance's containers go now, in the background and without dockerode, which loads
  // only when something first needs a container.
  sweepOrphanContainers(httpEngine(target), options.dataDir, instanceId).then(
    (removed) => {
      if (removed > 0) options.logger.info(`removed ${removed} container(s) left by a crashed instance`);
    },
    (error: unknown) =>
      options.logger.warn("could not remove containers left by a crashed instance", { error: error instanceof Error ? error.message : String(error) }),
  );
  const docker = deferredDocker(async () => {
    const loaded = await loadDocker(options, instanceId, imageMap, false);
    if (loaded === null) throw new ConfigError("The Docker engine stopped answering.");
    return loaded.pair;
  });
  return perEndpoint(docker, httpImageEngine(target));
}

/**
 * Loads dockerode and the Docker runtime (about 230 ms of CPU and 13 MB: kept off the start-up path
 * unless the engine needs the real client to be reached), sweeps the containers a crashed instance
 * left when `sweep` (no plain-HTTP sweep could), and builds the runtime and job runner, which share
 * one GPU inventory, and auto's image questions through the same client. null when the engine does not answer.
 */
async function loadDocker(
  options: RuntimeOptions,
  instanceId: string,
  imageMap: Record<string, string>,
  sweep: boolean,
): Promise<{ pair: RuntimePair; images: ImageEngine } | null> {
  const { logger } = options;
  const [{ default: Dockerode }, { createDockerJobRunner, createDockerRuntime, dockerodeImageEngine, isDockerAvailable }] = await Promise.all([
    import("dockerode"),
    import("./docker/index.js"),
  ]);
  const docker = new Dockerode();
  if (!(await isDockerAvailable(docker))) return null;
  // One inventory: a job container and a worker container never get the same device.
  const gpuAllocator = lazyGpuAllocator(options.gpus ?? undefined, options.env);
  const runtime = createDockerRuntime({
    docker,
    instanceId,
    dataDir: options.dataDir,
    blobRoot: options.blobRoot,
    resultsBucket: options.resultsBucket,
    workerDir: options.workerDir,
    logger: logger.child("docker"),
    startTimeoutMs: options.workerStartTimeoutMs,
    imageMap,
    gpuAllocator,
    gpuPolicy: options.gpuPolicy,
    python: options.python,
    pipFallback: options.pipFallback ?? false,
    env: options.env,
    clock: options.clock,
    ...(options.modelFilesFor ? { modelFilesFor: options.modelFilesFor } : {}),
  });
  // Job containers carry the same instance and data-dir labels, so this sweep removes them too.
  // sweepOrphans logs what it removed.
  if (sweep) await runtime.sweepOrphans();
  const jobRunner = createDockerJobRunner({
    docker,
    instanceId,
    dataDir: options.dataDir,
    env: options.env,
    imageMap,
    logger: logger.child("jobs"),
    gpuAllocator,
    gpuPolicy: options.gpuPolicy,
  });
  return { pair: { runtime, jobRunner }, images: dockerodeImageEngine(docker, options.clock) };
}

/** The Ray runtime and job runner on one driver process (runtime/ray/); imported only when chosen. */
async function loadRay(options: RuntimeOptions): Promise<RuntimePair> {
  const ray = options.ray;
  if (ray === undefined || ray.address === null) throw new ConfigError("--runtime ray needs --ray-address HOST:PORT (or LAUNCH_LOCAL_RAY_ADDRESS)");
  const { createRaySet } = await import("./ray/index.js");
  try {
    return await createRaySet({
      address: ray.address,
      python: ray.python,
      workerDir: options.workerDir,
      dataDir: options.dataDir,
      listenHost: ray.listenHost,
      publicUrl: ray.publicUrl,
      blobs: ray.blobs,
      blobToken: ray.blobToken,
      resultsBucket: options.resultsBucket,
      startTimeoutMs: options.workerStartTimeoutMs,
      gpuPolicy: options.gpuPolicy,
      env: options.env,
      logger: options.logger,
      clock: options.clock,
    });
  } catch (error) {
    throw new ConfigError(`--runtime ray: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function parseImageMapOrThrow(text: string): Promise<Record<string, string>> {
  const { parseImageMap } = await import("./docker/image-map.js");
  try {
    return parseImageMap(text);
  } catch (error) {
    throw new ConfigError(`image map: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Jobs as host processes: the process runtime's runner, and the one tests with a fake runtime get. */
export function processJobRunner(options: Pick<RuntimeOptions, "dataDir" | "logger" | "env">): JobRunner {
  return createProcessJobRunner({ dataDir: options.dataDir, env: options.env, logger: options.logger.child("jobs") });
}

function processRuntime(options: RuntimeOptions): WorkerRuntime {
  return createProcessRuntime({
    dataDir: options.dataDir,
    python: options.python,
    logger: options.logger.child("runtime"),
    workerScript: join(options.workerDir, "server.py"),
    blobRoot: options.blobRoot,
    resultsBucket: options.resultsBucket,
    startTimeoutMs: options.workerStartTimeoutMs,
    gpus: options.gpus ?? undefined,
    gpuPolicy: options.gpuPolicy,
    pipFallback: options.pipFallback ?? false,
    env: options.env,
    clock: options.clock,
    llmPython: options.llmPython,
    ...(options.s3EndpointUrl ? { s3EndpointUrl: options.s3EndpointUrl } : {}),
    ...(options.modelFilesFor ? { modelFilesFor: options.modelFilesFor } : {}),
    ...(options.engineEnv ? { engineEnv: options.engineEnv } : {}),
    checkInterpreter: true,
  });
}
