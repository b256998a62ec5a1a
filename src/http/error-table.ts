import { type ErrorCode, type LaunchError, isLaunchError } from "../domain/errors.js";
import type { Logger } from "../domain/logger.js";
import { boundedIssues } from "./validation/bounded-issues.js";

/** The one mapping from domain error codes to what the real server sends (server-contract.md §0.2). */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  BODY_UNPARSEABLE: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  REQUEST_TIMEOUT: 408,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  VALIDATION: 422,
  INTERNAL_DETAIL: 500,
  STORE_WRITE_FAILED: 500,
  NOT_IMPLEMENTED: 501,
};

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function responseForLaunchError(error: LaunchError): ErrorResponse {
  const status = STATUS_BY_CODE[error.code];
  // The items echo request values: bounded, so a 422 is never many times the request (bounded-issues.ts).
  if (error.code === "VALIDATION") return { status, body: { detail: Array.isArray(error.data) ? boundedIssues(error.data) : error.data }, headers: {} };
  if (error.code === "UNAUTHENTICATED") {
    const scheme = typeof error.data === "string" ? error.data : "Bearer";
    return { status, body: { detail: error.message }, headers: { "WWW-Authenticate": scheme } };
  }
  // A `detail` may be a JSON object (upstream 400 on v2 routes); the domain passes it as data.
  return { status, body: { detail: error.data ?? error.message }, headers: {} };
}

/** "2026-11-22 01:02:03 PST": the real middleware's timestamp (US/Pacific). */
export function pacificTimestamp(ms: number): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hour12: false,
    timeZoneName: "short",
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const hour = get("hour") === "24" ? "00" : get("hour");
  return `${get("year")}-${get("month")}-${get("day")} ${hour}:${get("minute")}:${get("second")} ${get("timeZoneName")}`;
}

/** The 500 envelope for anything unexpected (§0.2). */
export function internalErrorBody(requestId: string, now: number): unknown {
  return {
    error: "Internal error occurred. Our team has been notified.",
    timestamp: pacificTimestamp(now),
    request_id: requestId,
  };
}

/** What answering an unexpected error needs: a request id to log it under, and the time. */
export interface ErrorAnswerDeps {
  logger: Logger;
  uuid(): string;
  now(): number;
}

/**
 * The answer to any error a route let through, for the app's `onError` and the fast lane alike: a
 * coded error maps through the table; anything else is logged with a request id and becomes the 500
 * envelope.
 */
export function answerForError(error: unknown, deps: ErrorAnswerDeps, method: string, path: string): ErrorResponse {
  if (isLaunchError(error)) return responseForLaunchError(error);
  const requestId = deps.uuid();
  deps.logger.error(`unhandled error ${method} ${path}`, {
    requestId,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return { status: 500, body: internalErrorBody(requestId, deps.now()), headers: {} };
}
