import type { JobCaller } from "../domain/docker-batch/job-credentials.js";
import type { User } from "../domain/identity.js";

/** Per-request values set by the pipeline's steps (pipeline/steps.ts); pipeline/hono-steps.ts maps RequestScope onto them. */
export interface HttpEnv {
  Variables: {
    /** When the access-log step saw the request (ms; set by access-log.ts). */
    startedAt: number;
    /** The authenticated caller (set by auth.ts). */
    user: User;
    /** The caller's key is an admin key (--admin-keys; set by auth.ts). */
    isAdmin: boolean;
    /** Set when the caller is a job launch-local started, with what it may do (set by job-caller.ts). */
    jobCaller: JobCaller | undefined;
    /** The parsed JSON body (set by body.ts); undefined when the request had none. */
    body: unknown;
    /** The JSON body's bytes as received (set by body.ts), for forwarding without re-serialising. */
    rawBody: Uint8Array | undefined;
  };
}
