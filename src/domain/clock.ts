/** Injected time (STYLE.md §9): autoscaler ticks, cool-downs, timeouts and TTLs read this, never Date.now(). */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  setTimeout(fn: () => void, ms: number): () => void;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
  sleep: (ms) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref?.();
    }),
};

/** Node fires a timer of more than 2^31-1 ms at once (after 1 ms); longer waits take steps (long-timeout.ts). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A clock for unit tests: time moves only when `advance` is called. Like Node, it fires a timer longer than MAX_TIMER_MS after 1 ms. */
export class FakeClock implements Clock {
  private current: number;
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { at: this.current + (ms > MAX_TIMER_MS ? 1 : Math.max(0, ms)), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** How many timers are set to fire at `at` (ms): a test waits for one (a backoff) to be set before advancing past it. */
  timersDueAt(at: number): number {
    return this.timers.filter((timer) => Math.abs(timer.at - at) < 1).length;
  }

  /** Moves time forward, firing due timers in order (including timers they schedule). */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = next.at;
      next.fn();
      await Promise.resolve();
    }
    this.current = target;
    await Promise.resolve();
  }
}

/** ISO-8601 with microseconds and a trailing Z, as pydantic serialises tz-aware UTC datetimes (§0.1). */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
