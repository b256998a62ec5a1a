/**
 * The sync/streaming gateway's retry policy (server-contract.md §2.3): attempts ≤ num_retries + 1 and
 * elapsed < timeout_seconds; waits grow exponentially (min 1 s, max 5 s, base 1.2). Waiting in the
 * queue for a worker stands in for the gateway's retries against a cold or busy endpoint, so that
 * wait is bounded by the time those retries would have taken (never past the timeout).
 */
import type { Clock } from "../domain/clock.js";
import type { ExhaustedReason } from "../domain/gateway-ports.js";
import type { PredictRequest } from "../domain/task.js";

export const DEFAULT_NUM_RETRIES = 8;

/** tenacity's wait_exponential(multiplier=1, min=1, max=5, exp_base=1.2) after attempt `n` (1-based). */
export function backoffMs(attemptNumber: number): number {
  return Math.min(5, Math.max(1, 1.2 ** (attemptNumber - 1))) * 1000;
}

/** From this retry on the wait is the 5 s maximum (1.2^9 > 5). */
const SATURATED_FROM = 10;

/** The wait before each of the first n retries added up, for n below SATURATED_FROM: every predict asks. */
const STEPWISE_WINDOW_MS = Array.from({ length: SATURATED_FROM }, (_, n) => {
  let total = 0;
  for (let attempt = 1; attempt <= n; attempt++) total += backoffMs(attempt);
  return total;
});

/**
 * Total time the gateway spends waiting between `numRetries` retries. num_retries has no upper bound
 * on the API, so the saturated tail is added in one step: a huge value must not stall the event loop.
 */
export function retryWindowMs(numRetries: number): number {
  const stepwise = Math.min(numRetries, SATURATED_FROM - 1);
  return (STEPWISE_WINDOW_MS[stepwise] ?? 0) + Math.max(0, numRetries - stepwise) * backoffMs(SATURATED_FROM);
}

export class RetryBudget {
  /** No worker slot after this time: give up. */
  readonly waitUntil: number;
  private readonly deadline: number;
  private readonly maxAttempts: number;
  private attempts = 0;
  private last: ExhaustedReason | null = null;

  constructor(
    private readonly clock: Clock,
    request: Pick<PredictRequest, "timeoutSeconds" | "numRetries">,
    defaultTimeoutSeconds: number,
  ) {
    const start = clock.now();
    const timeoutMs = (request.timeoutSeconds ?? defaultTimeoutSeconds) * 1000;
    const numRetries = request.numRetries ?? DEFAULT_NUM_RETRIES;
    this.deadline = start + timeoutMs;
    this.waitUntil = start + Math.min(timeoutMs, retryWindowMs(numRetries));
    this.maxAttempts = numRetries + 1;
  }

  /** One call is about to go to a worker. */
  countAttempt(): void {
    this.attempts++;
  }

  /** After a retryable failure: the wait before the next attempt, or null when retries are exhausted. */
  nextDelay(reason: ExhaustedReason): number | null {
    this.last = reason;
    if (this.attempts >= this.maxAttempts) return null;
    const delay = backoffMs(this.attempts);
    return this.clock.now() + delay >= this.deadline ? null : delay;
  }

  /** Why no attempt is left once no slot came: the last retryable answer, else busy (429) or cold (503). */
  exhaustedReason(hasWorkers: boolean): ExhaustedReason {
    return this.last ?? (hasWorkers ? 429 : 503);
  }
}
