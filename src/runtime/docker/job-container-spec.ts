/**
 * What a docker-image batch job's container is, as data (server-contract.md §6.2), so the exact
 * create options are unit-tested without a daemon. Unlike the process runner, nothing is mapped:
 * the `job_config` file sits at `mount_location` itself, as the real init container leaves it.
 */
import { posix } from "node:path";
import type Dockerode from "dockerode";
import type { JobRunSpec } from "../../domain/ports.js";
import type { CpuMemoryLimits } from "./container-limits.js";
import { deviceRequests } from "./container-spec.js";
import { LABELS } from "./labels.js";

/** Marks a container as a docker-image batch job (value: the job id), next to the instance and data-dir labels. */
export const JOB_LABEL = "launch-local.job";

export interface JobLabels {
  instanceId: string;
  dataDir: string;
  jobId: string;
}

/**
 * The instance and data-dir labels are the worker containers' own, so the Docker runtime's start-up
 * sweep (orphan-sweep.ts) removes the job containers of a crashed instance too.
 */
export const jobLabels = (labels: JobLabels): Record<string, string> => ({
  [LABELS.instance]: labels.instanceId,
  [LABELS.dataDir]: labels.dataDir,
  [JOB_LABEL]: labels.jobId,
});

/**
 * The bundle's `env`, then the platform's variables, which the bundle cannot override (§6.2). The
 * LAUNCH_JOB_* names are the process runner's, with container paths: a command that reads
 * LAUNCH_JOB_CONFIG_PATH works under either runtime.
 */
export function jobEnv(job: JobRunSpec, gpuIds: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {
    PYTHONUNBUFFERED: "1",
    ...job.spec.env,
    LAUNCH_JOB_ID: job.jobId,
    LAUNCH_JOB_CONFIG_PATH: job.spec.mountLocation,
    LAUNCH_JOB_MOUNT_DIR: posix.dirname(job.spec.mountLocation),
    LAUNCH_JOB_MOUNT_LOCATION: job.spec.mountLocation,
    // An indexed Kubernetes Job gives each pod its index; API-created jobs have one worker (§6.2).
    JOB_COMPLETION_INDEX: "0",
    DD_SERVICE: `launch-di-batch-job-${job.jobId}`,
  };
  // Images such as pytorch/pytorch set NVIDIA_VISIBLE_DEVICES=all; on an engine whose default
  // runtime is nvidia that would expose every GPU to a job that asked for none.
  if (gpuIds.length === 0) env.NVIDIA_VISIBLE_DEVICES = "void";
  return env;
}

export interface JobContainerInput {
  job: JobRunSpec;
  /** The local image (after the image map). */
  image: string;
  /** Host file holding the job_config text. */
  configFile: string;
  limits: Pick<CpuMemoryLimits, "nanoCpus" | "memoryBytes">;
  gpuIds: readonly string[];
  labels: Record<string, string>;
  name: string | null;
}

export function jobCreateOptions(input: JobContainerInput): Dockerode.ContainerCreateOptions {
  const { job, limits } = input;
  const hostConfig: Dockerode.HostConfig = {
    // Read-only: the file is the init container's output, and a root container writing into the
    // data dir would leave files the user cannot delete.
    Mounts: [{ Type: "bind", Source: input.configFile, Target: job.spec.mountLocation, ReadOnly: true }],
    // backoffLimit 0 (§6.2): never restarted. Removed by the runner once its exit code is read.
    RestartPolicy: { Name: "no" },
    AutoRemove: false,
  };
  if (limits.nanoCpus !== null) hostConfig.NanoCpus = limits.nanoCpus;
  if (limits.memoryBytes !== null) {
    hostConfig.Memory = limits.memoryBytes;
    // Kubernetes pods have no swap: the limit is the limit.
    hostConfig.MemorySwap = limits.memoryBytes;
  }
  const devices = deviceRequests(input.gpuIds);
  if (devices.length > 0) hostConfig.DeviceRequests = devices;
  const options: Dockerode.ContainerCreateOptions = {
    Image: input.image,
    Env: Object.entries(jobEnv(job, input.gpuIds)).map(([key, value]) => `${key}=${value}`),
    Labels: input.labels,
    // No ExposedPorts or PortBindings: a job serves nothing.
    HostConfig: hostConfig,
  };
  // A pod's `command` replaces the image's ENTRYPOINT and drops its CMD; Docker's Entrypoint does
  // the same. An empty command leaves the image's own, as Kubernetes does.
  if (job.spec.command.length > 0) options.Entrypoint = [...job.spec.command];
  if (input.name !== null) options.name = input.name;
  return options;
}
