/**
 * What a docker-image batch job's container is, as data (server-contract.md §6.2), so the exact
 * create options are unit-tested without a daemon. Unlike the process runner, nothing is mapped:
 * the `job_config` file sits at `mount_location` itself, as the real init container leaves it.
 */
import { posix } from "node:path";
import type Dockerode from "dockerode";
import type { JobRunSpec } from "../../domain/job-ports.js";
import { jobEnvironment } from "../job-env.js";
import type { CpuMemoryLimits } from "./container-limits.js";
import { hideUnassignedGpus, resourceHostConfig } from "./container-spec.js";
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

/** The job environment (job-env.ts) with container paths: the file sits at `mount_location` itself. */
export function jobEnv(job: JobRunSpec, gpuIds: readonly string[]): Record<string, string> {
  const env = jobEnvironment(job, { configPath: job.spec.mountLocation, mountDir: posix.dirname(job.spec.mountLocation) });
  hideUnassignedGpus(env, gpuIds);
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
    ...resourceHostConfig({ ...limits, gpuIds: input.gpuIds }),
  };
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
