/**
 * Coded errors. The domain throws these; `src/http/error-table.ts` maps each code to the HTTP status
 * the real server sends (server-contract.md §0.2). The message is the exact `detail` text.
 * One code per failure README "Error codes" lists, each listed once (test/unit/http/error-codes-readme.test.ts).
 */
export type ErrorCode =
  | "BAD_REQUEST" // 400 with a domain message (validation rules of §2.2, §2.6 …)
  | "BODY_UNPARSEABLE" // 400 `There was an error parsing the body` (not UTF-8, nested too deep)
  | "UNAUTHENTICATED" // 401 (message + WWW-Authenticate scheme)
  | "FORBIDDEN" // 403
  | "NOT_FOUND" // 404: missing objects and other users' objects alike (§0.4)
  | "ROUTE_NOT_FOUND" // 404 `Not Found`: no route has the path
  | "METHOD_NOT_ALLOWED" // 405: a route has the path, not the method
  | "REQUEST_TIMEOUT" // 408: one call to a worker beyond the gateway's limit
  | "GONE" // 410: an LLM endpoint with max_workers 0
  | "PAYLOAD_TOO_LARGE" // 413
  | "VALIDATION" // 422 pydantic-style list (see http/validation)
  | "INTERNAL_DETAIL" // 500 that the real server answers with a `detail` body (e.g. infra state not found)
  | "STORE_WRITE_FAILED" // 500: the store could not make a write durable (domain/store-failure.ts)
  | "NOT_IMPLEMENTED"; // 501: a route of a later issue

export class LaunchError extends Error {
  readonly code: ErrorCode;
  /** Extra data for the HTTP layer (e.g. the 422 items, the auth scheme). */
  readonly data: unknown;

  constructor(code: ErrorCode, message: string, data?: unknown) {
    super(message);
    this.name = "LaunchError";
    this.code = code;
    this.data = data;
  }
}

/**
 * A worker's HTTP 400 (§2.3): `message` is the task routes' detail (`Invalid request: …`); the LLM
 * routes answer with the worker's error itself (`upstream`, parsed JSON) or Python's `str()` of it.
 */
export class UpstreamBadRequest extends LaunchError {
  readonly upstream: unknown;
  readonly upstreamRepr: string;

  constructor(message: string, upstream: unknown, upstreamRepr: string) {
    super("BAD_REQUEST", message);
    this.upstream = upstream;
    this.upstreamRepr = upstreamRepr;
  }
}

export const badRequest = (message: string): LaunchError => new LaunchError("BAD_REQUEST", message);
export const notFound = (message: string): LaunchError => new LaunchError("NOT_FOUND", message);
/** No route has the path (FastAPI's 404 `Not Found`), or the route has it and not the method (405). */
export const routeNotFound = (): LaunchError => new LaunchError("ROUTE_NOT_FOUND", "Not Found");
export const methodNotAllowed = (): LaunchError => new LaunchError("METHOD_NOT_ALLOWED", "Method Not Allowed");
export const notImplemented = (what: string): LaunchError => new LaunchError("NOT_IMPLEMENTED", `${what} is not implemented by launch-local yet.`);

export function isLaunchError(value: unknown): value is LaunchError {
  return value instanceof LaunchError;
}

/** A failure inside launch-local itself (a bug or an environment problem), never a user error. */
export class SystemError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SystemError";
  }
}

/** A start-up configuration problem (a bad option, a busy port, no engine): the CLI prints it and exits 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}
