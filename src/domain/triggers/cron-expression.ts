/**
 * Cron expressions as the real server accepts them (server-contract.md §2.6): `croniter.is_valid`
 * of croniter 1.4.1 (model-engine's pin), re-implemented without a dependency. The rules follow
 * croniter's `_expand`: 5 fields (minute hour day-of-month month day-of-week) or 6 (plus seconds at
 * the end); `*`, `a-b`, `a-b/n`, `*\/n`, `a/n`, lists; month and weekday names (case-insensitive);
 * weekday 7 = Sunday and `5-0` = Friday..Sunday; `L` (last day) in the day of month; `n#k` (k-th
 * weekday, 1..5) and `Ln` (last weekday n) in the day of week; `R`/`R(a-b)`/`R/n` random values.
 * `H` (hashed) needs a hash id that validation never passes, so it is invalid, as in croniter.
 */

export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CronSyntaxError";
  }
}

/** One expanded field, ascending: null means every value (croniter's `['*']`). */
export type CronField = readonly number[] | null;

export interface CronSchedule {
  /** `[0]` for 5-field expressions. */
  seconds: CronField;
  minutes: CronField;
  hours: CronField;
  daysOfMonth: CronField;
  /** `L` in the day-of-month field. */
  isLastDayOfMonth: boolean;
  months: CronField;
  /** 0 = Sunday .. 6 = Saturday. */
  daysOfWeek: CronField;
  /**
   * Whether the day fields were written as a star (`*`, `*\/1`, or a list holding one). Kubernetes
   * (robfig/cron) ORs the two day fields unless one of them is a star; `1-31` is not a star.
   */
  isDayOfMonthStar: boolean;
  isDayOfWeekStar: boolean;
  /** Weekday → the k-th occurrences (1..5) or "last" ("L"), from `n#k` / `Ln`. */
  nthWeekdays: ReadonlyMap<number, ReadonlySet<number | "last">>;
}

// minute, hour, day of month, month, day of week, second.
const RANGES: readonly (readonly [number, number])[] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
  [0, 59],
];
const LEN_MEANS_ALL = [60, 24, 31, 12, 7, 60];
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const WEEKDAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const ALPHAS: readonly Record<string, number | "l">[] = [{}, {}, { l: "l" }, MONTHS, WEEKDAYS, {}];

const DAY_NAMES = Object.keys(WEEKDAYS).join("|");
const MONTH_NAMES = Object.keys(MONTHS).join("|");
const STEP_SEARCH = /^([^-]+)-([^-/]+)(\/(\d+))?$/;
const ONLY_INT = /^\d+$/;
const STAR_OR_INT = /^(\d+|\*)$/;
const SPECIAL_DOW = new RegExp(`^(?<pre>((?<he>((${DAY_NAMES})(-(${DAY_NAMES}))?)|((${MONTH_NAMES})(-(${MONTH_NAMES}))?)|\\w+)#)|l)(?<last>\\d+)$`);
const HASH_EXPRESSION = /^(?<type>h|r)(\((?<begin>\d+)-(?<end>\d+)\))?(\/(?<divisor>\d+))?$/;

type Token = number | "*" | "l";

const bad = (expression: string): CronSyntaxError => new CronSyntaxError(`[${expression}] is not acceptable`);

/** Python's `str.split()`: runs of whitespace, no empty items. */
const splitFields = (text: string): string[] => text.split(/\s+/).filter((part) => part !== "");

function alpha(index: number, key: string, expression: string): number | "l" {
  const value = ALPHAS[index]?.[key];
  if (value === undefined) throw bad(expression);
  return value;
}

/** croniter's HashExpander for `R` (random); `H` needs a hash id, which validation never has. */
function expandRandom(index: number, field: string, random: () => number, expression: string): string {
  const match = HASH_EXPRESSION.exec(field)?.groups;
  if (!match) return field;
  if (match.type === "h") throw new CronSyntaxError("Hashed definitions must include hash_id");
  const [low, high] = RANGES[index] ?? [0, 0];
  const isHourOrMinute = index === 0 || index === 1;
  const pick = (end: number | null, begin: number | null): number => {
    const rangeEnd = end ?? (isHourOrMinute ? high + 1 : high);
    const rangeBegin = begin ?? low;
    const crc = Math.floor(random() * 0x100000000);
    const span = isHourOrMinute ? rangeEnd - rangeBegin : rangeEnd - rangeBegin + 1;
    if (span <= 0) throw bad(expression);
    return (Math.floor(crc / 2 ** index) % span) + rangeBegin;
  };
  const begin = match.begin === undefined ? null : Number(match.begin);
  const end = match.end === undefined ? null : Number(match.end);
  const divisor = match.divisor === undefined ? null : Number(match.divisor);
  if (begin !== null && end !== null && begin >= end) throw new CronSyntaxError("Range end must be greater than range begin");
  if (divisor === 0) throw new CronSyntaxError(`Bad expression: ${field}`);
  if (begin !== null && end !== null && divisor !== null) return `${pick(divisor, null) + begin}-${end}/${divisor}`;
  if (begin !== null && end !== null) return String(pick(end, begin));
  if (divisor !== null) return `${pick(divisor, null)}-${high}/${divisor}`;
  return String(pick(null, null));
}

/** Parses and expands an expression; throws CronSyntaxError where croniter.is_valid is false. */
export function parseCron(expression: string, random: () => number = Math.random): CronSchedule {
  const fields = splitFields(expression.toLowerCase());
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CronSyntaxError("Exactly 5 or 6 columns has to be specified for iterator expression.");
  }
  const expanded: Token[][] = [];
  const nth = new Map<number, Set<number | "last">>();
  fields.forEach((raw, index) => {
    const [low, high] = RANGES[index] ?? [0, 0];
    const pending: (string | number)[] = expandRandom(index, raw, random, expression).split(",");
    const values = new Set<Token>();
    while (pending.length > 0) {
      let element = String(pending.pop());
      let occurrence: number | "last" | null = null;
      if (index === 4) {
        const special = SPECIAL_DOW.exec(element)?.groups;
        if (special?.he) {
          element = special.he;
          occurrence = Number(special.last);
          if (!(occurrence >= 1 && occurrence <= 5)) throw bad(expression);
        } else if (special?.last) {
          element = special.last;
          occurrence = "last";
        }
      }
      let normalized = element.replace(/^\*(\/.+)$/, `${low}-${high}$1`);
      let range = STEP_SEARCH.exec(normalized);
      if (!range) {
        normalized = element.replace(/^(.+)\/(.+)$/, `$1-${high}/$2`);
        range = STEP_SEARCH.exec(normalized);
      }
      if (range) {
        let from = range[1] ?? "";
        let to = index === 2 && range[2] === "l" ? "31" : (range[2] ?? "");
        const step = range[4] ?? "1";
        if (!ONLY_INT.test(from)) from = String(alpha(index, from, expression));
        if (!ONLY_INT.test(to)) to = String(alpha(index, to, expression));
        if (!ONLY_INT.test(from) || !ONLY_INT.test(to)) throw bad(expression);
        if (Number(from) > Number(to)) {
          // "-Sun" notation: FRI-SUN is 5-0, read as 5-7.
          if (index === 4 && to === "0") to = "7";
          else throw bad(expression);
        }
        const [first, last, stride] = [Number(from), Number(to), Number(step)];
        if (Math.max(first, last) > high) throw new CronSyntaxError(`${expression} is out of bands`);
        if (stride === 0) throw new CronSyntaxError("invalid range: range() arg 3 must not be zero");
        for (let value = first; value <= last; value += stride) {
          pending.push(index === 4 && typeof occurrence === "number" ? `${value}#${occurrence}` : value);
        }
        continue;
      }
      if (normalized.startsWith("-")) throw bad(expression);
      let token: Token;
      if (STAR_OR_INT.test(normalized)) token = normalized === "*" ? "*" : Number(normalized);
      else token = alpha(index, normalized, expression);
      // croniter's LOWMAP: weekday 7 → 0 (5 fields only); day of month 0 → 1 (6 fields only).
      if (token === 7 && index === 4 && fields.length === 5) token = 0;
      if (token === 0 && index === 2 && fields.length === 6) token = 1;
      if (typeof token === "number" && (token < low || token > high)) throw bad(expression);
      values.add(token);
      if (index === 4 && occurrence !== null && typeof token === "number") {
        const set = nth.get(token) ?? new Set<number | "last">();
        set.add(occurrence);
        nth.set(token, set);
      }
    }
    expanded.push(values.size === LEN_MEANS_ALL[index] ? ["*"] : [...values]);
  });
  if (nth.size > 0 && (expanded[4] ?? []).some((token) => token !== "*" && (typeof token !== "number" || !nth.has(token)))) {
    throw new CronSyntaxError("day-of-week field does not support mixing literal values and nth day of week syntax.");
  }
  return toSchedule(expanded, nth, fields);
}

const isStarField = (field: string | undefined): boolean => (field ?? "*").split(",").some((part) => part === "*" || part === "*/1");

function toSchedule(expanded: Token[][], nth: Map<number, Set<number | "last">>, fields: string[]): CronSchedule {
  const field = (index: number): CronField => {
    const tokens = expanded[index];
    if (tokens === undefined) return null;
    if (tokens.includes("*")) return null;
    return tokens.filter((token): token is number => typeof token === "number").sort((a, b) => a - b);
  };
  // A 6-field day of week may keep 7 (croniter maps it only for 5 fields); both mean Sunday.
  const daysOfWeek = field(4);
  return {
    seconds: expanded.length === 6 ? field(5) : [0],
    minutes: field(0),
    hours: field(1),
    daysOfMonth: field(2),
    isLastDayOfMonth: (expanded[2] ?? []).includes("l"),
    months: field(3),
    daysOfWeek: daysOfWeek === null ? null : [...new Set(daysOfWeek.map((day) => day % 7))].sort((a, b) => a - b),
    nthWeekdays: new Map([...nth].map(([day, set]) => [day % 7, set])),
    isDayOfMonthStar: isStarField(fields[2]),
    isDayOfWeekStar: isStarField(fields[4]),
  };
}
