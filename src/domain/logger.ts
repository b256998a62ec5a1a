/** Injected, levelled logger (STYLE.md §11). No console.* outside the CLI. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
/** `text`: one readable line per entry; `json`: one JSON object per line (for log collectors). */
export type LogFormat = "text" | "json";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(prefix: string): Logger;
  /** Whether debug entries are written, so a caller can skip building what it would log. */
  readonly isDebug: boolean;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

type Emit = (at: Exclude<LogLevel, "silent">, components: readonly string[], message: string, fields?: Record<string, unknown>) => void;

const hasFields = (fields?: Record<string, unknown>): fields is Record<string, unknown> => fields !== undefined && Object.keys(fields).length > 0;

const withoutKeys = (fields: Record<string, unknown>, taken: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([key]) => !(key in taken)));

/**
 * `text`: `<ISO time> LEVEL [component] message {fields}`; `json`: `{"time", "level", "component",
 * "msg", ...fields}` (pino's field names; a field never overwrites those four).
 */
export function createLogger(level: LogLevel, write: (line: string) => void, format: LogFormat = "text", now: () => Date = () => new Date()): Logger {
  const emit: Emit =
    format === "json"
      ? (at, components, message, fields) => {
          const head = { time: now().toISOString(), level: at, ...(components.length > 0 ? { component: components.join(".") } : {}), msg: message };
          write(JSON.stringify(hasFields(fields) ? { ...head, ...withoutKeys(fields, head) } : head));
        }
      : (at, components, message, fields) => {
          const prefix = components.map((component) => `[${component}] `).join("");
          const extra = hasFields(fields) ? ` ${JSON.stringify(fields)}` : "";
          write(`${now().toISOString()} ${at.toUpperCase().padEnd(5)} ${prefix}${message}${extra}`);
        };
  const make = (components: readonly string[]): Logger => {
    const at = (entryLevel: Exclude<LogLevel, "silent">) => (message: string, fields?: Record<string, unknown>) => {
      if (ORDER[entryLevel] >= ORDER[level]) emit(entryLevel, components, message, fields);
    };
    return {
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (component) => make([...components, component]),
      isDebug: ORDER.debug >= ORDER[level],
    };
  };
  return make([]);
}

export const silentLogger: Logger = createLogger("silent", () => undefined);
