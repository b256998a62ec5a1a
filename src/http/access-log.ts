import type { Logger } from "../domain/logger.js";
import type { PipelineStep } from "./pipeline/step.js";

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

/** The access log as the pipeline's outermost step (pipeline/steps.ts): the line once the answer is known. */
export function accessLogStep(log: AccessLog, now: () => number): PipelineStep {
  return {
    name: "access-log",
    reach: "every-request",
    before(scope) {
      scope.startedAt = now();
    },
    after(scope, status) {
      log(scope.method, scope.path, status, scope.startedAt);
    },
  };
}
