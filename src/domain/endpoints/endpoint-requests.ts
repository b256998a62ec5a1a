import type { CallbackAuth, EndpointType, GpuType } from "../endpoint.js";

/**
 * The validated bodies of POST and PUT /v1/model-endpoints (server-contract.md §2.2), with the wire's
 * field names. The HTTP layer's schemas (src/http/schemas/model-endpoints.ts) produce these; `null`
 * means "not given" (pydantic `Optional[...] = None`).
 */
export interface CreateEndpointRequest {
  name: string;
  model_bundle_id: string;
  endpoint_type: EndpointType;
  metadata: Record<string, unknown>;
  post_inference_hooks: string[] | null;
  cpus: string | number;
  gpus: number;
  memory: string | number;
  storage: string | number;
  gpu_type: GpuType | null;
  nodes_per_worker: number;
  optimize_costs: boolean | null;
  min_workers: number;
  max_workers: number;
  per_worker: number;
  concurrent_requests_per_worker: number | null;
  forwarder_max_concurrency: number | null;
  labels: Record<string, string>;
  prewarm: boolean | null;
  high_priority: boolean | null;
  billing_tags: Record<string, unknown> | null;
  default_callback_url: string | null;
  default_callback_auth: CallbackAuth | null;
  public_inference: boolean;
  queue_message_timeout_seconds: number | null;
  task_expires_seconds: number | null;
}

/** Every field optional; `name`, `endpoint_type` and `nodes_per_worker` cannot be updated (§2.2). */
export interface UpdateEndpointRequest {
  model_bundle_id: string | null;
  metadata: Record<string, unknown> | null;
  post_inference_hooks: string[] | null;
  cpus: string | number | null;
  gpus: number | null;
  memory: string | number | null;
  storage: string | number | null;
  gpu_type: GpuType | null;
  optimize_costs: boolean | null;
  min_workers: number | null;
  max_workers: number | null;
  per_worker: number | null;
  concurrent_requests_per_worker: number | null;
  forwarder_max_concurrency: number | null;
  labels: Record<string, string> | null;
  prewarm: boolean | null;
  high_priority: boolean | null;
  billing_tags: Record<string, unknown> | null;
  default_callback_url: string | null;
  default_callback_auth: CallbackAuth | null;
  public_inference: boolean | null;
  queue_message_timeout_seconds: number | null;
  task_expires_seconds: number | null;
}
