/**
 * The response models model-engine validates v2 answers into (`ME/common/dtos/llms/completion.py`,
 * `chat_completion.py`, the generated `ME/common/types/gen/openai.py`), as field lists in declaration
 * order: what `model_validate` keeps (extra keys are dropped, `extra="ignore"`) and in which order it
 * writes them. Generated from those files with pydantic; only nested models are spelled out.
 */
export type FieldShape = null | { readonly model: ModelName } | { readonly list: FieldShape };

export const OPENAI_MODELS = {
  CreateCompletionResponse: [
    ["id", null],
    ["choices", { list: { model: "Choice2" } }],
    ["created", null],
    ["model", null],
    ["system_fingerprint", null],
    ["object", null],
    ["usage", { model: "CompletionUsage" }],
  ],
  Choice2: [
    ["finish_reason", null],
    ["index", null],
    ["logprobs", { model: "Logprobs2" }],
    ["text", null],
  ],
  Logprobs2: [
    ["text_offset", null],
    ["token_logprobs", null],
    ["tokens", null],
    ["top_logprobs", null],
  ],
  CompletionUsage: [
    ["completion_tokens", null],
    ["prompt_tokens", null],
    ["total_tokens", null],
    ["completion_tokens_details", { model: "CompletionTokensDetails" }],
    ["prompt_tokens_details", { model: "PromptTokensDetails" }],
  ],
  CompletionTokensDetails: [
    ["accepted_prediction_tokens", null],
    ["audio_tokens", null],
    ["reasoning_tokens", null],
    ["rejected_prediction_tokens", null],
  ],
  PromptTokensDetails: [
    ["audio_tokens", null],
    ["cached_tokens", null],
  ],
  ChatCompletionV2SyncResponse: [
    ["id", null],
    ["choices", { list: { model: "ChatCompletionChoiceWithReasoning" } }],
    ["created", null],
    ["model", null],
    ["service_tier", null],
    ["system_fingerprint", null],
    ["object", null],
    ["usage", { model: "CompletionUsage" }],
  ],
  ChatCompletionChoiceWithReasoning: [
    ["finish_reason", null],
    ["index", null],
    ["message", { model: "ChatCompletionResponseMessageWithReasoning" }],
    ["logprobs", { model: "Logprobs" }],
  ],
  ChatCompletionResponseMessageWithReasoning: [
    ["content", null],
    ["refusal", null],
    ["tool_calls", { list: { model: "ChatCompletionMessageToolCall" } }],
    ["annotations", { list: { model: "Annotation" } }],
    ["role", null],
    ["function_call", { model: "FunctionCall" }],
    ["audio", { model: "Audio1" }],
    ["reasoning_content", null],
  ],
  ChatCompletionMessageToolCall: [
    ["id", null],
    ["type", null],
    ["function", { model: "Function1" }],
  ],
  Function1: [
    ["name", null],
    ["arguments", null],
  ],
  Annotation: [
    ["type", null],
    ["url_citation", { model: "UrlCitation" }],
  ],
  UrlCitation: [
    ["end_index", null],
    ["start_index", null],
    ["url", null],
    ["title", null],
  ],
  FunctionCall: [
    ["arguments", null],
    ["name", null],
  ],
  Audio1: [
    ["id", null],
    ["expires_at", null],
    ["data", null],
    ["transcript", null],
  ],
  Logprobs: [
    ["content", { list: { model: "ChatCompletionTokenLogprob" } }],
    ["refusal", { list: { model: "ChatCompletionTokenLogprob" } }],
  ],
  ChatCompletionTokenLogprob: [
    ["token", null],
    ["logprob", null],
    ["bytes", null],
    ["top_logprobs", { list: { model: "TopLogprob" } }],
  ],
  TopLogprob: [
    ["token", null],
    ["logprob", null],
    ["bytes", null],
  ],
  ChatCompletionV2StreamSuccessChunk: [
    ["id", null],
    ["choices", { list: { model: "ChatCompletionStreamChoiceWithReasoning" } }],
    ["created", null],
    ["model", null],
    ["service_tier", null],
    ["system_fingerprint", null],
    ["object", null],
    ["usage", { model: "CompletionUsage" }],
  ],
  ChatCompletionStreamChoiceWithReasoning: [
    ["delta", { model: "ChatCompletionStreamResponseDeltaWithReasoning" }],
    ["logprobs", { model: "Logprobs" }],
    ["finish_reason", null],
    ["index", null],
  ],
  ChatCompletionStreamResponseDeltaWithReasoning: [
    ["content", null],
    ["function_call", { model: "FunctionCall2" }],
    ["tool_calls", { list: { model: "ChatCompletionMessageToolCallChunk" } }],
    ["role", null],
    ["refusal", null],
    ["reasoning_content", null],
  ],
  FunctionCall2: [
    ["arguments", null],
    ["name", null],
  ],
  ChatCompletionMessageToolCallChunk: [
    ["index", null],
    ["id", null],
    ["type", null],
    ["function", { model: "Function2" }],
  ],
  Function2: [
    ["name", null],
    ["arguments", null],
  ],
} as const;

export type ModelName = keyof typeof OPENAI_MODELS;

/** The four answers the v2 routes send. */
export const V2_RESPONSE_MODELS = {
  completionSync: "CreateCompletionResponse",
  completionChunk: "CreateCompletionResponse",
  chatSync: "ChatCompletionV2SyncResponse",
  chatChunk: "ChatCompletionV2StreamSuccessChunk",
} as const satisfies Record<string, ModelName>;
