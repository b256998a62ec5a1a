/**
 * `args` of a JSON request body as the client wrote it: re-written compactly without losing number
 * literals (`1.0` stays `1.0`, as pydantic keeps a float), so workers receive it unchanged (§4.2).
 */
import { isLosslessObject } from "./python-json-parse.js";
import { compactDumps, tryParseLossless } from "./python-json.js";

const utf8 = new TextDecoder();

/**
 * What JSON.parse and JSON.stringify could write differently from the client: a fraction or an
 * exponent (`1.0` would become `1`), a run of 16 digits (past a double's exact integers), an
 * integer-like key (a JavaScript object puts those first), Python's NaN and Infinity. Matched
 * anywhere, strings included, so a body without any of them round-trips through JSON.parse exactly
 * as through the lossless reader (python-json-parse.ts `tryParsePlain` says where they agree).
 */
const MAY_CHANGE = /\d[.eE]|\d{16}|"\d+"\s*:|NaN|Infinity/;

/** `args` of a JSON request body, compact, number literals intact; undefined if absent. */
export function argsJsonOf(body: Uint8Array): string | undefined {
  const text = utf8.decode(body);
  // Most bodies hold only short integers, strings and names: JSON.parse reads those at a fraction
  // of the lossless reader's cost (issue 20, bench row 3: a submit paid for both).
  if (!MAY_CHANGE.test(text)) {
    const plain = tryJsonParse(text);
    if (plain !== undefined) {
      if (plain === null || typeof plain !== "object" || Array.isArray(plain) || !Object.hasOwn(plain, "args")) return undefined;
      return JSON.stringify((plain as { args: unknown }).args);
    }
  }
  const parsed = tryParseLossless(text);
  if (!isLosslessObject(parsed)) return undefined;
  const args = parsed.get("args");
  return args === undefined ? undefined : compactDumps(args);
}

function tryJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
