/**
 * When a cron schedule fires next, in UTC (the timezone of a Kubernetes CronJob controller by
 * default). The real server validates with croniter but Kubernetes fires the CronJob (robfig/cron),
 * so firing follows robfig/cron: when neither day field is a star, a day matches if the day of month
 * OR the day of week matches; when either is a star, both must (so `0 0 * * 1` is Mondays only).
 * The extensions croniter accepts and Kubernetes would refuse (`L`, `n#k`, `Ln`, a seconds field)
 * fire here by the same rules.
 */
import type { CronField, CronSchedule } from "./cron-expression.js";

const DAY_MS = 86_400_000;
/** Long enough for the rarest schedules (the 5th Monday of a February comes every 28 years). */
const DEFAULT_SEARCH_YEARS = 30;

const allows = (field: CronField, value: number): boolean => field === null || field.includes(value);

const daysInMonth = (year: number, monthIndex: number): number => new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();

function matchesDayOfWeek(schedule: CronSchedule, date: Date, lastDay: number): boolean {
  const weekday = date.getUTCDay();
  const day = date.getUTCDate();
  if (schedule.nthWeekdays.size > 0) {
    const wanted = schedule.nthWeekdays.get(weekday);
    if (!wanted) return false;
    return wanted.has(Math.ceil(day / 7)) || (wanted.has("last") && day + 7 > lastDay);
  }
  return allows(schedule.daysOfWeek, weekday);
}

export function matchesDay(schedule: CronSchedule, date: Date): boolean {
  if (!allows(schedule.months, date.getUTCMonth() + 1)) return false;
  const lastDay = daysInMonth(date.getUTCFullYear(), date.getUTCMonth());
  const domMatch = allows(schedule.daysOfMonth, date.getUTCDate()) || (schedule.isLastDayOfMonth && date.getUTCDate() === lastDay);
  const dowMatch = matchesDayOfWeek(schedule, date, lastDay);
  return schedule.isDayOfMonthStar || schedule.isDayOfWeekStar ? domMatch && dowMatch : domMatch || dowMatch;
}

/** The first value of `field` (0..max when null) that is ≥ `from`. */
function firstAtLeast(field: CronField, from: number, max: number): number | null {
  if (field === null) return from <= max ? from : null;
  return field.find((value) => value >= from) ?? null;
}

/** Earliest [hour, minute, second] of a day at or after the given time of day. */
function earliestTime(schedule: CronSchedule, hour: number, minute: number, second: number): [number, number, number] | null {
  for (let h = firstAtLeast(schedule.hours, hour, 23); h !== null; h = firstAtLeast(schedule.hours, h + 1, 23)) {
    const minuteFloor = h === hour ? minute : 0;
    for (let m = firstAtLeast(schedule.minutes, minuteFloor, 59); m !== null; m = firstAtLeast(schedule.minutes, m + 1, 59)) {
      const secondFloor = h === hour && m === minute ? second : 0;
      const s = firstAtLeast(schedule.seconds, secondFloor, 59);
      if (s !== null) return [h, m, s];
    }
  }
  return null;
}

/** The first firing strictly after `afterMs`, or null when none comes within the search window. */
export function nextFireTime(schedule: CronSchedule, afterMs: number, searchYears = DEFAULT_SEARCH_YEARS): number | null {
  const start = new Date((Math.floor(afterMs / 1000) + 1) * 1000);
  const firstDay = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  const days = Math.ceil(searchYears * 366);
  for (let offset = 0; offset <= days; offset++) {
    const dayStart = firstDay + offset * DAY_MS;
    if (!matchesDay(schedule, new Date(dayStart))) continue;
    const time = offset === 0 ? earliestTime(schedule, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()) : earliestTime(schedule, 0, 0, 0);
    if (time) return dayStart + ((time[0] * 60 + time[1]) * 60 + time[2]) * 1000;
  }
  return null;
}
