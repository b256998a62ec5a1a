/**
 * The `_llm` metadata of an LLM endpoint (`llm_metadata_to_dict`) and the LLM view of the endpoint
 * (`_model_endpoint_entity_to_get_llm_model_endpoint_response`), llm-contract.md §1.1.
 */
import type { EndpointRecord } from "../endpoint.js";
import type { GetModelEndpointV1Response } from "../endpoints/endpoint-view.js";
import { LLM_FRAMEWORKS, type LlmFramework, QUANTIZATIONS, type Quantization } from "./llm-frameworks.js";

export const LLM_METADATA_KEY = "_llm";

export interface LlmMetadata {
  model_name: string;
  source: "hugging_face";
  inference_framework: LlmFramework;
  inference_framework_image_tag: string;
  num_shards: number;
  model_cache_enabled: boolean;
  quantize: Quantization | null;
  checkpoint_path: string | null;
  chat_template_override: string | null;
  /** Only for vLLM and only when some engine argument was given. */
  vllm_additional_args?: Record<string, unknown>;
}

export function llmMetadataDict(metadata: Omit<LlmMetadata, "vllm_additional_args">, engineArgs: Record<string, unknown> | null): LlmMetadata {
  const dict: LlmMetadata = { ...metadata };
  if (engineArgs !== null && Object.keys(engineArgs).length > 0) dict.vllm_additional_args = engineArgs;
  return dict;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const oneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === "string" && (values as readonly string[]).includes(value);
const stringOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** The record's `_llm` metadata, or null when it is not an LLM endpoint (or the metadata is not one we wrote). */
export function llmMetadataOf(record: Pick<EndpointRecord, "metadata">): LlmMetadata | null {
  const raw = record.metadata[LLM_METADATA_KEY];
  if (!isRecord(raw) || typeof raw.model_name !== "string" || !oneOf(LLM_FRAMEWORKS, raw.inference_framework)) return null;
  const extra = raw.vllm_additional_args;
  return {
    model_name: raw.model_name,
    source: "hugging_face",
    inference_framework: raw.inference_framework,
    inference_framework_image_tag: typeof raw.inference_framework_image_tag === "string" ? raw.inference_framework_image_tag : "latest",
    num_shards: typeof raw.num_shards === "number" ? raw.num_shards : 1,
    model_cache_enabled: raw.model_cache_enabled === true,
    quantize: oneOf(QUANTIZATIONS, raw.quantize) ? raw.quantize : null,
    checkpoint_path: stringOrNull(raw.checkpoint_path),
    chat_template_override: stringOrNull(raw.chat_template_override),
    ...(isRecord(extra) ? { vllm_additional_args: extra } : {}),
  };
}

/** GetLLMModelEndpointV1Response, keys in declaration order. */
export interface GetLlmEndpointResponse {
  id: string;
  name: string;
  model_name: string;
  source: "hugging_face";
  status: EndpointRecord["status"];
  inference_framework: LlmFramework;
  inference_framework_image_tag: string | null;
  num_shards: number | null;
  quantize: Quantization | null;
  checkpoint_path: string | null;
  chat_template_override: string | null;
  task_expires_seconds: number | null;
  queue_message_timeout_seconds: number | null;
  spec: GetModelEndpointV1Response | null;
}

export function llmEndpointView(record: EndpointRecord, llm: LlmMetadata, spec: GetModelEndpointV1Response): GetLlmEndpointResponse {
  return {
    id: record.id,
    name: record.name,
    model_name: llm.model_name,
    source: llm.source,
    status: record.status,
    inference_framework: llm.inference_framework,
    inference_framework_image_tag: llm.inference_framework_image_tag,
    num_shards: llm.num_shards,
    quantize: llm.quantize,
    checkpoint_path: llm.checkpoint_path,
    chat_template_override: llm.chat_template_override,
    task_expires_seconds: record.taskExpiresSeconds,
    queue_message_timeout_seconds: record.queueMessageTimeoutSeconds,
    spec,
  };
}
