/** LLM completions v1 (llm-contract.md §1.2, §1.3; model-engine `common/dtos/llms/completion.py`). */
import { type Fields, type JsonSchema, bool, dict, int, list, model, num, opt, optDefault, ref, req, str } from "../dsl.js";

/** The sampling fields CompletionSyncV1Request shares with CreateBatchCompletionsV1RequestContent. */
export const completionSamplingFields: Fields = {
  max_new_tokens: req(int()),
  temperature: req(num({ maximum: 1.0, minimum: 0.0 })),
  stop_sequences: opt(list(str())),
  return_token_log_probs: optDefault(bool(), false),
  presence_penalty: opt(num({ maximum: 2.0, minimum: 0.0 })),
  frequency_penalty: opt(num({ maximum: 2.0, minimum: 0.0 })),
  top_k: opt(int({ minimum: -1.0 })),
  top_p: opt(num({ maximum: 1.0, exclusiveMinimum: 0.0 })),
};

const completionRequest: Fields = {
  prompt: req(str()),
  ...completionSamplingFields,
  include_stop_str_in_output: opt(bool()),
  guided_json: opt(dict()),
  guided_regex: opt(str()),
  guided_choice: opt(list(str())),
  guided_grammar: opt(str()),
  skip_special_tokens: optDefault(bool(), true),
};

export const llmCompletionModels: Record<string, JsonSchema> = {
  // The v2 routes' body until their OpenAI models are declared (llm-operations.ts UNMODELLED_OPERATIONS).
  LaunchLocalAnyBody: {
    type: "object",
    additionalProperties: true,
    title: "LaunchLocalAnyBody",
    description: "A JSON object, forwarded as the real server forwards it.",
  },
  CompletionSyncV1Request: model("CompletionSyncV1Request", completionRequest, "Request object for a synchronous prompt completion task."),
  CompletionStreamV1Request: model("CompletionStreamV1Request", completionRequest, "Request object for a stream prompt completion task."),
  TokenOutput: model("TokenOutput", { token: req(str()), log_prob: req(num()) }, "Detailed token information."),
  CompletionOutput: model(
    "CompletionOutput",
    { text: req(str()), num_prompt_tokens: opt(int()), num_completion_tokens: req(int()), tokens: opt(list(ref("TokenOutput"))) },
    "Represents the output of a completion request to a model.",
  ),
  CompletionSyncV1Response: model(
    "CompletionSyncV1Response",
    { request_id: opt(str()), output: opt(ref("CompletionOutput")) },
    "Response object for a synchronous prompt completion.",
  ),
  CompletionStreamOutput: model("CompletionStreamOutput", {
    text: req(str()),
    finished: req(bool()),
    num_prompt_tokens: opt(int()),
    num_completion_tokens: opt(int()),
    token: opt(ref("TokenOutput")),
  }),
  StreamErrorContent: model("StreamErrorContent", { error: req(str()), timestamp: req(str()) }),
  StreamError: model("StreamError", { status_code: req(int()), content: req(ref("StreamErrorContent")) }, "Error object for a stream prompt completion task."),
  CompletionStreamV1Response: model(
    "CompletionStreamV1Response",
    { request_id: { ...opt(str()), required: true }, output: opt(ref("CompletionStreamOutput")), error: opt(ref("StreamError")) },
    "Response object for a stream prompt completion task: server-sent events, one per `data:` line, no `[DONE]`.",
  ),
};
