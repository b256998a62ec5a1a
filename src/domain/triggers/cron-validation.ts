/**
 * `validate_cron` of the real trigger use cases (server-contract.md §2.6), with its messages. The
 * route prefixes them with "The user specified an invalid value for cron_schedule: ".
 */
import { badRequest } from "../errors.js";
import { type CronSchedule, CronSyntaxError, parseCron } from "./cron-expression.js";

/** croniter's aliases for the allowed macros (all fire at second 0, UTC). */
const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

/**
 * The allowed set as Python prints it. The real server prints a `set`, whose order varies between
 * server processes (string hashing is randomised); this is the order the source declares.
 */
const ALLOWED_MACROS_TEXT = `{${Object.keys(MACROS)
  .map((macro) => `'${macro}'`)
  .join(", ")}}`;

const invalid = (reason: string) => badRequest(`The user specified an invalid value for cron_schedule: ${reason}`);

/** Throws the route's 400 for a schedule the real server refuses; returns the parsed schedule. */
export function validateCron(cron: string, random?: () => number): CronSchedule {
  if (cron.length === 0) throw invalid("Cron expression cannot be empty.");
  // Macros are matched exactly (case-sensitive, no surrounding spaces), as the real set lookup is.
  const macro = Object.hasOwn(MACROS, cron) ? MACROS[cron] : undefined;
  if (macro !== undefined) return parseCron(macro);
  if (cron.startsWith("@")) {
    throw invalid(`Unsupported macro supplied: '${cron}'. Please select from the following list, ${ALLOWED_MACROS_TEXT}.`);
  }
  try {
    return parseCron(cron, random);
  } catch (error) {
    if (error instanceof CronSyntaxError) throw invalid(`Invalid Cron syntax: '${cron}'. Please see https://crontab.guru.`);
    throw error;
  }
}

/** A stored schedule (already validated once) for the scheduler; null if it no longer parses. */
export function scheduleOf(cron: string): CronSchedule | null {
  try {
    return validateCron(cron);
  } catch {
    return null;
  }
}
