/**
 * The result file of a v1 batch job (server-contract.md §6.1 step 4), in input order:
 * - JSON: one line per row, Python's `json.dumps` of GetAsyncTaskV1Response's fields plus the row's
 *   `id` (`{"task_id", "status", "result", "traceback", "status_code", "id"}`, spaces after `:` and
 *   `,`, ASCII escapes), lines joined with `\n` and no newline at the end;
 * - PICKLE: a Python pickle of the list of the same items as dicts. (The real server pickles its
 *   internal dataclasses, which only load inside model-engine; README "Parity".)
 */
import type { TaskStatus } from "../task.js";
import { pythonJsonDumps } from "../tasks/python-json.js";
import type { SerializationFormat } from "./batch-job.js";
import { pickleDumps } from "./pickle-writer.js";

/** One row's outcome, in the wire's key order. */
export interface BatchResultItem {
  task_id: string;
  status: TaskStatus;
  result: unknown;
  traceback: string | null;
  status_code: number | null;
  id: string | null;
}

/** `json.dumps(item)` as Python prints it (stored results are plain JSON, so the round trip is exact). */
export function resultLine(item: BatchResultItem): string {
  return pythonJsonDumps(JSON.stringify({ ...item, result: item.result ?? null }));
}

export function serializeResults(items: readonly BatchResultItem[], format: SerializationFormat): Buffer {
  if (format === "PICKLE") return pickleDumps(items.map((item) => ({ ...item, result: item.result ?? null })));
  return Buffer.from(items.map(resultLine).join("\n"), "utf8");
}
