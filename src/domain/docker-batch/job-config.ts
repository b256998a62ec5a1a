/**
 * The text of the `job_config` file (server-contract.md §6.2, §9 item 13): Python's
 * `json.dumps(job_config)` with its default separators (", " and ": ", ASCII escapes), `null` when
 * the request had none. The init container writes exactly this text to `mount_location`.
 *
 * The request body reached us through JSON.parse, so number literals are JavaScript numbers: an
 * integral float such as `1.0` prints as `1`, and integers beyond 2^53 lose digits (README parity).
 */
import { pythonJsonDumps } from "../tasks/python-json.js";

export function jobConfigFileText(jobConfig: Record<string, unknown> | null): string {
  return pythonJsonDumps(JSON.stringify(jobConfig));
}
