import type { CallbackAuth } from "../../domain/endpoint.js";
import { ENDPOINT_TYPES, GPU_TYPES } from "../../domain/endpoint.js";
import type { CreateEndpointRequest, UpdateEndpointRequest } from "../../domain/endpoints/endpoint-requests.js";
import { any, bool, dict, discriminated, enumOf, int, list, literal, object, optional, type Schema, str, strOrNumber } from "../validation/schema.js";
import { httpUrl } from "./http-url.js";

/**
 * Request models of /v1/model-endpoints (server-contract.md §2.2 field table; the OpenAPI document's
 * CreateModelEndpointV1Request / UpdateModelEndpointV1Request). Only types and bounds are checked here
 * (422); the business rules are the domain's (400/404).
 */

export const callbackAuthSchema: Schema<CallbackAuth> = discriminated<CallbackAuth>("kind", {
  basic: object({ kind: literal("basic"), username: str(), password: str() }),
  mtls: object({ kind: literal("mtls"), cert: str(), key: str() }),
});

const gpuType = enumOf(GPU_TYPES);
const positiveInt = () => int({ gt: 0 });
const workerCount = () => int({ ge: 0 });
const forwarderMaxConcurrency = () => int({ gt: 0, le: 20 });
const queueMessageTimeout = () => int({ ge: 1, le: 43200 });
const taskExpires = () => int({ ge: 1 });

export const createEndpointSchema: Schema<CreateEndpointRequest> = object({
  name: str({ maxLength: 63 }),
  model_bundle_id: str(),
  endpoint_type: enumOf(ENDPOINT_TYPES),
  metadata: dict(any()),
  post_inference_hooks: optional(list(str())),
  cpus: strOrNumber(),
  gpus: int({ ge: 0 }),
  memory: strOrNumber(),
  gpu_type: optional(gpuType),
  storage: strOrNumber(),
  nodes_per_worker: optional(positiveInt(), 1),
  optimize_costs: optional(bool()),
  min_workers: workerCount(),
  max_workers: workerCount(),
  per_worker: positiveInt(),
  concurrent_requests_per_worker: optional(positiveInt()),
  forwarder_max_concurrency: optional(forwarderMaxConcurrency()),
  labels: dict(str()),
  prewarm: optional(bool()),
  high_priority: optional(bool()),
  billing_tags: optional(dict(any())),
  default_callback_url: optional(httpUrl()),
  default_callback_auth: optional(callbackAuthSchema),
  public_inference: optional(bool(), false),
  queue_message_timeout_seconds: optional(queueMessageTimeout()),
  task_expires_seconds: optional(taskExpires()),
});

export const updateEndpointSchema: Schema<UpdateEndpointRequest> = object({
  model_bundle_id: optional(str()),
  metadata: optional(dict(any())),
  post_inference_hooks: optional(list(str())),
  cpus: optional(strOrNumber()),
  gpus: optional(int({ ge: 0 })),
  memory: optional(strOrNumber()),
  gpu_type: optional(gpuType),
  storage: optional(strOrNumber()),
  optimize_costs: optional(bool()),
  min_workers: optional(workerCount()),
  max_workers: optional(workerCount()),
  per_worker: optional(positiveInt()),
  concurrent_requests_per_worker: optional(positiveInt()),
  forwarder_max_concurrency: optional(forwarderMaxConcurrency()),
  labels: optional(dict(str())),
  prewarm: optional(bool()),
  high_priority: optional(bool()),
  billing_tags: optional(dict(any())),
  default_callback_url: optional(httpUrl()),
  default_callback_auth: optional(callbackAuthSchema),
  public_inference: optional(bool()),
  queue_message_timeout_seconds: optional(queueMessageTimeout()),
  task_expires_seconds: optional(taskExpires()),
});

export const ENDPOINT_ORDER_BY = ["newest", "oldest", "alphabetical"] as const;
export type EndpointOrderBy = (typeof ENDPOINT_ORDER_BY)[number];
export const endpointOrderBySchema = enumOf(ENDPOINT_ORDER_BY);
