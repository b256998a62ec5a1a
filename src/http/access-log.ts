import type { Logger } from "../domain/logger.js";

/** One line per answered request, at debug level: method, path (never the query), status, time. */
export type AccessLog = (method: string, path: string, status: number, startedAtMs: number) => void;

/**
 * Null unless debug entries are written, so the request paths pay nothing for it otherwise. The
 * query is left out on purpose: signed blob URLs carry their signature there.
 */
export function createAccessLog(logger: Logger, now: () => number): AccessLog | null {
  if (!logger.isDebug) return null;
  return (method, path, status, startedAtMs) => {
    const ms = Math.round((now() - startedAtMs) * 10) / 10;
    logger.debug(`${method} ${path} ${status} ${ms} ms`, { method, path, status, duration_ms: ms });
  };
}
