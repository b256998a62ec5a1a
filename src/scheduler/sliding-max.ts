/**
 * The maximum of the samples taken within the last `windowMs` (a monotonic deque). The autoscaler
 * scales to the largest wanted count seen over the cool-down, so scale-up is immediate and scale-down
 * waits until the wanted count has stayed lower for the whole window (server-contract.md §5.1).
 */
export class SlidingMax {
  private samples: { at: number; value: number }[] = [];

  constructor(private readonly windowMs: number) {}

  /** Records `value` at `at` and returns the maximum over (at - windowMs, at]. */
  record(at: number, value: number): number {
    while (this.samples.length > 0 && (this.samples[this.samples.length - 1]?.value ?? Infinity) <= value) this.samples.pop();
    this.samples.push({ at, value });
    let firstKept = 0;
    while (firstKept < this.samples.length - 1 && (this.samples[firstKept]?.at ?? at) <= at - this.windowMs) firstKept++;
    if (firstKept > 0) this.samples.splice(0, firstKept);
    return this.samples[0]?.value ?? value;
  }

  /** Forgets the history (a forced scale decision, a new deployment). */
  reset(): void {
    this.samples = [];
  }
}
