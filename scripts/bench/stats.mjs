/**
 * Pure numbers of the bench: percentiles and summaries of latency samples, and the target verdicts.
 * No I/O here, so the unit tests (test/unit/bench) cover it on its own.
 */

/**
 * The p-th percentile (0..100) of ascending `sorted` samples, by linear interpolation between the
 * two closest ranks (numpy's default), so p50 of an even count is the mean of the middle pair.
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0];
  if (p >= 100) return sorted[sorted.length - 1];
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low];
  const highValue = sorted[high];
  return lowValue + (highValue - lowValue) * (rank - low);
}

/** count, min, p50, p90, p99, max and mean of unsorted samples (the input is not modified). */
export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    min: sorted.length === 0 ? Number.NaN : sorted[0],
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1],
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  };
}

/** The median of a few repeated measurements (start-up, cold start). */
export function median(values) {
  return percentile(Float64Array.from(values).sort(), 50);
}

/**
 * A target verdict: "met" when `value` is on the right side of `limit` (`at-most` or `at-least`),
 * "missed" otherwise, "n/a" when there is no value (the row could not run).
 */
export function verdict(value, kind, limit) {
  if (value === null || value === undefined || Number.isNaN(value)) return "n/a";
  return (kind === "at-most" ? value <= limit : value >= limit) ? "met" : "missed";
}
