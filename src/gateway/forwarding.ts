/**
 * What the forwarder in front of user code does (server-contract.md §4.2–§4.4): which body reaches
 * the worker, and how the worker's answer is wrapped. Pure functions; the trips (sync-trip.ts,
 * stream-trip.ts, async-trip.ts) do the I/O.
 */
import type { BundleFlavor } from "../domain/bundle.js";
import { isArtifactFlavor } from "../domain/bundle.js";
import type { PredictRequest } from "../domain/task.js";
import { argsJsonOf } from "../domain/tasks/args-json.js";
import { JsonSyntaxError, type LosslessJson, dumpsLossless, parseLossless, toPlain, tryParsePlain } from "../domain/tasks/python-json.js";

/** Artifact bundles run the generic server behind a pass-through forwarder; runnable images get wrapping. */
export type ForwardMode = "artifact" | "runnable";

export const forwardModeOf = (flavor: BundleFlavor): ForwardMode => (isArtifactFlavor(flavor) ? "artifact" : "runnable");

/** The worker route for a sync/async predict (§2.3: `destination_path` overrides it). */
export function predictRouteOf(flavor: BundleFlavor, destinationPath: string | null): string {
  if (destinationPath !== null) return destinationPath;
  return isArtifactFlavor(flavor) ? "/predict" : flavor.predict_route;
}

/** The worker route for a streaming predict (gateway default `/stream`, §2.3). */
export function streamRouteOf(flavor: BundleFlavor, destinationPath: string | null): string {
  if (destinationPath !== null) return destinationPath;
  return flavor.flavor === "streaming_enhanced_runnable_image" ? flavor.streaming_predict_route : "/stream";
}

/**
 * `request.model_dump(exclude_none=True)` of an EndpointPredictV1Request: the body an artifact worker
 * receives for an async task (§2.3, §4.2). `return_pickled` is always present.
 */
export function requestPayload(request: PredictRequest): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  if (request.url !== null) payload["url"] = request.url;
  if (request.hasArgs && request.args !== null && request.args !== undefined) payload["args"] = request.args;
  if (request.cloudpickle !== null) payload["cloudpickle"] = request.cloudpickle;
  if (request.callbackUrl !== null) payload["callback_url"] = request.callbackUrl;
  if (request.callbackAuth !== null && request.callbackAuth !== undefined) payload["callback_auth"] = request.callbackAuth;
  payload["return_pickled"] = request.returnPickled;
  if (request.destinationPath !== null) payload["destination_path"] = request.destinationPath;
  return payload;
}

/** The whole request for an artifact worker, with `args` as the client wrote them when known. */
export function requestPayloadJson(request: PredictRequest): string {
  const payload = requestPayload(request);
  if (request.argsJson === undefined || !("args" in payload)) return JSON.stringify(payload);
  delete payload["args"];
  const rest = JSON.stringify(payload);
  return `{"args":${request.argsJson}${rest === "{}" ? "}" : `,${rest.slice(1)}`}`;
}

/**
 * A runnable image receives only `args`; a request without args delivers JSON `null` (§4.2, §9.15).
 * `rawBody`: the request's JSON bytes, for a sync request whose `argsJson` was left to be read here,
 * where it is needed (an artifact worker gets the bytes whole and never needs it).
 */
export function runnableBody(request: PredictRequest, rawBody?: Uint8Array): string {
  if (!request.hasArgs) return "null";
  const argsJson = request.argsJson ?? (rawBody === undefined ? undefined : argsJsonOf(rawBody));
  return argsJson ?? JSON.stringify(request.args ?? null) ?? "null";
}

/** Python truthiness of a JSON value (the forwarder applies `bool()` to the override, §4.2). */
function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** The override's truthiness when `value` is a JSON object holding the key, else undefined. */
function overrideIn(value: unknown): boolean | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  if (!Object.hasOwn(value, "serialize_results_as_string") || !("serialize_results_as_string" in value)) return undefined;
  return isTruthy(value.serialize_results_as_string);
}

/**
 * Whether the answer is wrapped as a JSON string: the forwarder's default (true for sync/async, false
 * for the stream route), overridden by `serialize_results_as_string` at the payload's top level first,
 * else inside `args` (§4.2).
 */
export function serializeResultsAsString(payload: unknown, args: unknown, fallback: boolean): boolean {
  return overrideIn(payload) ?? overrideIn(args) ?? fallback;
}

/** The runnable forwarder's `{"result": ...}` for a parsed user answer. */
export function wrapUserResult(user: LosslessJson, asString: boolean): { result: unknown } {
  return { result: asString ? dumpsLossless(user) : toPlain(user) };
}

export interface AsyncOutcome {
  status: "SUCCESS" | "FAILURE";
  result: unknown;
  traceback: string | null;
  statusCode: number | null;
}

/**
 * An async task's stored outcome from the worker's answer (§2.3 GET table, §4.3, §4.4).
 * Artifact: the generic server's JSON is the result whatever the HTTP status (a user exception is
 * SUCCESS with `{"detail":{"traceback":…}}`), status_code null. Runnable: `{"result": <string>}` with
 * the user's HTTP status lifted into status_code (SUCCESS even for a 500). A non-JSON answer fails the
 * Celery task: FAILURE with `str(exception)` as the result.
 */
export function asyncOutcome(mode: ForwardMode, status: number, text: string, asString: boolean): AsyncOutcome {
  if (mode === "artifact") {
    // The plain value is all that is kept: JSON.parse's, where it reads the text (tryParsePlain).
    const plain = tryParsePlain(text);
    if (plain !== undefined) return { status: "SUCCESS", result: plain, traceback: null, statusCode: null };
  }
  let parsed: LosslessJson;
  try {
    parsed = parseLossless(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { status: "FAILURE", result: error.message, traceback: null, statusCode: null };
  }
  if (mode === "artifact") return { status: "SUCCESS", result: toPlain(parsed), traceback: null, statusCode: null };
  return { status: "SUCCESS", result: wrapUserResult(parsed, asString), traceback: null, statusCode: status };
}
