/**
 * `args` of a JSON request body as the client wrote it: re-written compactly without losing number
 * literals (`1.0` stays `1.0`, as pydantic keeps a float), so workers receive it unchanged (§4.2).
 */
import { isLosslessObject } from "./python-json-parse.js";
import { compactDumps, tryParseLossless } from "./python-json.js";

const utf8 = new TextDecoder();

/** `args` of a JSON request body, compact, number literals intact; undefined if absent. */
export function argsJsonOf(body: Uint8Array): string | undefined {
  const parsed = tryParseLossless(utf8.decode(body));
  if (!isLosslessObject(parsed)) return undefined;
  const args = parsed.get("args");
  return args === undefined ? undefined : compactDumps(args);
}
