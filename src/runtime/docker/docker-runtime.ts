/**
 * The Docker runtime (DESIGN.md "Workers" → Docker runtime): every worker is a container. Artifact
 * bundles run the project's worker server in an image built per bundle environment; runnable images
 * run as the real pod runs them. Containers carry labels naming this instance, so a crashed
 * instance's leftovers are swept at start and dispose() leaves nothing behind.
 */
import { mkdir } from "node:fs/promises";
import type Dockerode from "dockerode";
import { type BundleRecord, isArtifactFlavor } from "../../domain/bundle.js";
import { type Clock, systemClock } from "../../domain/clock.js";
import { LaunchError, SystemError, badRequest } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import type { WorkerExit, WorkerHandle, WorkerLaunchSpec, WorkerRuntime } from "../../domain/ports.js";
import { type GpuAllocator, type GpuPolicy, fitsGpuPolicy, lazyGpuAllocator } from "../gpu-inventory.js";
import type { Env } from "../process/run-command.js";
import { createBundleImages } from "./bundle-image.js";
import { inheritedEnv } from "../worker-env.js";
import { containerLimits } from "./container-limits.js";
import { type ContainerPlan, artifactPlan, createOptions, runnablePlan } from "./container-spec.js";
import { llmEngineContainerPlan } from "./llm-engine-container.js";
import { isEngineCommand } from "../../domain/llm/llm-bundle.js";
import { runnableArgv } from "../process/runnable-command.js";
import { DockerWorker } from "./docker-worker.js";
import { type EngineInfo, readEngineInfo } from "./engine-info.js";
import { type ImageMap, repositoryImage } from "./image-map.js";
import { ensureLocalImage, localImageId } from "./local-image.js";
import { containerName, workerLabels } from "./labels.js";
import { dockerodeEngine, listInstanceContainers, removeContainers, sweepOrphanContainers } from "./orphan-sweep.js";

export interface DockerRuntimeOptions {
  docker: Dockerode;
  /** Unique per launch-local instance; names its containers. */
  instanceId: string;
  /** The instance's data dir; scopes the orphan sweep. */
  dataDir: string;
  /** Host folder of the blob store (`s3://b/k` at `<root>/b/k`), bind-mounted into artifact workers. */
  blobRoot: string;
  resultsBucket: string;
  /** Absolute path of src/worker (copied into every bundle image). */
  workerDir: string;
  logger: Logger;
  startTimeoutMs: number;
  /** "pytorch" | "tensorflow" | "pytorch:<tag>" | "<repo>:<tag>" → a local image. */
  imageMap: ImageMap;
  /** Declared GPU ids; else detected with `nvidia-smi -L`, else none. */
  gpus?: string[];
  /** The host's GPU inventory, when shared with the job runner; default: one of its own from `gpus`. */
  gpuAllocator?: () => Promise<GpuAllocator>;
  gpuPolicy?: GpuPolicy;
  /** Host interpreter whose cloudpickle and pip build the images. Default python3. */
  python?: string;
  /** `--pip-fallback` (pip-fallback.ts). */
  pipFallback?: boolean;
  /** The server's environment (config/host-env.ts): host commands (pip, nvidia-smi) get its allow-list. */
  env: Env;
  clock?: Clock;
  /**
   * `uid:gid` artifact workers run as, so files they write into the blob store belong to the user.
   * Default: this process's ids (none when root, or when the engine is rootless). null: the image's user.
   */
  user?: string | null;
  /** The weights folder an LLM engine worker sees as `model_files` (null: the endpoint has none). */
  modelFilesFor?: (spec: WorkerLaunchSpec) => Promise<string | null>;
}

export type DockerRuntime = WorkerRuntime & {
  /** Removes containers of this data dir left by another (crashed) instance; returns how many. */
  sweepOrphans(): Promise<number>;
};

const defaultUser = (engine: EngineInfo): string | null => {
  if (engine.isRootless || typeof process.getuid !== "function" || typeof process.getgid !== "function") return null;
  const uid = process.getuid();
  return uid === 0 ? null : `${uid}:${process.getgid()}`;
};

export function createDockerRuntime(options: DockerRuntimeOptions): DockerRuntime {
  const { docker, logger } = options;
  const clock = options.clock ?? systemClock;
  // Image builds run pip (a requirement's build code) with the allow-list only, as workers do.
  const env: Env = inheritedEnv(options.env);
  const policy: GpuPolicy = options.gpuPolicy ?? "strict";
  const images = createBundleImages({
    docker,
    imageMap: options.imageMap,
    workerDir: options.workerDir,
    python: options.python ?? "python3",
    env,
    logger,
    clock,
    pipFallback: options.pipFallback ?? false,
  });
  const pull = { clock, terminal: (line: string) => logger.info(line) };
  const live = new Set<DockerWorker>();
  /** Image per bundle id, from prepare (a restarted endpoint may start without a new prepare). */
  const preparedImages = new Map<string, string>();
  let engine: Promise<EngineInfo> | null = null;
  let disposePromise: Promise<void> | null = null;

  const gpuAllocator = options.gpuAllocator ?? lazyGpuAllocator(options.gpus, env);
  const engineInfo = (): Promise<EngineInfo> => {
    engine ??= readEngineInfo(docker);
    engine.catch(() => (engine = null));
    return engine;
  };
  const assertOpen = (): void => {
    if (disposePromise) throw new SystemError("The Docker runtime has been disposed.");
  };

  // As under the process runtime, an LLM engine runs without GPUs where the host has fewer than asked.
  const checkGpuCount = (requested: number, allocator: GpuAllocator, log: (line: string) => void, bundle?: BundleRecord): boolean =>
    fitsGpuPolicy(
      requested,
      allocator,
      bundle !== undefined && !isArtifactFlavor(bundle.flavor) && isEngineCommand(runnableArgv(bundle.flavor)) ? "ignore" : policy,
      log,
      badRequest,
    );

  const imageFor = async (bundle: BundleRecord, log: (line: string) => void): Promise<string> => {
    const flavor = bundle.flavor;
    const image = isArtifactFlavor(flavor)
      ? await images.ensure(flavor, log)
      : (await ensureLocalImage(docker, repositoryImage(flavor.repository, flavor.tag), options.imageMap, "Image", pull, log)).image;
    preparedImages.set(bundle.id, image);
    return image;
  };

  const planFor = async (spec: WorkerLaunchSpec, engineUser: string | null, log: (line: string) => void): Promise<ContainerPlan> => {
    // An image removed since prepare (docker image prune) is built or looked up again, not a failed start.
    const prepared = preparedImages.get(spec.bundle.id);
    const image = prepared !== undefined && (await localImageId(docker, prepared)) !== null ? prepared : await imageFor(spec.bundle, log);
    const flavor = spec.bundle.flavor;
    if (!isArtifactFlavor(flavor) && isEngineCommand(runnableArgv(flavor))) {
      return llmEngineContainerPlan(flavor, image, (await options.modelFilesFor?.(spec)) ?? null);
    }
    if (!isArtifactFlavor(flavor)) return runnablePlan(flavor, image);
    if (spec.artifactPath === null) throw new SystemError(`Worker ${spec.workerId}: an artifact bundle needs artifactPath.`);
    // A bind mount of a missing folder is refused by the engine; results land here on first use.
    await mkdir(options.blobRoot, { recursive: true });
    const user = options.user === undefined ? engineUser : options.user;
    return artifactPlan({ spec, flavor, image, artifactPath: spec.artifactPath, blobRoot: options.blobRoot, resultsBucket: options.resultsBucket, user });
  };

  const launch = async (spec: WorkerLaunchSpec, gpuIds: string[], allocator: GpuAllocator, log: (line: string) => void): Promise<WorkerHandle> => {
    const info = await engineInfo();
    const plan = await planFor(spec, defaultUser(info), log);
    const limits = containerLimits(spec.cpus, spec.memory, info.cpus);
    for (const note of limits.notes) log(note);
    const labels = workerLabels({ instanceId: options.instanceId, endpointId: spec.endpointId, workerId: spec.workerId, dataDir: options.dataDir });
    const create = createOptions(plan, { ...limits, gpuIds }, labels, containerName(options.instanceId, spec.workerId));
    assertOpen();
    let worker: DockerWorker | null = null;
    worker = await DockerWorker.launch({
      docker,
      workerId: spec.workerId,
      create,
      healthRoute: plan.healthRoute,
      token: plan.token,
      initialDelayMs: plan.initialDelayMs,
      startTimeoutMs: options.startTimeoutMs,
      clock,
      log,
      onCreated: (id) => logger.debug("worker container created", { workerId: spec.workerId, containerId: id }),
      onGone: (exit: WorkerExit) => {
        if (worker) live.delete(worker);
        allocator.release(gpuIds);
        logger.debug("worker container gone", { workerId: spec.workerId, ...exit });
      },
    });
    live.add(worker);
    if (disposePromise) {
      // dispose() ran while this container was being created and did not see it.
      await worker.stop();
      throw new SystemError("The Docker runtime has been disposed.");
    }
    logger.debug("worker started", { workerId: spec.workerId, containerId: worker.containerId, baseUrl: worker.baseUrl, gpus: gpuIds });
    return worker;
  };

  return {
    name: "docker",

    async prepare(bundle, gpus, log) {
      assertOpen();
      checkGpuCount(gpus, await gpuAllocator(), log, bundle);
      await imageFor(bundle, log);
    },

    async start(spec, log) {
      assertOpen();
      const allocator = await gpuAllocator();
      const wantsGpus = checkGpuCount(spec.gpus, allocator, log, spec.bundle);
      const gpuIds = allocator.allocate(wantsGpus ? spec.gpus : 0);
      if (gpuIds === null) {
        throw badRequest(`Requested gpus=${spec.gpus} but only ${allocator.freeCount} of this host's ${allocator.size} GPU(s) are free`);
      }
      try {
        return await launch(spec, gpuIds, allocator, log);
      } catch (error) {
        allocator.release(gpuIds);
        if (error instanceof LaunchError || error instanceof SystemError) throw error;
        throw new SystemError(`Worker ${spec.workerId} could not be started: ${String(error)}`, { cause: error });
      }
    },

    async sweepOrphans() {
      const removed = await sweepOrphanContainers(dockerodeEngine(docker), options.dataDir, options.instanceId);
      if (removed > 0) logger.info("removed containers left by an earlier instance", { count: removed });
      return removed;
    },

    dispose() {
      disposePromise ??= (async () => {
        await Promise.all([...live].map((worker) => worker.stop()));
        // Anything created but never tracked (a start cut short) still carries our label.
        const leftovers = await listInstanceContainers(docker, options.instanceId).catch(() => []);
        await removeContainers(dockerodeEngine(docker), leftovers);
      })();
      return disposePromise;
    },
  };
}
