/**
 * The one retry loop of the gateway (server-contract.md §2.3), for sync, streaming and raw calls:
 * take a slot on a ready worker (waiting in the endpoint's queue wakes a cold endpoint, §5.2), make
 * one attempt, give the slot back, and on a retryable outcome (429, 503, a lost connection) wait the
 * back-off and go again, while the retry budget (retry-budget.ts) lasts. Async tasks do not retry
 * here: a lost one is redelivered through the queue (async-trip.ts).
 */
import type { Clock } from "../domain/clock.js";
import type { ExhaustedReason, RefusedAnswer, WorkerLease, WorkerReply, WorkerSlots, WorkerStream } from "../domain/gateway-ports.js";
import type { PredictRequest } from "../domain/task.js";
import { RetryBudget } from "./retry-budget.js";
import { WorkerConnectionError } from "./worker-client.js";

/** aiohttp's default total timeout in the real gateway: one call hanging longer is a 408 (§2.3). */
export const SINGLE_CALL_TIMEOUT_MS = 300_000;

/** What one attempt came to: a final value, or a reason to try another worker. */
export type Attempt<T> = { kind: "done"; value: T; keepsLease?: boolean } | { kind: "retry"; reason: ExhaustedReason };

/**
 * How the whole trip ended: a value, no attempt left (the reason decides the FAILURE, §2.3), or
 * refused: the endpoint's workers cannot start, and its status_reason is the answer (README "Reliability").
 */
export type TripEnd<T> = { kind: "done"; value: T } | { kind: "exhausted"; reason: ExhaustedReason } | RefusedAnswer;

export interface TripDeps {
  slots: WorkerSlots;
  clock: Clock;
  /** The wait when the request names none (the real gateway's 10 s). */
  syncTimeoutSeconds: number;
}

/**
 * Runs `attempt` on worker slots until it is done or the budget is spent. The slot is released after
 * each attempt, unless a done attempt keeps it (a stream still being read: its reader releases it).
 */
export async function tripToWorker<T>(
  deps: TripDeps,
  endpointId: string,
  limits: Pick<PredictRequest, "timeoutSeconds" | "numRetries">,
  attempt: (lease: WorkerLease) => Promise<Attempt<T>>,
): Promise<TripEnd<T>> {
  const { slots, clock } = deps;
  if (slots.isDisposed) return { kind: "exhausted", reason: 503 };
  const queue = slots.queueOf(endpointId);
  const budget = new RetryBudget(clock, limits, deps.syncTimeoutSeconds);
  // Workers stopped under the request by undeploy or dispose: nothing will come back.
  const isGone = (): boolean => slots.isDisposed || queue.isClosed;
  for (;;) {
    const lease = queue.tryAcquire() ?? (await queue.acquire(budget.waitUntil));
    if (lease === null) {
      const statusReason = queue.startFailure();
      if (statusReason !== null) return { kind: "refused", statusReason };
      return { kind: "exhausted", reason: budget.exhaustedReason(queue.hasServingWorker()) };
    }
    budget.countAttempt();
    let outcome: Attempt<T>;
    try {
      outcome = await attempt(lease);
    } catch (error) {
      lease.release();
      throw error;
    }
    if (outcome.kind === "done") {
      if (outcome.keepsLease !== true) lease.release();
      return outcome;
    }
    lease.release();
    if (isGone()) return { kind: "exhausted", reason: 503 };
    const delay = budget.nextDelay(outcome.reason);
    if (delay === null) return { kind: "exhausted", reason: outcome.reason };
    await clock.sleep(delay);
    if (isGone()) return { kind: "exhausted", reason: 503 };
  }
}

/**
 * One POST on the lease's worker; a dropped connection condemns the worker and reads as "connection".
 * `timeoutMs` null: no limit (an async task may run as long as it takes).
 */
export function postTo(
  lease: WorkerLease,
  path: string,
  body: string | Uint8Array,
  timeoutMs: number | null = SINGLE_CALL_TIMEOUT_MS,
): Promise<WorkerReply | "connection"> {
  return condemningOnLoss(lease, lease.client.post(path, body, timeoutMs));
}

/** postTo for a streaming route: resolves once the answer's head is in. */
export function openStreamTo(lease: WorkerLease, path: string, body: string | Uint8Array): Promise<WorkerStream | "connection"> {
  return condemningOnLoss(lease, lease.client.openStream(path, body, SINGLE_CALL_TIMEOUT_MS));
}

async function condemningOnLoss<T>(lease: WorkerLease, call: Promise<T>): Promise<T | "connection"> {
  try {
    return await call;
  } catch (error) {
    if (!(error instanceof WorkerConnectionError)) throw error;
    lease.condemn(error.message);
    return "connection";
  }
}

/** The whole body of a stream, for an answer that is not a stream after all (a non-200). */
export async function readAll(stream: WorkerStream): Promise<string> {
  let text = "";
  for await (const chunk of stream.text) text += chunk;
  return text;
}
