import { describe, expect, it } from "vitest";
import { CronSyntaxError, parseCron } from "../../../src/domain/triggers/cron-expression.js";

/** croniter 1.4.1's `is_valid` for each expression (checked against croniter itself). */
const VALIDITY: [string, boolean][] = [
  ["* * * * *", true],
  ["*/5 * * * *", true],
  ["0 0 * * 7", true],
  ["0 0 * * 8", false],
  ["60 * * * *", false],
  ["0 24 * * *", false],
  ["0 0 0 * *", false],
  ["0 0 32 * *", false],
  ["0 0 * 0 *", false],
  ["0 0 * 13 *", false],
  ["0 0 * JAN MON", true],
  ["0 0 * jan-mar mon-fri", true],
  ["0 0 * FEB-JAN *", false],
  ["5-1 * * * *", false],
  ["0 22-2 * * *", false],
  ["*/0 * * * *", false],
  ["5/15 * * * *", true],
  ["*/100 * * * *", true],
  ["* * * *", false],
  ["* * * * * *", true],
  ["* * * * * 60", false],
  ["* * * * * * *", false],
  ["0 0 L * *", true],
  ["0 0 1-L * *", true],
  ["0 0 L-1 * *", false],
  ["0 0 * * 5L", false],
  ["0 0 * * L5", true],
  ["0 0 * * 5#2", true],
  ["0 0 * * 5#6", false],
  ["0 0 * * 5#0", false],
  ["0 0 * * mon#1,fri#2", true],
  ["0 0 * * mon#1,fri", false],
  ["0 0 * * mon-fri#2", true],
  ["0 0 ? * *", false],
  ["H * * * *", false],
  ["R * * * *", true],
  ["R(0-10) * * * *", true],
  ["R(10-0) * * * *", false],
  ["0 0 1W * *", false],
  ["1,2,3 * * * *", true],
  ["1,,2 * * * *", false],
  ["a * * * *", false],
  ["0 0 * * SUNDAY", false],
  ["0 0 * * 5-0", true],
  ["0 0 * * 7-0", true],
  ["-1 * * * *", false],
  ["1- * * * *", false],
  ["+1 * * * *", false],
  ["1.5 * * * *", false],
  ["001 * * * *", true],
  ["0 0 * * 08", false],
  ["1-5-7 * * * *", false],
  ["1/2/3 * * * *", false],
  ["*/2-3 * * * *", false],
  [" *  *\t* * *\n", true],
  ["0 0 0 * * *", true],
];

describe("parseCron: croniter 1.4.1 validity", () => {
  it.each(VALIDITY)("%j valid=%s", (expression, isValid) => {
    const parse = () => parseCron(expression, () => 0.5);
    if (isValid) expect(parse).not.toThrow();
    else expect(parse).toThrow(CronSyntaxError);
  });
});

describe("parseCron: expansion", () => {
  it("expands ranges, steps, lists and names", () => {
    const schedule = parseCron("0,30 9-17/4 */10 jan,JUL mon-fri");
    expect(schedule.minutes).toEqual([0, 30]);
    expect(schedule.hours).toEqual([9, 13, 17]);
    expect(schedule.daysOfMonth).toEqual([1, 11, 21, 31]);
    expect(schedule.months).toEqual([1, 7]);
    expect(schedule.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(schedule.seconds).toEqual([0]);
  });

  it("reads `a/n` as `a-max/n` and a full range as every value", () => {
    const schedule = parseCron("50/5 0-23 1-31 1-12 0-6");
    expect(schedule.minutes).toEqual([50, 55]);
    expect([schedule.hours, schedule.daysOfMonth, schedule.months, schedule.daysOfWeek]).toEqual([null, null, null, null]);
    // Every value, but not written as a star: the day fields are ORed (robfig/cron).
    expect([schedule.isDayOfMonthStar, schedule.isDayOfWeekStar]).toEqual([false, false]);
    expect(parseCron("* * * * *").isDayOfWeekStar).toBe(true);
    expect(parseCron("* * */1 * 1").isDayOfMonthStar).toBe(true);
    expect(parseCron("* * */2 * 1").isDayOfMonthStar).toBe(false);
  });

  it("maps weekday 7 and `-Sun` ranges to Sunday", () => {
    expect(parseCron("0 0 * * 7").daysOfWeek).toEqual([0]);
    expect(parseCron("0 0 * * fri-sun").daysOfWeek).toEqual([0, 5, 6]);
  });

  it("keeps L, n#k and Ln", () => {
    expect(parseCron("0 0 L * *")).toMatchObject({ daysOfMonth: [], isLastDayOfMonth: true });
    expect(parseCron("0 0 1,L * *")).toMatchObject({ daysOfMonth: [1], isLastDayOfMonth: true });
    const nth = parseCron("0 0 * * mon#1,fri#2");
    expect(nth.nthWeekdays).toEqual(
      new Map([
        [1, new Set([1])],
        [5, new Set([2])],
      ]),
    );
    expect(parseCron("0 0 * * L5").nthWeekdays).toEqual(new Map([[5, new Set(["last"])]]));
  });

  it("reads a sixth field as seconds", () => {
    expect(parseCron("* * * * * */20").seconds).toEqual([0, 20, 40]);
  });

  it("draws R values from the injected random source, within the field", () => {
    expect(parseCron("R * * * *", () => 0).minutes).toEqual([0]);
    expect(parseCron("0 R * * *", () => 0.999999).hours?.[0]).toBeLessThanOrEqual(23);
    expect(parseCron("R/15 * * * *", () => 0).minutes).toEqual([0, 15, 30, 45]);
  });
});
