/**
 * Request models of the docker-image batch job routes (server-contract.md §2.5; OpenAPI
 * CreateDockerImageBatchJobBundleV1Request, CreateDockerImageBatchJobV1Request,
 * CreateDockerImageBatchJobResourceRequests, UpdateDockerImageBatchJobV1Request).
 */
import type { CreateDockerBatchBundleInput, DockerBatchResourceRequests } from "../../domain/docker-batch/docker-batch-bundle.js";
import type { CreateDockerBatchJobInput } from "../../domain/docker-batch/docker-batch-job-service.js";
import { GPU_TYPES } from "../../domain/endpoint.js";
import { issue } from "../validation/issues.js";
import { INVALID, type Schema, any, bool, dict, enumOf, int, list, nullable, object, optional, str, strOrNumber } from "../validation/schema.js";

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export const NO_RESOURCE_REQUESTS: DockerBatchResourceRequests = {
  cpus: null,
  memory: null,
  gpus: null,
  gpu_type: null,
  storage: null,
  nodes_per_worker: null,
};

const resourceRequestFields = object({
  cpus: optional(strOrNumber()),
  memory: optional(strOrNumber()),
  gpus: optional(int()),
  gpu_type: optional(enumOf(GPU_TYPES)),
  storage: optional(strOrNumber()),
  nodes_per_worker: optional(int()),
});

/**
 * Fields declared `X = default` without Optional: absent takes the default, but an explicit null is
 * a type error in pydantic. The DSL's `optional` accepts null, so these fields are checked again.
 */
function nullIsInvalid<T>(inner: Schema<T>, defaulted: Record<string, Schema<unknown>>): Schema<T> {
  return {
    kind: inner.kind,
    parse(input, loc, issues) {
      const parsed = inner.parse(input, loc, issues);
      if (!isPlainObject(input)) return parsed;
      let isValid = parsed !== INVALID;
      for (const [key, schema] of Object.entries(defaulted)) {
        if (input[key] === null) {
          schema.parse(null, [...loc, key], issues);
          isValid = false;
        }
      }
      return isValid ? parsed : INVALID;
    },
  };
}

const bundleFields = object({
  name: str(),
  image_repository: str(),
  image_tag: str(),
  command: list(str()),
  env: optional(dict(str()), {}),
  mount_location: optional(str()),
  resource_requests: optional(resourceRequestFields, NO_RESOURCE_REQUESTS),
  public: optional(nullable(bool()), false),
});

/** `public: Optional[bool] = False`: absent is false, an explicit null is kept as null. */
export const createDockerBatchBundleSchema: Schema<CreateDockerBatchBundleInput> = nullIsInvalid(
  {
    kind: "object",
    parse(input, loc, issues) {
      const parsed = bundleFields.parse(input, loc, issues);
      if (parsed === INVALID) return INVALID;
      const isPublicNull = isPlainObject(input) && input.public === null;
      return { ...parsed, public: isPublicNull ? null : parsed.public };
    },
  },
  { env: dict(str()), resource_requests: resourceRequestFields },
);

const jobFields = nullIsInvalid(
  object({
    docker_image_batch_job_bundle_name: optional(str()),
    docker_image_batch_job_bundle_id: optional(str()),
    job_config: optional(dict(any())),
    labels: dict(str()),
    resource_requests: optional(resourceRequestFields, NO_RESOURCE_REQUESTS),
    override_job_max_runtime_s: optional(int()),
  }),
  { resource_requests: resourceRequestFields },
);

/**
 * `exactly_one_name_or_id` is a `mode="before"` model validator: it runs on the raw dict before any
 * field, and its ValueError is the only 422 item (loc ["body"]).
 */
export const createDockerBatchJobSchema: Schema<CreateDockerBatchJobInput> = {
  kind: "object",
  parse(input, loc, issues) {
    if (isPlainObject(input)) {
      const name = input.docker_image_batch_job_bundle_name ?? null;
      const id = input.docker_image_batch_job_bundle_id ?? null;
      const message =
        name === null && id === null
          ? "At least one of docker_image_batch_job_bundle_name and docker_image_batch_job_bundle_id must be specified"
          : name !== null && id !== null
            ? "Only one of docker_image_batch_job_bundle_name and docker_image_batch_job_bundle_id may be specified"
            : null;
      if (message !== null) {
        issues.push(issue("value_error", loc, `Value error, ${message}`, input, { error: {} }));
        return INVALID;
      }
    }
    return jobFields.parse(input, loc, issues);
  },
};

export const updateDockerBatchJobSchema = object({ cancel: bool() });
