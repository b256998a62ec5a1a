/**
 * Streaming predict shaping (server-contract.md §2.3 streaming-tasks, §4.2 stream route, §4.6): the
 * stream forwarder turns each upstream SSE `data` into `{"result": <object or raw string>}` and the
 * gateway sends it as one SUCCESS event; a non-200 upstream becomes one FAILURE event.
 */
import { UpstreamBadRequest } from "../domain/errors.js";
import type { PredictResponse } from "../domain/task.js";
import type { SyncOutcome } from "./forwarding-sync.js";
import { failure } from "./forwarding-sync.js";
import { type LosslessJson, toPlain, tryParseLossless, tryParsePlain } from "../domain/tasks/python-json.js";
import { pythonStr } from "../domain/tasks/python-json-repr.js";

/**
 * One SUCCESS event for one upstream event. The stream forwarder's default is no string wrapping
 * (`parse_to_object_or_string`); `serialize_results_as_string` true sends the data text as is.
 */
export function streamEvent(data: string, asString: boolean): PredictResponse {
  let result: unknown = data;
  if (!asString) {
    const parsed = tryParsePlain(data);
    if (parsed !== undefined) result = parsed;
  }
  return { status: "SUCCESS", result: { result }, traceback: null, status_code: 200 };
}

/**
 * A non-200 answer of the user's stream route. The stream forwarder raises
 * `HTTPException(status, detail=<user JSON>)` (a bare 500 when the answer is not JSON); the gateway
 * retries 429/503, raises on 400, and otherwise reports `detail.traceback` (null when absent).
 */
export function shapeStreamFailure(status: number, text: string): SyncOutcome {
  const user = tryParseLossless(text);
  if (user === undefined) return { kind: "done", response: failure("Internal Server Error", 500) };
  if (status === 429 || status === 503) return { kind: "retry", status };
  if (status === 400) {
    const body = new Map<string, LosslessJson>([["detail", user]]);
    throw new UpstreamBadRequest(`Invalid request: ${pythonStr(body)}`, toPlain(user), pythonStr(body));
  }
  // `error_json.get("detail", {}).get("traceback")`; a non-object detail makes the real gateway abort
  // the stream with an AttributeError, where this reports a null traceback instead.
  const traceback = user instanceof Map ? user.get("traceback") : undefined;
  return { kind: "done", response: failure(typeof traceback === "string" ? traceback : null, status) };
}
