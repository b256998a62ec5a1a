/**
 * The sync gateway's view of one worker answer (server-contract.md §2.3), composed with the forwarder
 * in front of the worker (§4.2): the forwarder wraps a runnable image's answer, and fails with a bare
 * 500 when user code answers something that is not JSON; the gateway then turns the forwarder's reply
 * into SUCCESS, FAILURE with a traceback, a retry (429/503), or a 400 error.
 */
import { UpstreamBadRequest } from "../domain/errors.js";
import type { ExhaustedReason } from "../domain/gateway-ports.js";
import type { PredictResponse } from "../domain/task.js";
import type { ForwardMode } from "./forwarding.js";
import { wrapUserResult } from "./forwarding.js";
import { type LosslessJson, compactDumps, dumpsLossless, toPlain, tryParseLossless } from "../domain/tasks/python-json.js";
import { pythonStr } from "../domain/tasks/python-json-repr.js";

export type SyncOutcome = { kind: "done"; response: PredictResponse } | { kind: "retry"; status: 429 | 503 };

const FORWARDER_CRASH = "Internal Server Error";
const NO_TRACEBACK = "Failed to parse traceback";

export const failure = (traceback: string | null, statusCode: number): PredictResponse => ({
  status: "FAILURE",
  result: null,
  traceback,
  status_code: statusCode,
});

/** The FAILURE the gateway answers once retries run out (§2.3, §5.2). */
export function exhaustedResponse(reason: ExhaustedReason): PredictResponse {
  if (reason === 429) return failure("Too many concurrent requests", 429);
  if (reason === 503 || reason === "connection") return failure("No healthy upstream", 503);
  return failure("Unknown error", 500);
}

/** JSON.parse first (the hot path), Python's extra literals second. */
function parsePlain(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    const lossless = tryParseLossless(text);
    return lossless === undefined ? undefined : { value: toPlain(lossless) };
  }
}

/**
 * The FAILURE for an endpoint whose workers cannot start: its status_reason as the traceback, with the
 * 503 of a cold endpoint (README "Reliability": launch-local answers at once where the real gateway
 * would wait for its retry budget and answer `No healthy upstream`).
 */
export function refusedResponse(statusReason: string): PredictResponse {
  return failure(statusReason, 503);
}

/**
 * Shapes one worker answer. `asString` is the runnable forwarder's string-wrapping choice.
 * Throws LaunchError("BAD_REQUEST") for an upstream 400 (§2.3).
 */
export function shapeSyncReply(mode: ForwardMode, status: number, text: string, asString: boolean): SyncOutcome {
  const isSuccess = status >= 200 && status < 300;
  if (isSuccess && mode === "artifact") {
    const parsed = parsePlain(text);
    return { kind: "done", response: parsed === undefined ? failure(FORWARDER_CRASH, 500) : success(parsed.value) };
  }
  const user = tryParseLossless(text);
  // The forwarder reads the answer as JSON before anything else; non-JSON makes it fail with a 500.
  if (user === undefined) return { kind: "done", response: failure(FORWARDER_CRASH, 500) };
  if (isSuccess) return { kind: "done", response: success(wrapUserResult(user, asString)) };
  if (status === 429 || status === 503) return { kind: "retry", status };

  const forwarded = forwarderBody(mode, user, asString);
  const unwrapped = unwrapResult(forwarded.json);
  if (status === 400) {
    const detail = unwrapped === undefined ? forwarded.text() : pythonStr(unwrapped);
    throw new UpstreamBadRequest(`Invalid request: ${detail}`, unwrapped === undefined ? detail : toPlain(unwrapped), detail);
  }
  return { kind: "done", response: failure(tracebackOf(unwrapped, forwarded.text), status) };
}

function success(result: unknown): PredictResponse {
  return { status: "SUCCESS", result, traceback: null, status_code: 200 };
}

/** The forwarder's reply body, as parsed JSON and as the text it put on the wire. */
function forwarderBody(mode: ForwardMode, user: LosslessJson, asString: boolean): { json: LosslessJson; text: () => string } {
  if (mode === "artifact") return { json: user, text: () => compactDumps(user) };
  const wrapped: LosslessJson = new Map<string, LosslessJson>([["result", asString ? dumpsLossless(user) : user]]);
  return { json: wrapped, text: () => compactDumps(wrapped) };
}

/**
 * `if "result" in error_json: error_json = loads(error_json["result"])`; undefined when that step
 * raises (a non-string or non-JSON "result"), where the gateway falls back to the raw body.
 */
function unwrapResult(json: LosslessJson): LosslessJson | undefined {
  if (!(json instanceof Map)) return json;
  if (!json.has("result")) return json;
  const inner = json.get("result");
  return typeof inner === "string" ? tryParseLossless(inner) : undefined;
}

/** `detail.traceback`, `"Failed to parse traceback"`, or the compact body when detail is not an object. */
function tracebackOf(json: LosslessJson | undefined, rawText: () => string): string | null {
  if (!(json instanceof Map)) return rawText();
  if (!json.has("detail")) return NO_TRACEBACK;
  const detail = json.get("detail");
  if (!(detail instanceof Map)) return compactDumps(json);
  if (!detail.has("traceback")) return NO_TRACEBACK;
  const traceback = detail.get("traceback");
  if (traceback === undefined) return NO_TRACEBACK;
  return traceback === null || typeof traceback === "string" ? traceback : compactDumps(traceback);
}
