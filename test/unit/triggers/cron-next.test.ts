import { describe, expect, it } from "vitest";
import { parseCron } from "../../../src/domain/triggers/cron-expression.js";
import { nextFireTime } from "../../../src/domain/triggers/cron-next.js";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The next `count` firings after `from`. */
function firings(expression: string, from: string, count = 3): (string | null)[] {
  const schedule = parseCron(expression, () => 0);
  const out: (string | null)[] = [];
  let cursor = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextFireTime(schedule, cursor);
    out.push(iso(next));
    if (next === null) break;
    cursor = next;
  }
  return out;
}

describe("nextFireTime (UTC)", () => {
  it("fires strictly after the given time, on minute boundaries", () => {
    expect(firings("* * * * *", "2026-01-01T00:00:00Z")).toEqual(["2026-01-01T00:01:00.000Z", "2026-01-01T00:02:00.000Z", "2026-01-01T00:03:00.000Z"]);
    expect(firings("* * * * *", "2026-01-01T00:00:30.500Z", 1)).toEqual(["2026-01-01T00:01:00.000Z"]);
  });

  it("handles steps, ranges and lists across hour, day, month and year ends", () => {
    expect(firings("*/20 * * * *", "2026-01-01T00:45:00Z")).toEqual(["2026-01-01T01:00:00.000Z", "2026-01-01T01:20:00.000Z", "2026-01-01T01:40:00.000Z"]);
    expect(firings("30 9-17/4 * * *", "2026-01-01T17:30:00Z")).toEqual(["2026-01-02T09:30:00.000Z", "2026-01-02T13:30:00.000Z", "2026-01-02T17:30:00.000Z"]);
    expect(firings("0 0 1 jan,jul *", "2026-07-01T00:00:00Z")).toEqual(["2027-01-01T00:00:00.000Z", "2027-07-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z"]);
    expect(firings("0 0 1 1 *", "2026-12-31T23:59:59Z", 1)).toEqual(["2027-01-01T00:00:00.000Z"]);
  });

  it("uses weekday and month names", () => {
    // 2026-01-05 is a Monday.
    expect(firings("0 12 * * MON", "2026-01-01T00:00:00Z")).toEqual(["2026-01-05T12:00:00.000Z", "2026-01-12T12:00:00.000Z", "2026-01-19T12:00:00.000Z"]);
    expect(firings("0 0 * FEB sun", "2026-01-01T00:00:00Z", 2)).toEqual(["2026-02-01T00:00:00.000Z", "2026-02-08T00:00:00.000Z"]);
  });

  it("ORs a restricted day of month with a restricted day of week, as cron does", () => {
    // 13th of the month, or any Friday: Fri 2026-02-06, Fri 02-13 (both), Fri 02-20.
    expect(firings("0 0 13 * 5", "2026-02-01T00:00:00Z")).toEqual(["2026-02-06T00:00:00.000Z", "2026-02-13T00:00:00.000Z", "2026-02-20T00:00:00.000Z"]);
    // A star in either field means both must match: only Mondays.
    expect(firings("0 0 * * 1", "2026-01-01T00:00:00Z", 1)).toEqual(["2026-01-05T00:00:00.000Z"]);
    // `*/2` is not a star (robfig/cron): odd days OR Mondays.
    expect(firings("0 0 */2 * 1", "2026-01-01T00:00:00Z")).toEqual(["2026-01-03T00:00:00.000Z", "2026-01-05T00:00:00.000Z", "2026-01-07T00:00:00.000Z"]);
  });

  it("finds day 1 after a short month (croniter skips it; cron does not)", () => {
    expect(firings("0 10 */30 * *", "2024-02-28T12:00:00Z")).toEqual(["2024-03-01T10:00:00.000Z", "2024-03-31T10:00:00.000Z", "2024-04-01T10:00:00.000Z"]);
  });

  it("fires on leap days only in leap years, and never on impossible dates", () => {
    expect(firings("0 0 29 2 *", "2026-01-01T00:00:00Z", 2)).toEqual(["2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z"]);
    expect(firings("0 0 31 2 *", "2026-01-01T00:00:00Z", 1)).toEqual([null]);
  });

  it("supports L, n#k, Ln and a seconds field", () => {
    expect(firings("0 0 L * *", "2026-01-31T00:00:00Z")).toEqual(["2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z", "2026-04-30T00:00:00.000Z"]);
    // Second Friday: 2026-01-09, 02-13, 03-13.
    expect(firings("0 0 * * fri#2", "2026-01-01T00:00:00Z")).toEqual(["2026-01-09T00:00:00.000Z", "2026-02-13T00:00:00.000Z", "2026-03-13T00:00:00.000Z"]);
    // Last Sunday: 2026-01-25, 02-22, 03-29.
    expect(firings("0 0 * * L0", "2026-01-01T00:00:00Z")).toEqual(["2026-01-25T00:00:00.000Z", "2026-02-22T00:00:00.000Z", "2026-03-29T00:00:00.000Z"]);
    expect(firings("* * * * * */20", "2026-01-01T00:00:00Z")).toEqual(["2026-01-01T00:00:20.000Z", "2026-01-01T00:00:40.000Z", "2026-01-01T00:01:00.000Z"]);
  });
});
