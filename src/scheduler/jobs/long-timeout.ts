import type { Clock } from "../../domain/clock.js";

/** Node fires a timer of more than 2^31-1 ms at once; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `clock.setTimeout` for any delay (a 7-day job deadline, a yearly cron). Returns a cancel function. */
export function longTimeout(clock: Clock, fn: () => void, ms: number): () => void {
  const due = clock.now() + ms;
  let cancel: () => void = () => undefined;
  const arm = () => {
    const remaining = due - clock.now();
    cancel = clock.setTimeout(remaining > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(remaining, 0), MAX_TIMER_MS));
  };
  arm();
  return () => cancel();
}
