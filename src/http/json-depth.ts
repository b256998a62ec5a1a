/**
 * How deeply a request body may nest. The real server parses bodies with Python's `json`, which
 * gives up (RecursionError) near the interpreter's recursion limit; FastAPI turns any parser failure
 * other than a JSON syntax error into 400 `There was an error parsing the body`. Measured on FastAPI
 * 0.142 / Starlette 1.7 under uvicorn: 961 levels parse, 962 do not (arrays and objects alike).
 * Bodies deeper than that would also overflow the stack of launch-local's own recursive steps
 * (validation, JSON.stringify, the lossless parser) and of the Python worker.
 */
export const MAX_BODY_DEPTH = 961;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;

/** Whether the JSON text in `bytes` nests arrays and objects more than `limit` deep (strings skipped). */
export function nestsDeeperThan(bytes: Uint8Array, limit: number = MAX_BODY_DEPTH): boolean {
  // Deeper than `limit` takes more than `limit` opening brackets: short bodies cannot.
  if (bytes.byteLength <= limit) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}
