import { argsJsonOf } from "../../domain/tasks/args-json.js";
import type { CallbackAuth } from "../../domain/endpoint.js";
import type { PredictRequest, PredictResponse } from "../../domain/task.js";
import { type Issue, issue } from "../validation/issues.js";
import { validationError } from "../validation/parse.js";
import { INVALID, any, bool, discriminated, int, literal, num, object, optional, str } from "../validation/schema.js";

/**
 * EndpointPredictV1Request / SyncEndpointPredictV1Request (server-contract.md §2.3, OpenAPI schemas of
 * the same names). Declared in three parts so errors come out in pydantic's field order while
 * `return_pickled` keeps its exact rule: `bool = False` may be absent, but an explicit null is a
 * `bool_type` error (it is not Optional), which `optional()` cannot express.
 */
const CallbackAuthSchema = discriminated<CallbackAuth>("kind", {
  basic: object({ kind: literal("basic"), username: str(), password: str() }),
  mtls: object({ kind: literal("mtls"), cert: str(), key: str() }),
});

const Leading = object({
  url: optional(str()),
  args: optional(any()),
  cloudpickle: optional(str()),
  callback_url: optional(str()),
  callback_auth: optional(CallbackAuthSchema),
});

const Trailing = object({ destination_path: optional(str()) });

const SyncTrailing = object({
  destination_path: optional(str()),
  timeout_seconds: optional(num({ gt: 0 })),
  num_retries: optional(int({ ge: 0 })),
});

const returnPickledSchema = bool();

export type PredictRoute = "async" | "sync";

export interface PredictInput {
  endpointId: string;
  request: PredictRequest;
  /**
   * What an artifact worker receives (§4.2: the whole request). The real gateway sends
   * `model_dump(exclude_none=True)`: declared fields with their validated values (so
   * `return_pickled` is always there), nulls dropped. Unknown keys are kept as sent, so per-request
   * switches such as `serialize_results_as_string` reach the forwarder logic (§4.2).
   */
  raw: Record<string, unknown>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Validates `?model_endpoint_id=` and the body together, as FastAPI does: query errors first, then
 * body errors, in one 422 list (§0.2).
 */
/** `rawBody`: the JSON bytes as received, so `args` can be forwarded with its number literals intact. */
export function parsePredictInput(route: PredictRoute, endpointId: string | undefined, body: unknown, rawBody?: Uint8Array): PredictInput {
  const issues: Issue[] = [];
  if (endpointId === undefined) issues.push(issue("missing", ["query", "model_endpoint_id"], "Field required", null));
  if (body === undefined) {
    issues.push(issue("missing", ["body"], "Field required", null));
    throw validationError(issues);
  }
  const leading = Leading.parse(body, ["body"], issues);
  // A body that is not an object fails once, at ["body"]; the other parts have nothing to add.
  const rest = isPlainObject(body) ? parseRest(route, body, issues) : INVALID;
  if (leading === INVALID || rest === INVALID || endpointId === undefined || !isPlainObject(body)) {
    throw validationError(issues);
  }

  const hasArgs = Object.prototype.hasOwnProperty.call(body, "args");
  const request: PredictRequest = {
    url: leading.url,
    args: hasArgs ? body.args : null,
    hasArgs,
    cloudpickle: leading.cloudpickle,
    callbackUrl: leading.callback_url,
    callbackAuth: leading.callback_auth,
    returnPickled: rest.returnPickled,
    destinationPath: rest.destinationPath,
    timeoutSeconds: rest.timeoutSeconds,
    numRetries: rest.numRetries,
  };
  const argsJson = hasArgs && rawBody !== undefined ? argsJsonOf(rawBody) : undefined;
  if (argsJson !== undefined) request.argsJson = argsJson;
  return { endpointId, request, raw: workerPayload(route, request, body) };
}

interface Rest {
  returnPickled: boolean;
  destinationPath: string | null;
  timeoutSeconds: number | null;
  numRetries: number | null;
}

function parseRest(route: PredictRoute, body: Record<string, unknown>, issues: Issue[]): Rest | typeof INVALID {
  let returnPickled: boolean | typeof INVALID = false;
  if (Object.prototype.hasOwnProperty.call(body, "return_pickled")) {
    returnPickled = returnPickledSchema.parse(body.return_pickled, ["body", "return_pickled"], issues);
  }
  if (route === "async") {
    const trailing = Trailing.parse(body, ["body"], issues);
    if (returnPickled === INVALID || trailing === INVALID) return INVALID;
    return { returnPickled, destinationPath: trailing.destination_path, timeoutSeconds: null, numRetries: null };
  }
  const trailing = SyncTrailing.parse(body, ["body"], issues);
  if (returnPickled === INVALID || trailing === INVALID) return INVALID;
  return {
    returnPickled,
    destinationPath: trailing.destination_path,
    timeoutSeconds: trailing.timeout_seconds,
    numRetries: trailing.num_retries,
  };
}

const ASYNC_KEYS = ["url", "args", "cloudpickle", "callback_url", "callback_auth", "return_pickled", "destination_path"];
const DECLARED_KEYS: Record<PredictRoute, ReadonlySet<string>> = {
  async: new Set(ASYNC_KEYS),
  sync: new Set([...ASYNC_KEYS, "timeout_seconds", "num_retries"]),
};

function workerPayload(route: PredictRoute, request: PredictRequest, body: Record<string, unknown>): Record<string, unknown> {
  const declared: [string, unknown][] = [
    ["url", request.url],
    ["args", request.args],
    ["cloudpickle", request.cloudpickle],
    ["callback_url", request.callbackUrl],
    ["callback_auth", request.callbackAuth],
    ["return_pickled", request.returnPickled],
    ["destination_path", request.destinationPath],
  ];
  if (route === "sync") declared.push(["timeout_seconds", request.timeoutSeconds], ["num_retries", request.numRetries]);
  const raw: Record<string, unknown> = {};
  for (const [key, value] of declared) if (value !== null) raw[key] = value;
  for (const [key, value] of Object.entries(body)) {
    if (!DECLARED_KEYS[route].has(key) && value !== null) raw[key] = value;
  }
  return raw;
}

/** SyncEndpointPredictV1Response, rebuilt so the key order is the contract's whatever the source (§4.6). */
export const predictResponseBody = (response: PredictResponse): PredictResponse => ({
  status: response.status,
  result: response.result,
  traceback: response.traceback,
  status_code: response.status_code,
});
