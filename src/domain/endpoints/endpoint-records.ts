/**
 * Endpoint records made from requests: a new one as POST writes it, a merged one as PUT writes it
 * (server-contract.md §2.2). Shared by the endpoint service and the LLM endpoint service, whose
 * endpoints are ordinary endpoints (llm-contract.md §2.1 step 4).
 */
import type { EndpointRecord } from "../endpoint.js";
import type { CreateEndpointRequest, UpdateEndpointRequest } from "./endpoint-requests.js";

export interface NewEndpointInput {
  id: string;
  owner: string;
  createdBy: string;
  now: number;
  bundleId: string;
  request: Omit<CreateEndpointRequest, "model_bundle_id" | "concurrent_requests_per_worker">;
  /** concurrent_requests_per_worker, after defaults (250 for LLM endpoints). */
  concurrency: number;
}

/** UPDATE_PENDING, no infra state yet: the scheduler builds and rolls it out. */
export function newEndpointRecord({ id, owner, createdBy, now, bundleId, request, concurrency }: NewEndpointInput): EndpointRecord {
  return {
    id,
    name: request.name,
    owner,
    createdBy,
    createdAt: now,
    lastUpdatedAt: now,
    endpointType: request.endpoint_type,
    bundleId,
    status: "UPDATE_PENDING",
    statusReason: null,
    destination: "UNKNOWN",
    hasInfraState: false,
    metadata: request.metadata,
    postInferenceHooks: request.post_inference_hooks,
    defaultCallbackUrl: request.default_callback_url,
    defaultCallbackAuth: request.default_callback_auth,
    labels: request.labels,
    resources: {
      cpus: request.cpus,
      memory: request.memory,
      storage: request.storage,
      gpus: request.gpus,
      gpuType: request.gpu_type,
      nodesPerWorker: request.nodes_per_worker,
      optimizeCosts: request.optimize_costs ?? false,
    },
    scaling: {
      minWorkers: request.min_workers,
      maxWorkers: request.max_workers,
      perWorker: request.per_worker,
      concurrentRequestsPerWorker: concurrency,
      forwarderMaxConcurrency: request.forwarder_max_concurrency,
    },
    publicInference: request.public_inference,
    highPriority: request.high_priority ?? false,
    prewarm: request.prewarm ?? true,
    billingTags: request.billing_tags,
    taskExpiresSeconds: request.task_expires_seconds,
    queueMessageTimeoutSeconds: request.queue_message_timeout_seconds,
  };
}

/** PUT's merge: labels merged, metadata replaced, every other given field written, status back to UPDATE_PENDING. */
export function updatedEndpointRecord(current: EndpointRecord, request: UpdateEndpointRequest, bundleId: string, now: number): EndpointRecord {
  const resources = current.resources;
  return {
    ...current,
    lastUpdatedAt: now,
    bundleId,
    status: "UPDATE_PENDING",
    metadata: request.metadata ?? current.metadata,
    postInferenceHooks: request.post_inference_hooks ?? current.postInferenceHooks,
    defaultCallbackUrl: request.default_callback_url ?? current.defaultCallbackUrl,
    defaultCallbackAuth: request.default_callback_auth ?? current.defaultCallbackAuth,
    labels: request.labels === null ? current.labels : { ...current.labels, ...request.labels },
    resources: {
      cpus: request.cpus ?? resources.cpus,
      memory: request.memory ?? resources.memory,
      storage: request.storage ?? resources.storage,
      gpus: request.gpus ?? resources.gpus,
      gpuType: request.gpu_type ?? resources.gpuType,
      nodesPerWorker: resources.nodesPerWorker,
      optimizeCosts: request.optimize_costs ?? resources.optimizeCosts,
    },
    scaling: {
      minWorkers: request.min_workers ?? current.scaling.minWorkers,
      maxWorkers: request.max_workers ?? current.scaling.maxWorkers,
      perWorker: request.per_worker ?? current.scaling.perWorker,
      concurrentRequestsPerWorker: request.concurrent_requests_per_worker ?? current.scaling.concurrentRequestsPerWorker,
      forwarderMaxConcurrency: request.forwarder_max_concurrency ?? current.scaling.forwarderMaxConcurrency,
    },
    publicInference: request.public_inference ?? current.publicInference,
    highPriority: request.high_priority ?? current.highPriority,
    prewarm: request.prewarm ?? current.prewarm,
    billingTags: request.billing_tags ?? current.billingTags,
    taskExpiresSeconds: request.task_expires_seconds ?? current.taskExpiresSeconds,
    queueMessageTimeoutSeconds: request.queue_message_timeout_seconds ?? current.queueMessageTimeoutSeconds,
  };
}
