import { isoTimestamp } from "../clock.js";
import { type CallbackAuth, deploymentNameFor, type EndpointRecord, type EndpointStatus, type EndpointType, type GpuType } from "../endpoint.js";
import type { WorkerCounts } from "../ports.js";

/** ModelEndpointDeploymentState (§3.4). */
export interface DeploymentStateView {
  min_workers: number;
  max_workers: number;
  per_worker: number;
  concurrent_requests_per_worker: number;
  forwarder_max_concurrency: number | null;
  available_workers: number | null;
  unavailable_workers: number | null;
}

/** ModelEndpointResourceState (§3.4): the requested values, echoed as sent. */
export interface ResourceStateView {
  cpus: string | number;
  gpus: number;
  memory: string | number;
  gpu_type: GpuType | null;
  storage: string | number | null;
  nodes_per_worker: number;
  optimize_costs: boolean | null;
}

/** GetModelEndpointV1Response, keys in the order the real server emits them (§2.2). */
export interface GetModelEndpointV1Response {
  id: string;
  name: string;
  endpoint_type: EndpointType;
  destination: string;
  deployment_name: string | null;
  metadata: Record<string, unknown> | null;
  bundle_name: string;
  status: EndpointStatus;
  status_reason: string | null;
  post_inference_hooks: string[] | null;
  default_callback_url: string | null;
  default_callback_auth: CallbackAuth | null;
  labels: Record<string, string> | null;
  aws_role: string | null;
  results_s3_bucket: string | null;
  created_by: string;
  created_at: string;
  last_updated_at: string;
  deployment_state: DeploymentStateView | null;
  resource_state: ResourceStateView | null;
  num_queued_items: number | null;
  public_inference: boolean | null;
  task_expires_seconds: number | null;
  queue_message_timeout_seconds: number | null;
}

/** What the view needs besides the record: names and live numbers owned by other parts. */
export interface EndpointViewContext {
  bundleName: string;
  /** Live worker states from the scheduler; null while nothing is deployed. */
  workers: WorkerCounts | null;
  /** Async queue depth. */
  queueDepth: number;
  /**
   * The real server reports the infra profile and results bucket of its deployment; launch-local
   * reports its own names (the blob bucket by default "launch-local").
   */
  awsRole: string;
  resultsBucket: string;
}

/**
 * The wire view of an endpoint. Until the first build finished (`hasInfraState` false) everything the
 * real server reads from its infra-state cache is null and `post_inference_hooks` is `[]`
 * (§3.4; `model_endpoint_entity_to_get_model_endpoint_response`); that includes the callback
 * settings, which the real server also reads from the deployed endpoint config.
 */
export function endpointView(record: EndpointRecord, context: EndpointViewContext): GetModelEndpointV1Response {
  const isDeployed = record.hasInfraState;
  const { scaling, resources } = record;
  return {
    id: record.id,
    name: record.name,
    endpoint_type: record.endpointType,
    destination: record.destination,
    deployment_name: isDeployed ? deploymentNameFor(record.id) : null,
    metadata: record.metadata,
    bundle_name: context.bundleName,
    status: record.status,
    status_reason: record.statusReason,
    post_inference_hooks: isDeployed ? record.postInferenceHooks : [],
    default_callback_url: isDeployed ? record.defaultCallbackUrl : null,
    default_callback_auth: isDeployed ? record.defaultCallbackAuth : null,
    labels: isDeployed ? record.labels : null,
    aws_role: isDeployed ? context.awsRole : null,
    results_s3_bucket: isDeployed ? context.resultsBucket : null,
    created_by: record.createdBy,
    created_at: isoTimestamp(record.createdAt),
    last_updated_at: isoTimestamp(record.lastUpdatedAt),
    deployment_state: isDeployed
      ? {
          min_workers: scaling.minWorkers,
          max_workers: scaling.maxWorkers,
          per_worker: scaling.perWorker,
          concurrent_requests_per_worker: scaling.concurrentRequestsPerWorker,
          forwarder_max_concurrency: scaling.forwarderMaxConcurrency,
          // The real cacher reports 0 when a deployment has no replicas of a kind (§3.4).
          available_workers: context.workers?.available ?? 0,
          unavailable_workers: context.workers?.unavailable ?? 0,
        }
      : null,
    resource_state: isDeployed
      ? {
          cpus: resources.cpus,
          gpus: resources.gpus,
          memory: resources.memory,
          gpu_type: resources.gpuType,
          storage: resources.storage,
          nodes_per_worker: resources.nodesPerWorker,
          optimize_costs: resources.optimizeCosts,
        }
      : null,
    num_queued_items: isDeployed && record.endpointType === "async" ? context.queueDepth : null,
    public_inference: record.publicInference,
    task_expires_seconds: record.taskExpiresSeconds,
    queue_message_timeout_seconds: record.queueMessageTimeoutSeconds,
  };
}
