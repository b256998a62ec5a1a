/**
 * Python's `repr()` / `str()` of a value that came out of `json.loads`, for the gateway's 400 message
 * `"Invalid request: <python repr of the error JSON>"` (server-contract.md §2.3), e.g.
 * `{'error': 'bad'}`. Accepts the lossless tree (Map objects, JsonNumber literals) and plain values.
 */
import { JsonNumber } from "./python-json-parse.js";
import { pythonFloatRepr, pythonNumber } from "./python-json.js";

/** `repr(value)`. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return pythonStrRepr(value);
  if (value instanceof JsonNumber) return numberRepr(value);
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  const entries = value instanceof Map ? Array.from(value.entries()) : typeof value === "object" ? Object.entries(value) : [];
  return `{${entries.map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`).join(", ")}}`;
}

/** `str(value)`: a string is itself, anything else its repr (what `str(Exception(value))` gives). */
export function pythonStr(value: unknown): string {
  return typeof value === "string" ? value : pythonRepr(value);
}

function numberRepr(number: JsonNumber): string {
  // json.loads gives inf/nan floats for these literals; their repr differs from json.dumps.
  const literal = number.literal;
  if (literal === "NaN") return "nan";
  if (literal === "Infinity") return "inf";
  if (literal === "-Infinity") return "-inf";
  const text = pythonNumber(number);
  if (text === "Infinity") return "inf";
  if (text === "-Infinity") return "-inf";
  return text;
}

// str.isprintable() is false for Unicode categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs except the space.
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** `repr(str)`: single quotes unless the text holds `'` and no `"`; non-printables as \x.., \u...., \U........ */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === quote || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (char !== " " && NON_PRINTABLE.test(char)) out += escapeCodePoint(char.codePointAt(0) ?? 0);
    else out += char;
  }
  return out + quote;
}

function escapeCodePoint(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}
