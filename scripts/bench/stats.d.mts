/** Types of stats.mjs, for the TypeScript unit tests (test/unit/bench). */
export interface Summary {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
export type Verdict = "met" | "missed" | "n/a";
export function percentile(sorted: ArrayLike<number>, p: number): number;
export function summarize(samples: Iterable<number> | ArrayLike<number>): Summary;
export function median(values: Iterable<number> | ArrayLike<number>): number;
export function verdict(value: number | null | undefined, kind: "at-most" | "at-least", limit: number): Verdict;
