/**
 * Fine-tune events (llm-contract.md §1.5; `S3FileLLMFineTuneEventsRepository`): a JSONL file the
 * trainer appends to (`fineTuneEventsKey`, domain/llm/fine-tuned-paths.ts). Each line as the real
 * repository reads it with `readlines()`: a JSON object gives `{timestamp, message: str(message),
 * level or "info"}`; a line that is not JSON is kept whole, newline included, as an info message; a
 * JSON line without `timestamp` or `message` makes the whole read fail (the route's 404).
 */
import { JsonNumber, isLosslessObject, tryParseLossless } from "../tasks/python-json-parse.js";
import { pythonStr } from "../tasks/python-json-repr.js";

export interface FineTuneEvent {
  timestamp: number | null;
  message: string;
  level: string;
}

/** Python's `str.splitlines(keepends=True)` as `readlines()` splits text mode input (universal newlines). */
function readLines(text: string): string[] {
  const normalised = text.replace(/\r\n?/g, "\n");
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < normalised.length; i++) {
    if (normalised[i] === "\n") {
      lines.push(normalised.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < normalised.length) lines.push(normalised.slice(start));
  return lines;
}

/** The events, or null when the file cannot be read as the real repository reads it. */
export function parseFineTuneEvents(text: string): FineTuneEvent[] | null {
  const events: FineTuneEvent[] = [];
  for (const line of readLines(text)) {
    // Parsed losslessly, so `str(message)` prints numbers as Python does (`1.0` stays `1.0`).
    const parsed = tryParseLossless(line);
    if (parsed === undefined) {
      events.push({ timestamp: null, message: line, level: "info" });
      continue;
    }
    if (!isLosslessObject(parsed) || !parsed.has("timestamp") || !parsed.has("message")) return null;
    const timestamp = parsed.get("timestamp") ?? null;
    const level = parsed.get("level") ?? "info";
    // LLMFineTuneEvent: timestamp Optional[float], level str; anything else fails validation.
    if (timestamp !== null && !(timestamp instanceof JsonNumber)) return null;
    if (typeof level !== "string") return null;
    events.push({ timestamp: timestamp === null ? null : Number(timestamp.literal), message: pythonStr(parsed.get("message")), level });
  }
  return events;
}
