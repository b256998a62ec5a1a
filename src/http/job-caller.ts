import type { MiddlewareHandler } from "hono";
import { jobGrantAllows } from "../domain/docker-batch/job-grant.js";
import { type JobCredentials, isJobToken } from "../domain/docker-batch/job-credentials.js";
import { LaunchError } from "../domain/errors.js";
import { userFromName } from "../domain/identity.js";
import { parseAuthorization } from "./auth.js";
import type { HttpEnv } from "./context.js";
import { honoMiddleware } from "./pipeline/hono-steps.js";
import type { PipelineStep } from "./pipeline/step.js";

/** The credential in the header (Bearer token or Basic user name), or null when the header is not one auth.ts accepts. */
function credentialOf(header: string | undefined): string | null {
  try {
    return parseAuthorization(header, null);
  } catch {
    return null;
  }
}

/**
 * Authentication of the jobs launch-local starts (domain/docker-batch/job-credentials.ts), just
 * before auth.ts: a job token that verifies makes its job's owner the caller, for the calls its
 * grant allows only (403 otherwise); a forged or expired one is the contract's 401. It is accepted
 * whatever `--api-keys` says, since launch-local issued it. Other credentials go on to auth.ts.
 */
export function jobCallerStep(credentials: JobCredentials | undefined): PipelineStep {
  return {
    name: "job-caller",
    reach: "api-routes",
    before(scope) {
      if (credentials === undefined) return;
      const token = credentialOf(scope.header("authorization"));
      if (token === null || !isJobToken(token)) return;
      const caller = credentials.resolve(token);
      if (caller === null) throw new LaunchError("UNAUTHENTICATED", "Invalid authentication credentials", "Bearer");
      const call = { method: scope.method, path: scope.path, query: scope.queries(), body: scope.body };
      if (!jobGrantAllows(caller.grant, call)) {
        throw new LaunchError("FORBIDDEN", `The credentials of job ${caller.jobId} do not allow ${call.method} ${call.path}.`);
      }
      scope.user = userFromName(caller.owner);
      scope.isAdmin = false;
      scope.jobCaller = caller;
    },
  };
}

/** The step as a hono middleware, for sub-apps with their own authentication order (control-blobs.ts). */
export const jobCallerMiddleware = (credentials: JobCredentials | undefined): MiddlewareHandler<HttpEnv> => honoMiddleware(jobCallerStep(credentials));
