/**
 * The resource rules of `CreateDockerImageBatchJobV1UseCase` (server-contract.md §2.5), as pure
 * functions so their order can be tested on its own.
 */
import type { GpuType } from "../endpoint.js";
import { validateResourceRequests } from "../endpoints/resource-limits.js";
import { LaunchError, badRequest } from "../errors.js";
import type { DockerBatchBundleRecord, DockerBatchResourceRequests } from "./docker-batch-bundle.js";

export interface MergedResources {
  cpus: string | number | null;
  memory: string | number | null;
  storage: string | number | null;
  gpus: number | null;
  gpuType: GpuType | null;
}

/**
 * `merge_requests`: the bundle's values, overridden by every non-null value of the request. Then
 * `gpus == 0` (from either side) clears gpus and gpu_type, the documented way to run a GPU bundle
 * on CPU (§2.5).
 */
export function mergeResources(bundle: DockerBatchBundleRecord, request: DockerBatchResourceRequests): MergedResources {
  const merged: MergedResources = {
    cpus: request.cpus ?? bundle.cpus,
    memory: request.memory ?? bundle.memory,
    storage: request.storage ?? bundle.storage,
    gpus: request.gpus ?? bundle.gpus,
    gpuType: request.gpu_type ?? bundle.gpuType,
  };
  if (merged.gpus === 0) return { ...merged, gpus: null, gpuType: null };
  return merged;
}

/** `EndpointResourceInvalidRequestException` from the shared validator, re-worded by the route. */
function checkLimits(resources: MergedResources, prefix: string): void {
  try {
    // A batch job bundle is not a ModelBundle, so no forwarder share is added (§5.3).
    validateResourceRequests(null, resources);
  } catch (error) {
    if (error instanceof LaunchError && error.code === "BAD_REQUEST") throw badRequest(`${prefix}${error.message}`);
    throw error;
  }
}

/** Job create: cpus and memory must be known after the merge, then the per-node limits apply. */
export function validateJobResources(resources: MergedResources): asserts resources is MergedResources & {
  cpus: string | number;
  memory: string | number;
} {
  if (resources.cpus === null || resources.memory === null) {
    throw badRequest("The user specified an invalid value: Must specify value for cpus and memory");
  }
  checkLimits(resources, "Final endpoint resources requested is invalid: ");
}

/** Trigger create: the bundle alone must name cpus and memory and fit the limits (§2.6). */
export function validateTriggerBundleResources(bundle: DockerBatchBundleRecord): void {
  if (bundle.cpus === null || bundle.memory === null) {
    throw badRequest("The user specified an invalid value: Bundle must specify value for cpus and memory");
  }
  checkLimits(
    { cpus: bundle.cpus, memory: bundle.memory, storage: bundle.storage, gpus: bundle.gpus, gpuType: bundle.gpuType },
    "Default trigger resource request is invalid: ",
  );
}

/** §2.5: checked after the labels. */
export function validateMaxRuntime(overrideJobMaxRuntimeS: number | null): void {
  if (overrideJobMaxRuntimeS !== null && overrideJobMaxRuntimeS < 1) {
    throw badRequest(
      "The user specified an invalid value: Please supply a positive integer value for batch job's maximum runtime (`override_job_max_runtime_s`)",
    );
  }
}
