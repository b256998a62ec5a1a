/**
 * POST /v2/chat/completions and /v2/completions, sync and streaming, passed through as model-engine
 * does (llm-contract.md §1.4; `CompletionSyncV2UseCase` & co. and `ME/api/v2/*.py`): `model` is the
 * endpoint name in and out, `model_files` upstream; answers validated into the response models; stream
 * chunks without nulls; the engine's `[DONE]` swallowed.
 */
import { LaunchError, UpstreamBadRequest, badRequest } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import { OPENAI_CHAT_COMPLETION_PATH, OPENAI_COMPLETION_PATH, MODEL_FILES } from "./llm-bundle.js";
import { OPENAI_FRAMEWORKS, frameworkMember } from "./llm-frameworks.js";
import { V2_RESPONSE_MODELS } from "./openai-models.js";
import { CHAT_REQUEST_FIELDS, COMPLETION_REQUEST_FIELDS } from "./openai-requests.js";
import { v2RequestArgs, validated } from "./openai-shape.js";
import type { LlmTarget, LlmTrip } from "./llm-trip.js";

export type V2Kind = "chat" | "completion";

export interface LlmCompletionsV2Deps {
  trip: LlmTrip;
  ids: IdGenerator;
  timestamp(): string;
}

const KINDS = {
  chat: {
    path: OPENAI_CHAT_COMPLETION_PATH,
    fields: CHAT_REQUEST_FIELDS,
    sync: V2_RESPONSE_MODELS.chatSync,
    chunk: V2_RESPONSE_MODELS.chatChunk,
    unsupportedFramework: "does not support chat completion.",
    unsupportedRoute: "Endpoint does not support chat completion",
  },
  completion: {
    path: OPENAI_COMPLETION_PATH,
    fields: COMPLETION_REQUEST_FIELDS,
    sync: V2_RESPONSE_MODELS.completionSync,
    chunk: V2_RESPONSE_MODELS.completionChunk,
    unsupportedFramework: "does not support openai compatible completion.",
    unsupportedRoute: "Endpoint does not support v2 openai compatible completion",
  },
} as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const INTERNAL = "Internal error occurred. Our team has been notified.";

export class LlmCompletionsV2 {
  constructor(private readonly deps: LlmCompletionsV2Deps) {}

  /** The sync answer, validated into its response model (every field, nulls included). */
  async sync(user: User, kind: V2Kind, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const requestId = this.deps.ids.uuid();
    const spec = KINDS[kind];
    const name = String(body.model);
    const target = this.deps.trip.target(user, name, { notFound: "The specified endpoint could not be found." });
    this.checkDeprecated(target);
    if (target.endpoint.endpointType !== "sync" && target.endpoint.endpointType !== "streaming") {
      throw badRequest(`Unsupported inference type: Endpoint ${name} does not serve sync requests.`);
    }
    this.checkSupport(
      target,
      kind,
      (message) => `Unsupported inference type: ${message}`,
      (message) => `Endpoint does not support request: ${message}`,
    );
    let answer;
    try {
      answer = await this.deps.trip.call(target.endpoint, spec.path, this.argsOf(target, kind, body));
    } catch (error) {
      // The engine's error object is the 400's detail (`to_error_details`).
      if (error instanceof UpstreamBadRequest) throw new LaunchError("BAD_REQUEST", error.upstreamRepr, error.upstream);
      throw error;
    }
    if (!answer.ok || !isRecord(answer.json)) throw new LaunchError("INTERNAL_DETAIL", `Upstream service error for request_id ${requestId}`);
    return validated({ ...answer.json, model: target.endpoint.name }, spec.sync, "all");
  }

  /**
   * Reads the first upstream message before answering, as the real route does, so failures up to
   * then are HTTP errors; later ones are one error chunk. A reader that stops early closes the
   * upstream stream (and so gives its worker slot back).
   */
  async stream(user: User, kind: V2Kind, body: Record<string, unknown>): Promise<AsyncIterable<Record<string, unknown>>> {
    const spec = KINDS[kind];
    const name = String(body.model);
    const target = this.deps.trip.target(user, name, { notFound: `Model endpoint ${name} not found.` });
    this.checkDeprecated(target);
    if (target.endpoint.endpointType !== "streaming") throw badRequest(`Endpoint ${name} is not a streaming endpoint.`);
    this.checkSupport(
      target,
      kind,
      (message) => message,
      (message) => message,
    );
    const requestId = this.deps.ids.uuid();
    const source = this.deps.trip.stream(target.endpoint, spec.path, this.argsOf(target, kind, { ...body, stream: true }));
    // The next chunk to send, or null at the end: one async step per upstream item, no generator between.
    const nextChunk = async (): Promise<Record<string, unknown> | null> => {
      for (;;) {
        const next = await source.next();
        if (next.done === true) return null;
        const item = next.value;
        if (!item.ok) throw new LaunchError("INTERNAL_DETAIL", `Upstream service error for request_id ${requestId}`);
        // `if "DONE" in result: continue`.
        if (typeof item.data === "string" && item.data.includes("DONE")) continue;
        if (!isRecord(item.data)) continue;
        return validated({ ...item.data, model: target.endpoint.name }, spec.chunk, "exclude_none");
      }
    };
    let first: Record<string, unknown> | null;
    try {
      first = await nextChunk();
    } catch (error) {
      await source.return(undefined);
      // The real route answers this case with its generic 500 (README "Parity": the intended 400 here).
      if (error instanceof UpstreamBadRequest) throw new LaunchError("BAD_REQUEST", error.upstreamRepr, error.upstream);
      throw new LaunchError("INTERNAL_DETAIL", INTERNAL);
    }
    const timestamp = this.deps.timestamp;
    return (async function* () {
      try {
        for (let chunk = first; chunk !== null; chunk = await nextChunk()) yield chunk;
      } catch (error) {
        const [status, message] =
          error instanceof UpstreamBadRequest
            ? [400, error.upstreamRepr]
            : error instanceof LaunchError && (error.code === "INTERNAL_DETAIL" || error.code === "STORE_WRITE_FAILED")
              ? [500, error.message]
              : [500, INTERNAL];
        // CompletionV2StreamErrorChunk has no request_id field, so it is dropped (exclude_none).
        yield { error: { status_code: status, content: { error: message, timestamp: timestamp() } } };
      } finally {
        await source.return(undefined);
      }
    })();
  }

  /** `max_workers == 0` once deployed: 410 (sync and stream alike). */
  private checkDeprecated({ endpoint }: LlmTarget): void {
    if (endpoint.hasInfraState && endpoint.scaling.maxWorkers === 0) {
      throw new LaunchError("GONE", `The endpoint ${endpoint.name} is deprecated. max_workers is 0.`);
    }
  }

  /** `validate_endpoint_supports_{chat_completion,openai_completion}`, worded per route. */
  private checkSupport(target: LlmTarget, kind: V2Kind, unsupportedType: (m: string) => string, unsupportedRequest: (m: string) => string): void {
    const spec = KINDS[kind];
    const framework = target.llm.inference_framework;
    if (!OPENAI_FRAMEWORKS.has(framework)) {
      throw badRequest(unsupportedType(`The endpoint's inference framework (${frameworkMember(framework)}) ${spec.unsupportedFramework}`));
    }
    if (!this.deps.trip.routesOf(target.endpoint).includes(spec.path)) throw badRequest(unsupportedRequest(spec.unsupportedRoute));
  }

  private argsOf(target: LlmTarget, kind: V2Kind, body: Record<string, unknown>): Record<string, unknown> {
    const model = target.llm.inference_framework === "vllm" ? MODEL_FILES : String(body.model);
    return v2RequestArgs(body, KINDS[kind].fields, model);
  }
}
