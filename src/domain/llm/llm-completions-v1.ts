/**
 * POST /v1/llm/completions-sync and -stream (llm-contract.md §1.2, §1.3; `CompletionSyncV1UseCase`,
 * `CompletionStreamV1UseCase`, the routes' error mapping in `ME/api/llms_v1.py`).
 */
import { LaunchError, UpstreamBadRequest, badRequest } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import {
  type CompletionOutput,
  type CompletionStreamV1Response,
  type CompletionV1Request,
  completionOutputOf,
  streamOutputOf,
  validateCompletionParams,
  vllmCompletionArgs,
} from "./completion-v1.js";
import { OPENAI_COMPLETION_PATH } from "./llm-bundle.js";
import type { LlmTrip } from "./llm-trip.js";

export interface LlmCompletionsV1Deps {
  trip: LlmTrip;
  ids: IdGenerator;
  /** `datetime.now(US/Pacific).strftime("%Y-%m-%d %H:%M:%S %Z")` for stream error events. */
  timestamp(): string;
}

const upstreamError = (requestId: string) => new LaunchError("INTERNAL_DETAIL", `Upstream service error for request_id ${requestId}`);
const INTERNAL = "Internal error occurred. Our team has been notified.";

export class LlmCompletionsV1 {
  constructor(private readonly deps: LlmCompletionsV1Deps) {}

  async sync(user: User, name: string, request: CompletionV1Request): Promise<{ request_id: string; output: CompletionOutput }> {
    const requestId = this.deps.ids.uuid();
    const { endpoint, llm } = this.deps.trip.target(user, name, { notFound: "The specified endpoint could not be found." });
    if (endpoint.endpointType !== "sync" && endpoint.endpointType !== "streaming") {
      throw badRequest(`Unsupported inference type: Endpoint ${name} does not serve sync requests.`);
    }
    const validated = validateCompletionParams(llm.inference_framework, request);
    let answer;
    try {
      answer = await this.deps.trip.call(endpoint, OPENAI_COMPLETION_PATH, vllmCompletionArgs(validated, false));
    } catch (error) {
      // InvalidRequestException(error_json) → 400 with `str(exc)`: Python's repr of the engine's error.
      if (error instanceof UpstreamBadRequest) throw badRequest(error.upstreamRepr);
      throw error;
    }
    if (!answer.ok) throw upstreamError(requestId);
    return { request_id: requestId, output: completionOutputOf(answer.json, validated.return_token_log_probs) };
  }

  /**
   * Checks that fail before the stream starts throw (HTTP errors); everything after is an event.
   * The stream itself never sends `[DONE]`.
   */
  stream(user: User, name: string, request: CompletionV1Request): AsyncIterable<CompletionStreamV1Response> {
    const requestId = this.deps.ids.uuid();
    const { endpoint, llm } = this.deps.trip.target(user, name, { notFound: `Model endpoint ${name} not found.` });
    if (endpoint.endpointType !== "streaming") throw badRequest(`Endpoint ${name} is not a streaming endpoint.`);
    const validated = validateCompletionParams(llm.inference_framework, request);
    const args = vllmCompletionArgs(validated, true);
    const { trip, timestamp } = this.deps;
    const errorEvent = (status: number, message: string): CompletionStreamV1Response => ({
      request_id: requestId,
      output: null,
      error: { status_code: status, content: { error: message, timestamp: timestamp() } },
    });
    return (async function* events() {
      try {
        for await (const item of trip.stream(endpoint, OPENAI_COMPLETION_PATH, args)) {
          if (!item.ok) {
            yield errorEvent(500, `Upstream service error for request_id ${requestId}`);
            return;
          }
          const output = streamOutputOf(item.data, validated.return_token_log_probs);
          if (output !== null) yield { request_id: requestId, output, error: null };
        }
      } catch (error) {
        yield error instanceof UpstreamBadRequest ? errorEvent(400, error.upstreamRepr) : errorEvent(500, INTERNAL);
      }
    })();
  }
}
