/**
 * The validated bodies of `POST /v1/llm/batch-completions` and `POST /v2/batch-completions`
 * (llm-contract.md §1.6; `ME/common/dtos/llms/batch_completion.py`), with the wire's field names.
 * `null` means "not given". `engine_args` holds the VLLMModelConfig fields that were given, by name,
 * in field order.
 */
import type { CompletionV1Request } from "../llm/completion-v1.js";
import type { LlmHardware } from "../llm/llm-requests.js";

export interface BatchModelConfig {
  model: string;
  checkpoint_path: string | null;
  num_shards: number;
  max_context_length: number | null;
  seed: number | null;
  response_role: string | null;
  /** `VLLMModelConfig` fields given (max_model_len, dtype, chat_template, …). */
  engine_args: Record<string, unknown>;
  /** v1 only (`CreateBatchCompletionsV1ModelConfig.labels`). */
  labels: Record<string, string>;
}

export interface ToolConfig {
  name: string;
  max_iterations: number;
  execution_timeout_seconds: number;
  should_retry_on_error: boolean;
}

/** `CreateBatchCompletionsV1RequestContent`: the v1 completion's sampling fields for a list of prompts. */
export type BatchV1Content = Pick<
  CompletionV1Request,
  "max_new_tokens" | "temperature" | "stop_sequences" | "return_token_log_probs" | "presence_penalty" | "frequency_penalty" | "top_k" | "top_p"
> & { prompts: string[]; skip_special_tokens: boolean };

/** v2 content: the v1 content, or OpenAI-style completion or chat requests (checked by the engine when the job runs). */
export type BatchContent = BatchV1Content | Record<string, unknown>[];

/** `BatchCompletionsRequestBase` + content + model_config. */
export interface CreateBatchCompletionsRequest extends LlmHardware {
  input_data_path: string | null;
  output_data_path: string;
  labels: Record<string, string>;
  data_parallelism: number;
  max_runtime_sec: number;
  priority: string | null;
  tool_config: ToolConfig | null;
  content: BatchContent | null;
  model_config: BatchModelConfig;
}

export const isV1Content = (content: BatchContent | null): content is BatchV1Content => content !== null && !Array.isArray(content);
