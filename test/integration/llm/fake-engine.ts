/**
 * A fake-runtime handler that answers like vLLM's OpenAI server (llm-contract.md §1.2–§1.4), for
 * gateway tests that need no torch: fixed tokens, usage on every stream chunk when asked, `[DONE]`,
 * vLLM's extra fields (`stop_reason`, `prompt_logprobs`) and nulls, and vLLM's 400 error object for a
 * prompt of "bad". Every request it got is kept.
 */
import type { FakeReply, FakeRequest } from "../../helpers/fake-runtime.js";

export interface FakeEngine {
  requests: FakeRequest[];
  handler(request: FakeRequest): FakeReply | undefined;
}

const TOKENS = [" John", " and", " I"];
const LOGPROBS = [-0.5, -1.25, -0.75];
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export function createFakeEngine(): FakeEngine {
  const requests: FakeRequest[] = [];
  return {
    requests,
    handler(request) {
      requests.push(request);
      const body = isRecord(request.json) ? request.json : {};
      if (body.prompt === "bad" || (Array.isArray(body.messages) && JSON.stringify(body.messages).includes("bad"))) {
        return {
          status: 400,
          text: JSON.stringify({
            object: "error",
            message: "This model's maximum context length is 8 tokens.",
            type: "BadRequestError",
            param: null,
            code: 400,
          }),
        };
      }
      if (body.prompt === "crash") return { status: 500, text: JSON.stringify({ detail: { traceback: "engine exploded" } }) };
      const isChat = request.path === "/v1/chat/completions";
      const withLogprobs = body.logprobs === 1;
      const usage = (n: number) => ({ prompt_tokens: 5, total_tokens: 5 + n, completion_tokens: n, prompt_tokens_details: null });
      if (body.stream !== true) {
        const text = TOKENS.join("");
        const choice = isChat
          ? {
              index: 0,
              message: { role: "assistant", content: text, refusal: null, tool_calls: [], reasoning_content: null },
              logprobs: null,
              finish_reason: "length",
              stop_reason: null,
            }
          : {
              index: 0,
              text,
              logprobs: withLogprobs ? { text_offset: [0, 5, 9], token_logprobs: LOGPROBS, tokens: TOKENS, top_logprobs: [] } : null,
              finish_reason: "length",
              stop_reason: null,
              prompt_logprobs: null,
            };
        return {
          text: JSON.stringify({
            id: "cmpl-1",
            object: isChat ? "chat.completion" : "text_completion",
            created: 1700000000,
            model: "model_files",
            choices: [choice],
            usage: usage(3),
            prompt_logprobs: null,
            kv_transfer_params: null,
          }),
        };
      }
      const options = isRecord(body.stream_options) ? body.stream_options : {};
      const events = TOKENS.map((token, index) => {
        const last = index === TOKENS.length - 1;
        const choice = isChat
          ? {
              index: 0,
              delta: index === 0 ? { role: "assistant", content: token } : { content: token },
              logprobs: null,
              finish_reason: last ? "length" : null,
              stop_reason: null,
            }
          : {
              index: 0,
              text: token,
              logprobs: withLogprobs ? { text_offset: [0], token_logprobs: [LOGPROBS[index]], tokens: [token], top_logprobs: [] } : null,
              finish_reason: last ? "length" : null,
              stop_reason: null,
            };
        const chunk: Record<string, unknown> = {
          id: "cmpl-1",
          object: isChat ? "chat.completion.chunk" : "text_completion",
          created: 1700000000,
          model: "model_files",
          choices: [choice],
        };
        if (options.continuous_usage_stats === true) chunk.usage = usage(index + 1);
        return JSON.stringify(chunk);
      });
      if (options.include_usage === true)
        events.push(JSON.stringify({ id: "cmpl-1", object: "text_completion", created: 1700000000, model: "model_files", choices: [], usage: usage(3) }));
      events.push("[DONE]");
      return { events };
    },
  };
}
