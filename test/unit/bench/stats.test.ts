import { describe, expect, it } from "vitest";
import { median, percentile, summarize, verdict } from "../../../scripts/bench/stats.mjs";

describe("bench statistics", () => {
  it("interpolates percentiles between the two closest ranks", () => {
    const sorted = [1, 2, 3, 4];
    expect(percentile(sorted, 0)).toBe(1);
    expect(percentile(sorted, 50)).toBe(2.5);
    expect(percentile(sorted, 100)).toBe(4);
    expect(percentile(sorted, 99)).toBeCloseTo(3.97, 10);
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it("summarises unsorted samples numerically, not as strings", () => {
    const summary = summarize([10, 9, 100, 1, 2]);
    expect(summary).toMatchObject({ count: 5, min: 1, p50: 9, max: 100, mean: 24.4 });
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it("judges a target as met, missed, or n/a without a value", () => {
    expect(verdict(1.1, "at-most", 1.15)).toBe("met");
    expect(verdict(1.2, "at-most", 1.15)).toBe("missed");
    expect(verdict(1500, "at-least", 1500)).toBe("met");
    expect(verdict(null, "at-least", 1500)).toBe("n/a");
    expect(verdict(Number.NaN, "at-most", 1)).toBe("n/a");
  });
});
