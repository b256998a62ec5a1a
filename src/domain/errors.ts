/**
 * Coded errors. The domain throws these; `src/http/error-table.ts` maps each code to the HTTP status
 * the real server sends (server-contract.md §0.2). The message is the exact `detail` text.
 */
export type ErrorCode =
  | "BAD_REQUEST" // 400 with a domain message (validation rules of §2.2, §2.6 …)
  | "NOT_FOUND" // 404: missing objects and other users' objects alike (§0.4)
  | "FORBIDDEN" // 403
  | "UNAUTHENTICATED" // 401 (message + WWW-Authenticate scheme)
  | "VALIDATION" // 422 pydantic-style list (see http/validation)
  | "PAYLOAD_TOO_LARGE" // 413
  | "REQUEST_TIMEOUT" // 408
  | "GONE" // 410
  | "UNAVAILABLE" // 503 with a detail message
  | "INTERNAL_DETAIL" // 500 that the real server answers with a `detail` body (e.g. infra state not found)
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
export const notImplemented = (what: string): LaunchError =>
  new LaunchError("NOT_IMPLEMENTED", `${what} is not implemented by launch-local yet.`);

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
