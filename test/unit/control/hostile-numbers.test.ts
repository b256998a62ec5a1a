import { describe, expect, it } from "vitest";
import { wantedWorkers } from "../../../src/scheduler/autoscaler.js";
import { backoffMs, retryWindowMs } from "../../../src/gateway/retry-budget.js";

/** Numbers the API accepts without an upper bound must not make the scheduler loop or spawn without end. */
describe("unbounded numbers from requests", () => {
  it("caps the wanted workers at the 250 an endpoint may have, whatever min_workers says (§5.3)", () => {
    expect(wantedWorkers(0, { minWorkers: 2 ** 31, maxWorkers: 1, perWorker: 1 })).toBe(250);
    expect(wantedWorkers(10 ** 9, { minWorkers: 0, maxWorkers: 250, perWorker: 1 })).toBe(250);
    expect(wantedWorkers(3, { minWorkers: 5, maxWorkers: 2, perWorker: 1 })).toBe(5);
  });

  it("sums the retry window in constant time for any num_retries, with the same result", () => {
    const loop = (n: number): number => {
      let total = 0;
      for (let i = 1; i <= n; i++) total += backoffMs(i);
      return total;
    };
    for (const n of [0, 1, 8, 9, 10, 11, 50]) expect(retryWindowMs(n)).toBeCloseTo(loop(n), 6);
    // A loop over 10^15 retries would never return: the test's own timeout is the check, no clock.
    expect(retryWindowMs(10 ** 15)).toBeGreaterThan(10 ** 15);
  });
});
