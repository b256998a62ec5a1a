/**
 * The ports around the trip to a worker (ARCHITECTURE.md "The trip to a worker"):
 * - `InferenceGateway`: what the domain asks of the gateway (src/gateway/): a predict, a stream, or,
 *   for the LLM routes, a raw JSON call or a raw stream at any worker path;
 * - `WorkerSlots` / `WorkerQueue` / `WorkerLease`: what the gateway asks of the scheduler: a slot on a
 *   ready worker of an endpoint, given back when the call is over;
 * - `WorkerClient` / `WorkerConnector`: the HTTP connection pool to one worker, which the gateway
 *   builds and the scheduler keeps with the worker (so a worker that exits fails its calls at once);
 * - `AsyncTaskRunner`: the gateway's half of an async task, which the scheduler calls when a slot
 *   takes the task.
 */
import type { BundleRecord } from "./bundle.js";
import type { EndpointRecord } from "./endpoint.js";
import type { AsyncTaskRecord, PredictRequest, PredictResponse } from "./task.js";

// ---------------------------------------------------------------------------------------------- worker HTTP

export interface WorkerReply {
  status: number;
  /** The body, decoded as UTF-8. */
  text: string;
}

/** An answer whose body is read as it arrives (a streaming route). */
export interface WorkerStream {
  readonly status: number;
  /** The body as UTF-8 text chunks, in order. */
  readonly text: AsyncIterable<string>;
  /** Whether the whole body arrived (false when the worker dropped it part way). */
  readonly isComplete: boolean;
  /** Stops reading and drops the connection; idempotent. */
  close(): void;
}

export interface WorkerClient {
  /** POSTs JSON and reads the whole answer. `timeoutMs` bounds the whole exchange (408 after it). */
  post(path: string, body: string | Uint8Array, timeoutMs: number | null): Promise<WorkerReply>;
  /** POSTs JSON and resolves once the answer's head arrived; `timeoutMs` bounds the wait for it. */
  openStream(path: string, body: string | Uint8Array, timeoutMs: number | null): Promise<WorkerStream>;
  /** Closes every connection; calls in flight fail as lost connections. */
  destroy(): void;
}

/**
 * The header every call to a worker launch-local started carries its token in (a random value per
 * worker, given in its environment; the Python worker and the LLM engine check it in constant time).
 * The worker's port is on loopback, where any user of the machine could otherwise call it.
 */
export const WORKER_TOKEN_HEADER = "x-launch-worker-token";

/** One ready worker, as the gateway's connection pool needs to know it. */
export interface WorkerAddress {
  endpointId: string;
  workerId: string;
  baseUrl: string;
  /** Sent in WORKER_TOKEN_HEADER on every call; null for a server that checks none (a runnable image's). */
  token: string | null;
  /** Calls it serves at once: the connections worth keeping warm. */
  slots: number;
  /** Hard-kills the worker, as a crash would (fault injection). */
  kill(): void;
}

/** Builds the client for a worker that just became ready (src/gateway/connect.ts). */
export type WorkerConnector = (worker: WorkerAddress) => WorkerClient;

// ---------------------------------------------------------------------------------------------- slots

/** A slot on one ready worker, held by one call until `release`. One object per worker, reused. */
export interface WorkerLease {
  readonly workerId: string;
  /** What the worker runs: its flavor decides the route and the body (§4.2). */
  readonly bundle: BundleRecord;
  /** The endpoint record the worker was rolled out with (its post-inference hooks, §4.5). */
  readonly endpoint: EndpointRecord;
  readonly client: WorkerClient;
  /** Gives the slot back (the call finished, whatever its outcome). */
  release(): void;
  /** The worker dropped a connection: it is killed and replaced (its slot is still released by the caller). */
  condemn(reason: string): void;
}

/** One endpoint's slots, looked up once per request. */
export interface WorkerQueue {
  /** Undeployed or disposed since it was looked up: nothing more will come from it. */
  readonly isClosed: boolean;
  /** A free slot now, when nobody is queued ahead; else null (nothing is queued). */
  tryAcquire(): WorkerLease | null;
  /** Waits in the endpoint's queue (a cold endpoint is woken, §5.2) until `until` (clock ms); null when none came. */
  acquire(until: number): Promise<WorkerLease | null>;
  /** Whether a ready worker serves the endpoint: tells busy (429) from cold (503) once waiting ran out. */
  hasServingWorker(): boolean;
  /**
   * The endpoint's status_reason when its workers cannot start (a crash loop made it UPDATE_FAILED)
   * and none is left to serve it: `acquire` then answers null at once. Else null.
   */
  startFailure(): string | null;
}

export interface WorkerSlots {
  /** The scheduler is shut down: no slot will ever come. */
  readonly isDisposed: boolean;
  queueOf(endpointId: string): WorkerQueue;
}

/** How an async task's trip ended: done (an outcome is recorded) or lost with its worker (redeliver it). */
export type AsyncTripEnd = "done" | "redeliver";

/** The gateway's half of an async task (src/gateway/async-trip.ts); the lease is released by it. */
export type AsyncTaskRunner = (task: AsyncTaskRecord, lease: WorkerLease) => Promise<AsyncTripEnd>;

// ---------------------------------------------------------------------------------------------- the gateway

/** A raw call to a worker route, for routes that speak the worker's own wire (the LLM engine's). */
export interface RawCall {
  /** The worker route, e.g. `/v1/completions`. */
  path: string;
  /** JSON text or bytes, sent as is. */
  body: string | Uint8Array;
  /** Overall wait (default: the instance's sync timeout) and retries of 429/503/lost connections (default 8). */
  timeoutSeconds: number | null;
  numRetries: number | null;
}

/** Why the gateway gave up: the last retryable answer, or no worker at all. */
export type ExhaustedReason = 429 | 503 | "connection" | "other";

/** The endpoint's workers cannot start (WorkerQueue.startFailure): its status_reason, answered at once. */
export type RefusedAnswer = { kind: "refused"; statusReason: string };
export type RawAnswer = { kind: "answer"; reply: WorkerReply } | { kind: "exhausted"; reason: ExhaustedReason } | RefusedAnswer;
export type RawStreamAnswer =
  { kind: "stream"; stream: WorkerStream } | { kind: "answer"; reply: WorkerReply } | { kind: "exhausted"; reason: ExhaustedReason } | RefusedAnswer;

export interface InferenceGateway {
  /**
   * Sync predict with the gateway's retry/timeout semantics (§2.3). `rawBody`, the request bytes as
   * received, is forwarded untouched to artifact workers when given (number literals such as `1.0`
   * survive, and nothing is re-serialised on the hot path).
   */
  predictSync(endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>, rawBody?: Uint8Array): Promise<PredictResponse>;
  /** Streaming predict; each item is one SSE event (§2.3, §4.6). */
  predictStream(endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>): AsyncIterable<PredictResponse>;
  /** A raw JSON POST under the same slot wait, faults and retry budget; the worker's answer as it came. */
  callRaw(endpoint: EndpointRecord, call: RawCall): Promise<RawAnswer>;
  /**
   * A raw streaming POST: retried like `callRaw` until a worker answers 200, whose body is then
   * handed over as it arrives (the slot is held until it ends or is closed); any other final answer
   * comes back whole.
   */
  streamRaw(endpoint: EndpointRecord, call: RawCall): Promise<RawStreamAnswer>;
}
