/**
 * Request models of the LLM completion routes (llm-contract.md §1.2, §1.4): `CompletionSyncV1Request`
 * (= the stream request) and the checks of `ChatCompletionV2Request` / `CompletionV2Request` that a
 * client meets most (the rest of the body is forwarded as the engine reads it).
 */
import type { CompletionV1Request } from "../../domain/llm/completion-v1.js";
import { type Issue, issue } from "../validation/issues.js";
import { INVALID, type Schema, any, bool, dict, int, list, num, object, optional, str, union } from "../validation/schema.js";

/** The sampling fields CompletionSyncV1Request shares with CreateBatchCompletionsV1RequestContent. */
export const completionSamplingFields = {
  max_new_tokens: int(),
  temperature: num({ ge: 0, le: 1 }),
  stop_sequences: optional(list(str())),
  return_token_log_probs: optional(bool(), false),
  presence_penalty: optional(num({ ge: 0, le: 2 })),
  frequency_penalty: optional(num({ ge: 0, le: 2 })),
  top_k: optional(int({ ge: -1 })),
  top_p: optional(num({ gt: 0, le: 1 })),
};

export const completionV1Schema: Schema<CompletionV1Request> = object({
  prompt: str(),
  ...completionSamplingFields,
  include_stop_str_in_output: optional(bool()),
  guided_json: optional(dict(any())),
  guided_regex: optional(str()),
  guided_choice: optional(list(str())),
  guided_grammar: optional(str()),
  skip_special_tokens: optional(bool(), true),
});

/** `Annotated[List[...], Field(min_length=1)]`. */
function nonEmptyList(item: Schema<unknown>): Schema<unknown[]> {
  const inner = list(item);
  return {
    kind: "list",
    parse(input, loc, issues: Issue[]) {
      const parsed = inner.parse(input, loc, issues);
      if (parsed === INVALID) return INVALID;
      if (parsed.length === 0) {
        issues.push(
          issue("too_short", loc, "List should have at least 1 item after validation, not 0", input, { field_type: "List", min_length: 1, actual_length: 0 }),
        );
        return INVALID;
      }
      return parsed;
    },
  };
}

const common = {
  model: str(),
  stream: optional(bool(), false),
  n: optional(int({ ge: 1, le: 128 })),
  frequency_penalty: optional(num({ ge: -2, le: 2 })),
  presence_penalty: optional(num({ ge: -2, le: 2 })),
  temperature: optional(num({ ge: 0, le: 2 })),
  top_p: optional(num({ ge: 0, le: 1 })),
  stream_options: optional(dict(any())),
  top_k: optional(int({ ge: -1 })),
};

export const chatCompletionV2Schema = object({
  ...common,
  messages: nonEmptyList(dict(any())),
  max_tokens: optional(int()),
  logprobs: optional(bool()),
  top_logprobs: optional(int({ ge: 0, le: 20 })),
});

export const completionV2Schema = object({
  ...common,
  prompt: union<unknown>([str(), list(any())]),
  max_tokens: optional(int({ ge: 0 })),
  logprobs: optional(int({ ge: 0, le: 5 })),
});
