/**
 * /v1/llm/completions-sync and -stream as model-engine maps them onto a vLLM endpoint and back
 * (llm-contract.md §1.2, §1.3; `validate_and_update_completion_params`,
 * `CompletionSyncV1UseCase`, `CompletionStreamV1UseCase`). Pure functions; the service does the trip.
 */
import { badRequest } from "../errors.js";
import type { LlmFramework } from "./llm-frameworks.js";

/** CompletionSyncV1Request / CompletionStreamV1Request after validation. */
export interface CompletionV1Request {
  prompt: string;
  max_new_tokens: number;
  temperature: number;
  stop_sequences: string[] | null;
  return_token_log_probs: boolean;
  presence_penalty: number | null;
  frequency_penalty: number | null;
  top_k: number | null;
  top_p: number | null;
  include_stop_str_in_output: boolean | null;
  guided_json: Record<string, unknown> | null;
  guided_regex: string | null;
  guided_choice: string[] | null;
  guided_grammar: string | null;
  skip_special_tokens: boolean | null;
}

export interface TokenOutput {
  token: string;
  log_prob: number;
}

/** CompletionOutput, keys in declaration order. */
export interface CompletionOutput {
  text: string;
  num_prompt_tokens: number | null;
  num_completion_tokens: number;
  tokens: TokenOutput[] | null;
}

/** CompletionStreamOutput. */
export interface CompletionStreamOutput {
  text: string;
  finished: boolean;
  num_prompt_tokens: number | null;
  num_completion_tokens: number | null;
  token: TokenOutput | null;
}

export interface CompletionStreamV1Response {
  request_id: string;
  output: CompletionStreamOutput | null;
  error: { status_code: number; content: { error: string; timestamp: string } } | null;
}

const TOP_SAMPLING = new Set<LlmFramework>(["text_generation_inference", "vllm", "lightllm"]);
const PENALTIES = new Set<LlmFramework>(["vllm", "lightllm"]);
const LOG_PROBS = new Set<LlmFramework>(["deepspeed", "text_generation_inference", "vllm", "lightllm"]);

/** Python truthiness of an optional number. */
const truthy = (value: number | null): boolean => value !== null && value !== 0;

/** `validate_and_update_completion_params`: 400s per framework, then vLLM's defaults filled in. */
export function validateCompletionParams(framework: LlmFramework, request: CompletionV1Request): CompletionV1Request {
  const next = { ...request };
  if (TOP_SAMPLING.has(framework)) {
    if (request.temperature === 0 && ((request.top_k !== -1 && request.top_k !== null) || (request.top_p !== 1 && request.top_p !== null))) {
      throw badRequest("top_k and top_p can't be enabled when temperature is 0.");
    }
    if (request.top_k === 0) throw badRequest("top_k needs to be strictly positive, or set it to be -1 / None to disable top_k.");
    if (framework === "text_generation_inference") {
      next.top_k = request.top_k === -1 ? null : request.top_k;
      next.top_p = request.top_p === 1 ? null : request.top_p;
    } else {
      next.top_k = request.top_k ?? -1;
      next.top_p = request.top_p ?? 1;
    }
  } else if (truthy(request.top_k) || truthy(request.top_p)) {
    throw badRequest("top_k and top_p are only supported in text-generation-inference, vllm, lightllm.");
  }
  if (PENALTIES.has(framework)) {
    next.presence_penalty = request.presence_penalty ?? 0;
    next.frequency_penalty = request.frequency_penalty ?? 0;
  } else if (truthy(request.presence_penalty) || truthy(request.frequency_penalty)) {
    throw badRequest("presence_penalty and frequency_penalty are only supported in vllm, lightllm.");
  }
  if (!LOG_PROBS.has(framework) && request.return_token_log_probs) {
    throw badRequest("return_token_log_probs is only supported in deepspeed, text-generation-inference, vllm, lightllm.");
  }
  if (framework !== "vllm" && request.include_stop_str_in_output !== null) {
    throw badRequest("include_stop_str_in_output is only supported in vllm.");
  }
  const guided = [request.guided_choice, request.guided_json, request.guided_regex, request.guided_grammar].filter((value) => value !== null);
  if (guided.length > 1) throw badRequest("Only one of guided_json, guided_choice, guided_regex, guided_grammar can be enabled.");
  if (guided.length > 0 && framework !== "vllm") throw badRequest("Guided decoding is only supported in vllm.");
  return next;
}

/**
 * The args sent to the engine's `/v1/completions` (`UC` L2741-2790). Streams also ask for usage on
 * every chunk (vLLM's `continuous_usage_stats`): model-engine reads the running token counts from
 * each chunk's `usage`, which stock vLLM sends only when asked (README "Parity").
 */
export function vllmCompletionArgs(request: CompletionV1Request, isStream: boolean): Record<string, unknown> {
  const args: Record<string, unknown> = {
    prompt: request.prompt,
    max_tokens: request.max_new_tokens,
    presence_penalty: request.presence_penalty,
    frequency_penalty: request.frequency_penalty,
  };
  if (request.stop_sequences !== null) args.stop = request.stop_sequences;
  args.temperature = request.temperature;
  if (request.temperature > 0) {
    args.top_k = request.top_k;
    args.top_p = request.top_p;
  }
  if (request.return_token_log_probs) args.logprobs = 1;
  if (request.include_stop_str_in_output !== null) args.include_stop_str_in_output = request.include_stop_str_in_output;
  if (request.guided_choice !== null) args.guided_choice = request.guided_choice;
  if (request.guided_regex !== null) args.guided_regex = request.guided_regex;
  if (request.guided_json !== null) args.guided_json = request.guided_json;
  if (request.guided_grammar !== null) args.guided_grammar = request.guided_grammar;
  if (request.skip_special_tokens !== null) args.skip_special_tokens = request.skip_special_tokens;
  if (isStream) {
    args.stream = true;
    args.stream_options = { include_usage: true, continuous_usage_stats: true };
  }
  return args;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const numberOr = (value: unknown, fallback: number): number => (typeof value === "number" ? value : fallback);

/** `logprobs.tokens` zipped with `token_logprobs` (a null log prob is 0.0), when both are non-empty. */
function tokensOf(choice: Record<string, unknown>): TokenOutput[] | null {
  const logprobs = choice.logprobs;
  if (!isRecord(logprobs) || !Array.isArray(logprobs.tokens) || !Array.isArray(logprobs.token_logprobs)) return null;
  const { tokens, token_logprobs: logProbs } = logprobs;
  if (tokens.length === 0 || logProbs.length === 0) return null;
  return tokens.map((token, index) => ({ token: String(token), log_prob: numberOr(logProbs[index], 0) }));
}

/** `model_output_to_completion_output` for the OpenAI answer of vLLM ≥ 0.5. */
export function completionOutputOf(output: unknown, withTokenProbs: boolean): CompletionOutput {
  const choice = isRecord(output) && Array.isArray(output.choices) && isRecord(output.choices[0]) ? output.choices[0] : null;
  if (choice === null || !isRecord(output)) throw new Error("The engine's answer has no choices.");
  const usage = isRecord(output.usage) ? output.usage : {};
  return {
    text: typeof choice.text === "string" ? choice.text : "",
    num_prompt_tokens: numberOr(usage.prompt_tokens, 0),
    num_completion_tokens: numberOr(usage.completion_tokens, 0),
    tokens: withTokenProbs ? tokensOf(choice) : null,
  };
}

/**
 * One v1 stream event for one engine chunk (`UC` L3245-3290), or null for what is not a completion
 * chunk: vLLM's `[DONE]` and the usage-only `choices: []` chunk (README "Parity": the real mapping
 * fails on both with a generic error event).
 */
export function streamOutputOf(chunk: unknown, withTokenProbs: boolean): CompletionStreamOutput | null {
  if (!isRecord(chunk) || !Array.isArray(chunk.choices) || !isRecord(chunk.choices[0])) return null;
  const choice = chunk.choices[0];
  const finished = choice.finish_reason !== null && choice.finish_reason !== undefined;
  const usage = isRecord(chunk.usage) ? chunk.usage : {};
  const tokens = withTokenProbs ? tokensOf(choice) : null;
  return {
    text: typeof choice.text === "string" ? choice.text : "",
    finished,
    num_prompt_tokens: finished ? numberOr(usage.prompt_tokens, 0) : null,
    num_completion_tokens: numberOr(usage.completion_tokens, 0),
    token: tokens === null ? null : (tokens[tokens.length - 1] ?? null),
  };
}
