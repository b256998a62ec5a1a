import { describe, expect, it } from "vitest";
import { runLoad } from "../../../scripts/load/load-run.mjs";

/**
 * The short variant of `npm run load` (scripts/load): 50 clients for 5 s against a sync and an async
 * echo endpoint with real Python workers. Only the documented back-pressure may appear besides
 * successes, and the server's memory settles within its bound.
 */
describe("load, short", () => {
  it("serves 50 concurrent clients for 5 s with no errors and flat memory", async () => {
    const report = await runLoad({ clients: 50, durationMs: 5000, warmupMs: 1000, settleMs: 2000 });
    expect(report.errors, report.serverStderr).toEqual({});
    expect(report.sync.completed).toBeGreaterThan(0);
    expect(report.async.completed).toBeGreaterThan(0);
    expect(report.rssMiB.isFlat, JSON.stringify(report.rssMiB)).toBe(true);
  }, 120_000);
});
