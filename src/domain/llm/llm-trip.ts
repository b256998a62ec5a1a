/**
 * The trip of an LLM request to its endpoint's workers: model-engine sends LLM requests through its
 * ordinary sync and streaming gateways (`SyncEndpointPredictV1Request(args, destination_path,
 * num_retries=80, timeout_seconds=300)`), so launch-local sends them through the gateway's sync and
 * streaming predict: the same worker pick, scale from zero, retries, fault rules and answer shaping
 * as every sync and streaming task (llm-contract.md §1.2–§1.4).
 */
import type { EndpointRecord } from "../endpoint.js";
import { LaunchError, badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { InferenceGateway } from "../gateway-ports.js";
import type { TokenObserver } from "../observe-ports.js";
import type { BundleRepository, EndpointRepository } from "../ports.js";
import type { PredictRequest, PredictResponse } from "../task.js";
import { tryParsePlain } from "../tasks/python-json.js";
import { visibleLlmEndpoints } from "./llm-endpoint-service.js";
import { type LlmMetadata, llmMetadataOf } from "./llm-metadata.js";

/** `NUM_DOWNSTREAM_REQUEST_RETRIES`, `DOWNSTREAM_REQUEST_TIMEOUT_SECONDS`. */
const NUM_RETRIES = 80;
const TIMEOUT_SECONDS = 300;

export interface LlmTripDeps {
  endpoints: EndpointRepository;
  bundles: BundleRepository;
  gateway: Pick<InferenceGateway, "predictSync" | "predictStream">;
  /** Token counts of each answer (metrics); absent when metrics are off. */
  tokens?: TokenObserver | null;
}

/** The engine's `usage` (OpenAI wire): prompt and completion tokens, or null when it has none. */
function usageOf(answer: unknown): { prompt: number; completion: number } | null {
  if (typeof answer !== "object" || answer === null || !("usage" in answer)) return null;
  const usage = answer.usage;
  if (typeof usage !== "object" || usage === null) return null;
  const prompt = "prompt_tokens" in usage && typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : 0;
  const completion = "completion_tokens" in usage && typeof usage.completion_tokens === "number" ? usage.completion_tokens : 0;
  return { prompt, completion };
}

export interface LlmTarget {
  endpoint: EndpointRecord;
  llm: LlmMetadata;
}

/** The ways a lookup fails, worded per route by the caller. */
export interface LookupMessages {
  notFound: string;
}

export class LlmTrip {
  constructor(private readonly deps: LlmTripDeps) {}

  /** The one LLM endpoint of that name the caller may use (own or public). */
  target(user: User, name: string, messages: LookupMessages): LlmTarget {
    const records = visibleLlmEndpoints(this.deps.endpoints, user.teamId, name);
    if (records.length === 0) throw notFound(messages.notFound);
    if (records.length > 1) throw badRequest(`Expected 1 LLM model endpoint for model name ${name}, got ${records.length}`);
    const endpoint = records[0];
    const llm = endpoint === undefined ? null : llmMetadataOf(endpoint);
    if (endpoint === undefined || llm === null) throw notFound(messages.notFound);
    return { endpoint, llm };
  }

  /** `routes + extra_routes` of the endpoint's bundle. */
  routesOf(endpoint: EndpointRecord): string[] {
    const flavor = this.deps.bundles.get(endpoint.bundleId)?.flavor;
    if (flavor === undefined || !("routes" in flavor)) return [];
    return [...flavor.extra_routes, ...flavor.routes];
  }

  /** One sync call: the worker's JSON answer, or a FAILURE. An upstream 400 throws UpstreamBadRequest. */
  async call(
    endpoint: EndpointRecord,
    path: string,
    args: Record<string, unknown>,
  ): Promise<{ ok: true; json: unknown } | { ok: false; response: PredictResponse }> {
    const response = await this.deps.gateway.predictSync(endpoint, predictRequest(path, args), {});
    if (response.status !== "SUCCESS") return { ok: false, response };
    // The runnable forwarder wraps the answer as `{"result": "<json.dumps text>"}` (§4.2).
    const wrapped = response.result;
    const text = typeof wrapped === "object" && wrapped !== null && "result" in wrapped ? wrapped.result : undefined;
    const json = typeof text === "string" ? tryParsePlain(text) : undefined;
    if (json === undefined) throw new LaunchError("INTERNAL_DETAIL", "The LLM engine answered something that is not JSON.");
    const usage = this.deps.tokens ? usageOf(json) : null;
    if (usage !== null) this.deps.tokens?.(endpoint, usage.prompt, usage.completion);
    return { ok: true, json };
  }

  /**
   * A streaming call: each item is one upstream SSE `data`, parsed (`[DONE]` stays a string), or the
   * FAILURE the streaming gateway reports. An upstream 400 throws UpstreamBadRequest on the first read.
   */
  async *stream(
    endpoint: EndpointRecord,
    path: string,
    args: Record<string, unknown>,
  ): AsyncGenerator<{ ok: true; data: unknown } | { ok: false; response: PredictResponse }> {
    const tokens = this.deps.tokens;
    // The engine's usage is cumulative per chunk (continuous_usage_stats): the last one counts.
    let usage: { prompt: number; completion: number } | null = null;
    try {
      for await (const event of this.deps.gateway.predictStream(endpoint, predictRequest(path, args), {})) {
        if (event.status !== "SUCCESS") {
          yield { ok: false, response: event };
          continue;
        }
        const wrapped = event.result;
        const data = typeof wrapped === "object" && wrapped !== null && "result" in wrapped ? wrapped.result : wrapped;
        if (tokens) usage = usageOf(data) ?? usage;
        yield { ok: true, data };
      }
    } finally {
      if (tokens && usage !== null) tokens(endpoint, usage.prompt, usage.completion);
    }
  }
}

function predictRequest(path: string, args: Record<string, unknown>): PredictRequest {
  return {
    url: null,
    args,
    hasArgs: true,
    cloudpickle: null,
    callbackUrl: null,
    callbackAuth: null,
    returnPickled: false,
    destinationPath: path,
    timeoutSeconds: TIMEOUT_SECONDS,
    numRetries: NUM_RETRIES,
  };
}
