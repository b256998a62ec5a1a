import { SERIALIZATION_FORMATS, type BatchResourceRequests, type CreateBatchJobRequest } from "../../domain/batch/batch-job.js";
import { GPU_TYPES } from "../../domain/endpoint.js";
import { bool, dict, enumOf, int, num, object, optional, type Schema, str, strOrNumber } from "../validation/schema.js";

/**
 * Request models of /v1/batch-jobs (server-contract.md §2.4; the OpenAPI document's
 * CreateBatchJobV1Request, CreateBatchJobResourceRequests, UpdateBatchJobV1Request). Types only
 * (422); the rules are the domain's.
 */

const resourceRequestsSchema: Schema<BatchResourceRequests> = object({
  cpus: optional(strOrNumber()),
  memory: optional(strOrNumber()),
  gpus: optional(int()),
  gpu_type: optional(enumOf(GPU_TYPES)),
  storage: optional(strOrNumber()),
  max_workers: optional(int()),
  per_worker: optional(int()),
  concurrent_requests_per_worker: optional(int()),
});

/** `resource_requests` is required, but every key in it is optional (an empty object is fine). */
export const createBatchJobSchema: Schema<CreateBatchJobRequest> = object({
  model_bundle_id: str(),
  input_path: str(),
  serialization_format: enumOf(SERIALIZATION_FORMATS),
  labels: dict(str()),
  resource_requests: resourceRequestsSchema,
  timeout_seconds: optional(num(), 43200),
});

export const updateBatchJobSchema: Schema<{ cancel: boolean }> = object({ cancel: bool() });
