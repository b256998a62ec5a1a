/**
 * Request models of /v1/llm/model-endpoints (llm-contract.md §1.1; `ME/common/dtos/llms/model_endpoints.py`,
 * `vllm.py`): a union picked by `inference_framework` (default vllm), each variant the common
 * arguments plus, for vLLM, its engine arguments. Only types and bounds are checked here (422); the
 * rules are the domain's (400).
 */
import { ENDPOINT_TYPES, GPU_TYPES } from "../../domain/endpoint.js";
import { LLM_FRAMEWORKS, type LlmFramework, QUANTIZATIONS, UPDATABLE_FRAMEWORKS } from "../../domain/llm/llm-frameworks.js";
import type { CreateLlmEndpointRequest, UpdateLlmEndpointRequest } from "../../domain/llm/llm-requests.js";
import { type EngineArgKind, VLLM_ARG_FIELDS } from "../../domain/llm/vllm-args.js";
import { issue } from "../validation/issues.js";
import {
  INVALID,
  type Infer,
  type OptionalField,
  type Schema,
  any,
  bool,
  dict,
  enumOf,
  int,
  list,
  num,
  object,
  optional,
  str,
  strOrNumber,
} from "../validation/schema.js";
import { httpUrl } from "./http-url.js";
import { callbackAuthSchema } from "./model-endpoints.js";

const KIND_SCHEMA: Record<EngineArgKind, () => Schema<unknown>> = {
  int: () => int(),
  float: () => num(),
  bool: () => bool(),
  str: () => str(),
  dict: () => dict(any()),
};

/** Every VLLMEndpointAdditionalArgs field as an optional field (the batch-completion model config takes most). */
export const engineArgFields: Record<string, OptionalField<unknown, null>> = Object.fromEntries(
  VLLM_ARG_FIELDS.map(([name, kind]) => [name, optional(KIND_SCHEMA[kind]())]),
);

/** The hardware fields, all optional (also the batch-completion requests'). */
export const hardwareFields = {
  cpus: optional(strOrNumber()),
  gpus: optional(int()),
  memory: optional(strOrNumber()),
  gpu_type: optional(enumOf(GPU_TYPES)),
  storage: optional(strOrNumber()),
  nodes_per_worker: optional(int()),
};

/** `LLMModelEndpointCommonArgs`. */
const commonFields = {
  quantize: optional(enumOf(QUANTIZATIONS)),
  checkpoint_path: optional(str()),
  post_inference_hooks: optional(list(str())),
  ...hardwareFields,
  optimize_costs: optional(bool()),
  prewarm: optional(bool()),
  high_priority: optional(bool()),
  billing_tags: optional(dict(any())),
  default_callback_url: optional(httpUrl()),
  default_callback_auth: optional(callbackAuthSchema),
  public_inference: optional(bool()),
  task_expires_seconds: optional(int({ ge: 1 })),
  chat_template_override: optional(str()),
  enable_startup_metrics: optional(bool()),
  queue_message_timeout_seconds: optional(int({ ge: 1, le: 43200 })),
};

const createFields = {
  ...commonFields,
  name: str(),
  model_name: str(),
  metadata: dict(any()),
  min_workers: int(),
  max_workers: int(),
  per_worker: int(),
  labels: dict(str()),
  source: optional(enumOf(["hugging_face"] as const), "hugging_face" as const),
  inference_framework_image_tag: optional(str(), "latest"),
  num_shards: optional(int(), 1),
  endpoint_type: optional(enumOf(ENDPOINT_TYPES), "sync" as const),
};

const updateFields = {
  ...commonFields,
  model_name: optional(str()),
  source: optional(enumOf(["hugging_face"] as const)),
  inference_framework_image_tag: optional(str()),
  num_shards: optional(int()),
  metadata: optional(dict(any())),
  force_bundle_recreation: optional(bool(), false),
  min_workers: optional(int()),
  max_workers: optional(int()),
  per_worker: optional(int()),
  labels: optional(dict(str())),
};

const createVariant = object(createFields);
const createVllmVariant = object({ ...createFields, ...engineArgFields });
const updateVariant = object(updateFields);
const updateVllmVariant = object({ ...updateFields, ...engineArgFields });

/** The engine arguments that were given, in field order (`get_explicit_vllm_additional_args`). */
export function engineArgsOf(body: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [name] of VLLM_ARG_FIELDS) {
    if (body[name] !== undefined && body[name] !== null) args[name] = body[name];
  }
  return args;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The callable discriminator `get_inference_framework` with `Tag(...)` variants: a missing field
 * means vllm; errors inside a variant are under its tag (`["body", "vllm", "name"]`).
 */
function frameworkUnion<T>(
  tags: readonly LlmFramework[],
  parseVariant: (tag: LlmFramework, input: unknown, loc: (string | number)[], issues: ReturnType<typeof issue>[]) => T | typeof INVALID,
): Schema<T> {
  const expected = tags.map((tag) => `<LLMInferenceFramework.${tag.toUpperCase()}: '${tag}'>`).join(", ");
  return {
    kind: "tagged-union",
    parse(input, loc, issues) {
      const raw = isRecord(input) && input.inference_framework !== undefined ? input.inference_framework : "vllm";
      const tag = tags.find((candidate) => candidate === raw);
      if (tag === undefined) {
        const shown = typeof raw === "string" ? raw : JSON.stringify(raw);
        issues.push(
          issue(
            "union_tag_invalid",
            loc,
            `Input tag '${shown}' found using get_inference_framework() does not match any of the expected tags: ${expected}`,
            input,
            {
              discriminator: "get_inference_framework()",
              tag: shown,
              expected_tags: expected,
            },
          ),
        );
        return INVALID;
      }
      return parseVariant(tag, input, [...loc, tag], issues);
    },
  };
}

export const createLlmEndpointSchema: Schema<CreateLlmEndpointRequest> = frameworkUnion(LLM_FRAMEWORKS, (tag, input, loc, issues) => {
  const parsed = (tag === "vllm" ? createVllmVariant : createVariant).parse(input, loc, issues);
  if (parsed === INVALID || !isRecord(input)) return INVALID;
  const body: Infer<typeof createVariant> = parsed;
  return { ...body, inference_framework: tag, engine_args: tag === "vllm" ? engineArgsOf(parsed) : {} };
});

export const updateLlmEndpointSchema: Schema<UpdateLlmEndpointRequest> = frameworkUnion(UPDATABLE_FRAMEWORKS, (tag, input, loc, issues) => {
  const parsed = (tag === "vllm" ? updateVllmVariant : updateVariant).parse(input, loc, issues);
  if (parsed === INVALID || !isRecord(input)) return INVALID;
  const body: Infer<typeof updateVariant> = parsed;
  const fieldsSet = new Set(Object.keys(input).filter((key) => Object.hasOwn(updateFields, key)));
  return { ...body, inference_framework: tag, engine_args: tag === "vllm" ? engineArgsOf(parsed) : {}, fields_set: fieldsSet };
});

export const modelDownloadSchema = object({ model_name: str(), download_format: optional(str(), "hugging_face") });
