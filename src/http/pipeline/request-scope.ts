import type { JobCaller } from "../../domain/docker-batch/job-credentials.js";
import type { User } from "../../domain/identity.js";

/**
 * One request as the pipeline's steps and the door routes see it, whichever front door it came in
 * by (ARCHITECTURE.md "Front doors"): hono's context (hono-steps.ts) or the fast lane's bytes
 * (fast-lane/task-lane.ts). The doors frame bytes differently; everything decided is decided here.
 */
export interface RequestScope {
  readonly method: string;
  /** The routed path (routed-path.ts), without the query. */
  readonly path: string;
  /** A field as `Headers.get` gives it (a repeated field's values joined with ", "); `name` in lower case. */
  header(name: string): string | undefined;
  /** A query parameter's first value, decoded as hono's `c.req.query(name)` decodes it. */
  query(name: string): string | undefined;
  /** Every query parameter (the first value of each), as hono's `c.req.query()`. */
  queries(): Record<string, string>;
  /** A path parameter of the matched route, decoded. */
  param(name: string): string | undefined;
  /** The body's bytes; never holds more than `limit` of them (PAYLOAD_TOO_LARGE past it). */
  readBody(limit: number): Uint8Array | Promise<Uint8Array>;

  // Set by the steps (steps.ts), in the pipeline's order.
  /** When the access-log step saw the request (ms, the instance's clock). */
  startedAt: number;
  /** The parsed JSON body; undefined when the request had none (json-body). */
  body: unknown;
  /** The JSON body's bytes as received, for forwarding without re-serialising (json-body). */
  rawBody: Uint8Array | undefined;
  /** The authenticated caller (job-caller or auth). */
  user: User | undefined;
  /** The caller's key is an admin key (--admin-keys; auth). */
  isAdmin: boolean;
  /** Set when the caller is a job launch-local started, with what it may do (job-caller). */
  jobCaller: JobCaller | undefined;
}

/** What a door route answers: the door adds only its framing (Content-Length, Date, Connection). */
export interface Answer {
  status: number;
  /** Fields beyond Content-Type (always application/json) and the door's framing. */
  headers: Record<string, string>;
  body: string;
}

export const jsonAnswer = (value: unknown, status = 200, headers: Record<string, string> = {}): Answer => ({
  status,
  headers,
  body: JSON.stringify(value),
});
