import { type Clock, MAX_TIMER_MS } from "./clock.js";

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
