/**
 * The newline-delimited JSON that the Docker engine streams back from a build or a pull. Each
 * message is parsed, not cast: `stream` carries build output, `status` pull progress, and `error`
 * a failure that arrives with HTTP 200 (the status line was sent before the step failed).
 */
import { StringDecoder } from "node:string_decoder";
import type { Clock } from "../../domain/clock.js";

export interface ProgressMessage {
  stream: string | null;
  status: string | null;
  error: string | null;
  /** A pull's layer id (or, on its first line, the tag being pulled). */
  id: string | null;
  /** Bytes of the step named by `status` (a layer's download or extraction), when the engine says. */
  progress: { current: number; total: number } | null;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const stringField = (record: Record<string, unknown>, key: string): string | null => {
  const value = record[key];
  return typeof value === "string" ? value : null;
};

/** One line of the stream; a line that is not a JSON object is treated as raw output. */
export function parseProgressLine(line: string): ProgressMessage | null {
  const text = line.trim();
  if (text.length === 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return rawOutput(text);
  }
  if (!isRecord(parsed)) return rawOutput(text);
  const detail = parsed["errorDetail"];
  const error = stringField(parsed, "error") ?? (isRecord(detail) ? stringField(detail, "message") : null);
  return {
    stream: stringField(parsed, "stream"),
    status: stringField(parsed, "status"),
    error,
    id: stringField(parsed, "id"),
    progress: byteProgress(parsed["progressDetail"]),
  };
}

const rawOutput = (text: string): ProgressMessage => ({ stream: `${text}\n`, status: null, error: null, id: null, progress: null });

function byteProgress(detail: unknown): ProgressMessage["progress"] {
  if (!isRecord(detail)) return null;
  const { current, total } = detail;
  return typeof current === "number" && typeof total === "number" && total > 0 ? { current, total } : null;
}

export interface IdleLimit {
  /** Abort when the engine sends nothing for this long (a registry that never answers). */
  ms: number;
  clock: Clock;
}

/**
 * Reads messages until the stream ends; resolves with the first `error` message, or null. Output
 * and progress go to `onMessage` as they arrive.
 */
export function followProgress(
  stream: NodeJS.ReadableStream,
  onMessage: (message: ProgressMessage) => void,
  idle: IdleLimit | null = null,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder("utf8");
    let pending = "";
    let firstError: string | null = null;
    let cancelIdle: () => void = () => undefined;
    const armIdle = () => {
      if (idle === null) return;
      cancelIdle();
      cancelIdle = idle.clock.setTimeout(() => {
        const error = new Error(`no answer from the Docker engine for ${idle.ms} ms`);
        // Destroying the response closes the request, so the engine gives up too.
        if ("destroy" in stream && typeof stream.destroy === "function") stream.destroy(error);
        finish(error);
      }, idle.ms);
    };
    const handle = (line: string) => {
      const message = parseProgressLine(line);
      if (message === null) return;
      if (message.error !== null) firstError ??= message.error;
      onMessage(message);
    };
    const finish = (error: Error | null) => {
      cancelIdle();
      if (error) reject(error);
      else resolve(firstError);
    };
    armIdle();
    stream.on("data", (chunk: Buffer | string) => {
      armIdle();
      pending += typeof chunk === "string" ? chunk : decoder.write(chunk);
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) handle(line);
    });
    stream.once("end", () => {
      handle(pending + decoder.end());
      finish(null);
    });
    stream.once("error", (error) => finish(error));
  });
}

// The legacy builder colours a step's stderr red with ANSI escapes; logs and status_reasons are plain text.
// eslint-disable-next-line no-control-regex -- ESC (\u001b) is the character being matched
const ANSI_ESCAPE = /\u001b\[[0-9;]*m/g;

/** Splits build output (`stream` text, which may hold several lines or part of one) into log lines. */
export function createLineSplitter(onLine: (line: string) => void): { push(text: string): void; flush(): void } {
  let pending = "";
  return {
    push(text) {
      pending += text.replace(ANSI_ESCAPE, "");
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim().length > 0) onLine(line.trimEnd());
    },
    flush() {
      if (pending.trim().length > 0) onLine(pending.trimEnd());
      pending = "";
    },
  };
}
