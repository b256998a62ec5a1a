import type { CallbackAuth, EndpointType, GpuType } from "../endpoint.js";
import type { LlmFramework, Quantization } from "./llm-frameworks.js";

/**
 * The validated bodies of POST and PUT /v1/llm/model-endpoints (llm-contract.md §1.1;
 * `ME/common/dtos/llms/model_endpoints.py`), with the wire's field names. `null` means "not given".
 * `engine_args` holds the vLLM (or SGLang) engine arguments that were given, by field name, in the
 * order of `VLLMEndpointAdditionalArgs` (`get_explicit_vllm_additional_args`).
 */
export interface LlmHardware {
  cpus: string | number | null;
  gpus: number | null;
  memory: string | number | null;
  gpu_type: GpuType | null;
  storage: string | number | null;
  nodes_per_worker: number | null;
}

export interface LlmCommonArgs extends LlmHardware {
  quantize: Quantization | null;
  checkpoint_path: string | null;
  post_inference_hooks: string[] | null;
  optimize_costs: boolean | null;
  prewarm: boolean | null;
  high_priority: boolean | null;
  billing_tags: Record<string, unknown> | null;
  default_callback_url: string | null;
  default_callback_auth: CallbackAuth | null;
  public_inference: boolean | null;
  task_expires_seconds: number | null;
  chat_template_override: string | null;
  queue_message_timeout_seconds: number | null;
  engine_args: Record<string, unknown>;
}

export interface CreateLlmEndpointRequest extends LlmCommonArgs {
  inference_framework: LlmFramework;
  name: string;
  model_name: string;
  metadata: Record<string, unknown>;
  min_workers: number;
  max_workers: number;
  per_worker: number;
  labels: Record<string, string>;
  source: "hugging_face";
  inference_framework_image_tag: string;
  num_shards: number;
  endpoint_type: EndpointType;
}

export interface UpdateLlmEndpointRequest extends LlmCommonArgs {
  inference_framework: LlmFramework;
  model_name: string | null;
  source: "hugging_face" | null;
  inference_framework_image_tag: string | null;
  num_shards: number | null;
  metadata: Record<string, unknown> | null;
  force_bundle_recreation: boolean;
  min_workers: number | null;
  max_workers: number | null;
  per_worker: number | null;
  labels: Record<string, string> | null;
  /** The optional fields that were sent at all, even as null (pydantic `model_fields_set`). */
  fields_set: ReadonlySet<string>;
}
