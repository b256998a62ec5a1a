import { describe, expect, it } from "vitest";
import { isLaunchError } from "../../../src/domain/errors.js";
import { validateCron } from "../../../src/domain/triggers/cron-validation.js";

const PREFIX = "The user specified an invalid value for cron_schedule: ";

function detail(cron: string): string | null {
  try {
    validateCron(cron);
    return null;
  } catch (error) {
    if (isLaunchError(error) && error.code === "BAD_REQUEST") return error.message.slice(PREFIX.length);
    throw error;
  }
}

describe("validateCron (§2.6)", () => {
  it("accepts the seven macros, exactly as written", () => {
    for (const macro of ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]) expect(detail(macro)).toBeNull();
    expect(validateCron("@hourly").minutes).toEqual([0]);
    expect(validateCron("@weekly").daysOfWeek).toEqual([0]);
  });

  it("refuses other macros, case variants included", () => {
    const list = "{'@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'}";
    expect(detail("@reboot")).toBe(`Unsupported macro supplied: '@reboot'. Please select from the following list, ${list}.`);
    expect(detail("@HOURLY")).toBe(`Unsupported macro supplied: '@HOURLY'. Please select from the following list, ${list}.`);
  });

  it("reports empty and invalid expressions with the real messages", () => {
    expect(detail("")).toBe("Cron expression cannot be empty.");
    expect(detail(" @hourly")).toBe("Invalid Cron syntax: ' @hourly'. Please see https://crontab.guru.");
    expect(detail("* * * *")).toBe("Invalid Cron syntax: '* * * *'. Please see https://crontab.guru.");
    expect(detail("constructor")).toBe("Invalid Cron syntax: 'constructor'. Please see https://crontab.guru.");
    expect(detail("*/5 * * * *")).toBeNull();
  });
});
