/**
 * The Docker runtime's JobRunner (DESIGN.md "Workers" → Docker runtime): a docker-image batch job
 * runs its bundle's image (through the image map) as one container, as the real Kubernetes Job
 * does (server-contract.md §6.2): the bundle's command and env, the merged cpus/memory as limits,
 * GPUs as DeviceRequests, and `job_config` at `mount_location`, from a host file under
 * `<dataDir>/jobs/<job id>/` bind-mounted read-only. Images are never pulled (a pull can hang an
 * offline machine): a missing one fails the job at once, and `imageExists` answers §2.5's 404.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, posix, resolve } from "node:path";
import type Dockerode from "dockerode";
import { type Clock, systemClock } from "../../domain/clock.js";
import type { Logger } from "../../domain/logger.js";
import type { JobHandle, JobRunSpec, JobRunner } from "../../domain/job-ports.js";
import { type GpuAllocator, type GpuPolicy, fitsGpuPolicy, lazyGpuAllocator } from "../gpu-inventory.js";
import { killLeftover } from "../process/job-process.js";
import type { Env } from "../process/run-command.js";
import { containerLimits } from "./container-limits.js";
import { type EngineInfo, readEngineInfo } from "./engine-info.js";
import { type ImageMap, repositoryImage, resolveImage } from "./image-map.js";
import { JOB_LABEL, jobCreateOptions, jobLabels } from "./job-container-spec.js";
import { removeJobContainer, startJobContainer } from "./job-container.js";
import { containerName, LABELS } from "./labels.js";
import { localImageId } from "./local-image.js";
import { dockerodeEngine, removeContainers } from "./orphan-sweep.js";

export interface DockerJobRunnerOptions {
  docker: Dockerode;
  /** The Docker runtime's instance id: its start-up sweep and dispose() see job containers too. */
  instanceId: string;
  dataDir: string;
  /** `<repo>:<tag>` or `<repo>` → a local image (--image-map). */
  imageMap: ImageMap;
  logger: Logger;
  /** Declared GPU ids; else detected with `nvidia-smi -L`, else none. */
  gpus?: string[];
  /** The host's GPU inventory, when shared with the Docker runtime; default: one of its own from `gpus`. */
  gpuAllocator?: () => Promise<GpuAllocator>;
  gpuPolicy?: GpuPolicy;
  /** The server's environment (config/host-env.ts), for `nvidia-smi` when no allocator is shared. */
  env: Env;
  /** Container mechanics (output drain) run on real time even when tests fake the API clock. */
  clock?: Clock;
}

const note = (line: string): string => `[launch-local] ${line}`;

export function createDockerJobRunner(options: DockerJobRunnerOptions): JobRunner {
  const { docker, logger } = options;
  const clock = options.clock ?? systemClock;
  const policy: GpuPolicy = options.gpuPolicy ?? "strict";
  // Bind sources must be absolute; labels keep the runtime's spelling, which its sweep filters on.
  const hostDataDir = resolve(options.dataDir);
  const { dataDir } = options;
  const live = new Set<JobHandle>();
  /** Containers created and not yet gone, so dispose() also ends a job still starting. */
  const created = new Set<string>();
  let engine: Promise<EngineInfo> | null = null;
  let disposing: Promise<void> | null = null;
  const jobDirOf = (jobId: string): string => join(hostDataDir, "jobs", jobId);

  const gpuAllocator = options.gpuAllocator ?? lazyGpuAllocator(options.gpus, options.env);
  const engineInfo = (): Promise<EngineInfo> => {
    engine ??= readEngineInfo(docker);
    engine.catch(() => (engine = null));
    return engine;
  };
  const localImage = (repository: string, tag: string) => resolveImage(repositoryImage(repository, tag), options.imageMap);

  /** Device ids for the job; throws when the host cannot give them (the job is FAILURE). */
  const allocateGpus = async (requested: number, log: (line: string) => void): Promise<string[]> => {
    if (requested <= 0) return [];
    const allocator = await gpuAllocator();
    if (
      !fitsGpuPolicy(
        requested,
        allocator,
        policy,
        (line) => log(note(line)),
        (reason) => new Error(reason),
      )
    )
      return [];
    const ids = allocator.allocate(requested);
    // The real Job would wait in Pending for a node; a local job fails with the reason instead.
    if (ids === null) throw new Error(`Requested gpus=${requested} but only ${allocator.freeCount} of this host's ${allocator.size} GPU(s) are free`);
    return ids;
  };

  const releaseGpus = (ids: readonly string[]): void => {
    if (ids.length > 0) void gpuAllocator().then((allocator) => allocator.release(ids));
  };

  /** The image to run; throws (FAILURE before the job runs) when it is not in the engine. */
  const imageFor = async (job: JobRunSpec, log: (line: string) => void): Promise<string> => {
    const { imageRepository, imageTag } = job.spec;
    const { image, isMapped } = localImage(imageRepository, imageTag);
    const reference = repositoryImage(imageRepository, imageTag).reference;
    if (isMapped) log(note(`Image ${reference} is mapped to ${image}`));
    if ((await localImageId(docker, image)) !== null) return image;
    const name = isMapped ? `${image} (mapped from ${reference})` : image;
    const hint = isMapped ? `build or load it, or change --image-map ${reference}=<local image>` : `map it with --image-map ${reference}=<local image>`;
    throw new Error(`Image ${name} is not present locally and is never pulled for a job; ${hint}`);
  };

  const launch = async (job: JobRunSpec, log: (line: string) => void, gpuIds: string[], releaseGpuIds: () => void): Promise<JobHandle> => {
    const image = await imageFor(job, log);
    const info = await engineInfo();
    const limits = containerLimits(job.spec.resources.cpus, job.spec.resources.memory, info.cpus);
    for (const line of limits.notes) log(note(line));
    const jobDir = jobDirOf(job.jobId);
    const configFile = join(jobDir, "mount", posix.basename(job.spec.mountLocation));
    await rm(jobDir, { recursive: true, force: true });
    await mkdir(join(jobDir, "mount"), { recursive: true });
    await writeFile(configFile, job.jobConfigText, "utf8");
    const create = jobCreateOptions({
      job,
      image,
      configFile,
      limits,
      gpuIds,
      labels: jobLabels({ instanceId: options.instanceId, dataDir, jobId: job.jobId }),
      name: containerName(options.instanceId, job.jobId),
    });
    let containerId: string | null = null;
    let handle: JobHandle;
    try {
      handle = await startJobContainer({
        docker,
        create,
        log,
        clock,
        onCreated: (id) => {
          containerId = id;
          created.add(id);
        },
        onGone: () => {
          if (containerId !== null) created.delete(containerId);
          releaseGpuIds();
        },
      });
    } catch (error) {
      await rm(jobDir, { recursive: true, force: true });
      throw error;
    }
    live.add(handle);
    void handle.exited.then(async () => {
      live.delete(handle);
      await rm(jobDir, { recursive: true, force: true }).catch(() => undefined);
    });
    if (disposing) {
      // dispose() ran while this container was being created and did not see it.
      await handle.stop();
      throw new Error("The Docker job runner has been disposed.");
    }
    return handle;
  };

  return {
    name: "docker",

    async run(job, log) {
      if (disposing) throw new Error("The Docker job runner has been disposed.");
      const gpuIds = await allocateGpus(job.spec.resources.gpus ?? 0, log);
      // Once only: a second release after another job took the same ids would free them under it.
      let isReleased = false;
      const releaseGpuIds = (): void => {
        if (!isReleased) releaseGpus(gpuIds);
        isReleased = true;
      };
      try {
        const handle = await launch(job, log, gpuIds, releaseGpuIds);
        logger.debug("job started", { jobId: job.jobId, ref: handle.ref, gpus: gpuIds });
        return handle;
      } catch (error) {
        releaseGpuIds();
        throw error;
      }
    },

    async reap(jobId, ref) {
      // A data dir last used by the process runtime may have left a host process.
      if (ref?.startsWith("process:") === true && (await killLeftover(ref, clock))) {
        logger.info("ended a job process left by an earlier launch-local", { jobId, ref });
      }
      // By label as well as by ref: a crash between create and RUNNING leaves no ref.
      const labelled = await docker
        .listContainers({ all: true, filters: { label: [`${JOB_LABEL}=${jobId}`, `${LABELS.dataDir}=${dataDir}`] } })
        .catch((error: unknown) => {
          logger.warn("could not list job containers", { jobId, error: String(error) });
          return [];
        });
      const ids = new Set(labelled.map((container) => container.Id));
      if (ref !== null && !ref.startsWith("process:")) ids.add(ref);
      for (const id of ids) await removeJobContainer(docker.getContainer(id), (line) => logger.warn(line, { jobId }));
      if (labelled.length > 0) logger.info("removed a job container left by an earlier launch-local", { jobId, ref });
      await rm(jobDirOf(jobId), { recursive: true, force: true });
    },

    async imageExists(repository, tag) {
      return (await localImageId(docker, localImage(repository, tag).image)) !== null;
    },

    dispose() {
      disposing ??= (async () => {
        await Promise.all([...live].map((handle) => handle.stop()));
        // Anything created but never handed out (a start cut short) is removed by id.
        await removeContainers(dockerodeEngine(docker), [...created]).catch(() => 0);
      })();
      return disposing;
    },
  };
}
