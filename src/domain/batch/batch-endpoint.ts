/**
 * The temporary async endpoint of a v1 batch job (server-contract.md §2.4,
 * `ME/infra/services/live_batch_job_service.py`): owned by the caller, min_workers 0, prewarm, the
 * job's labels, and the request's resources with the real defaults — cpus 3, memory 12Gi, storage
 * 16Gi, 1 × nvidia-tesla-t4, max_workers 50, per_worker 40. The real code uses Python's `or` for
 * most defaults, so a 0 or an empty string also takes the default; `gpus` uses `is not None`.
 *
 * Two local adjustments (README "Parity"): max_workers is capped at what this machine can run, and
 * when `gpus` is omitted on a host without GPUs the endpoint runs on CPU instead of failing its
 * build (an explicit `gpus` is kept and goes through the runtime's GPU policy).
 */
import type { CreateEndpointRequest } from "../endpoints/endpoint-requests.js";
import { MAX_ASYNC_CONCURRENT_TASKS } from "../endpoints/resource-limits.js";
import type { CreateBatchJobRequest } from "./batch-job.js";

export const DEFAULT_BATCH_CPUS = 3;
export const DEFAULT_BATCH_MEMORY = "12Gi";
export const DEFAULT_BATCH_STORAGE = "16Gi";
export const DEFAULT_BATCH_GPUS = 1;
export const DEFAULT_BATCH_GPU_TYPE = "nvidia-tesla-t4";
export const DEFAULT_BATCH_MAX_WORKERS = 50;
export const DEFAULT_BATCH_PER_WORKER = 40;
const DEFAULT_BATCH_CONCURRENCY = 1;

/** Python's `value or fallback`: None, 0 and "" all take the fallback. */
function orDefault<T extends string | number, D>(value: T | null, fallback: D): T | D {
  return value === null || value === 0 || value === "" ? fallback : value;
}

export interface LocalLimits {
  /** GPUs on this host (only consulted when `gpus` is omitted). */
  hostGpus: number;
  /** The most workers this machine should run for one batch job. */
  maxWorkersCap: number;
}

export function hiddenEndpointRequest(name: string, bundleId: string, request: CreateBatchJobRequest, local: LocalLimits): CreateEndpointRequest {
  const resources = request.resource_requests;
  const defaultGpus = local.hostGpus >= DEFAULT_BATCH_GPUS ? DEFAULT_BATCH_GPUS : 0;
  const gpus = resources.gpus ?? defaultGpus;
  const maxWorkers = orDefault(resources.max_workers, DEFAULT_BATCH_MAX_WORKERS);
  return {
    name,
    model_bundle_id: bundleId,
    endpoint_type: "async",
    metadata: {},
    post_inference_hooks: null,
    cpus: orDefault(resources.cpus, DEFAULT_BATCH_CPUS),
    gpus,
    memory: orDefault(resources.memory, DEFAULT_BATCH_MEMORY),
    storage: orDefault(resources.storage, DEFAULT_BATCH_STORAGE),
    gpu_type: gpus > 0 ? (resources.gpu_type ?? DEFAULT_BATCH_GPU_TYPE) : null,
    nodes_per_worker: 1,
    optimize_costs: false,
    min_workers: 0,
    max_workers: Math.max(1, Math.min(maxWorkers, local.maxWorkersCap)),
    per_worker: orDefault(resources.per_worker, DEFAULT_BATCH_PER_WORKER),
    concurrent_requests_per_worker: Math.min(orDefault(resources.concurrent_requests_per_worker, DEFAULT_BATCH_CONCURRENCY), MAX_ASYNC_CONCURRENT_TASKS),
    forwarder_max_concurrency: null,
    labels: request.labels,
    prewarm: true,
    high_priority: false,
    billing_tags: null,
    default_callback_url: null,
    default_callback_auth: null,
    public_inference: false,
    queue_message_timeout_seconds: null,
    task_expires_seconds: null,
  };
}
