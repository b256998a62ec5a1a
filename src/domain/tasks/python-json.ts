/**
 * Python's `json.dumps` output for JSON received from user code (server-contract.md §4.2, §9.1): the
 * forwarder wraps a runnable image's answer as `{"result": json.dumps(user_json)}`, and clients compare
 * that string exactly. Separators ", " and ": ", ensure_ascii escapes, ints as written, floats as
 * Python's `repr`.
 */
import { JsonNumber, type LosslessJson, parseLossless } from "./python-json-parse.js";

export { JsonNumber, JsonSyntaxError, parseLossless, tryParseLossless, tryParsePlain, toPlain } from "./python-json-parse.js";
export type { LosslessJson, LosslessObject } from "./python-json-parse.js";

/** `json.dumps(json.loads(text))` as Python prints it. Throws JsonSyntaxError for text Python rejects. */
export function pythonJsonDumps(text: string): string {
  return dumpsLossless(parseLossless(text));
}

/** `json.dumps(value)` for an already parsed value. */
export function dumpsLossless(value: LosslessJson): string {
  return write(value, ", ", ": ", asciiString);
}

/**
 * Compact form (`,` `:`, non-ASCII kept) as orjson and FastAPI's JSONResponse write it; used where the
 * gateway quotes an upstream body back (§2.3 traceback fallbacks).
 */
export function compactDumps(value: LosslessJson): string {
  return write(value, ",", ":", (text) => JSON.stringify(text));
}

function write(value: LosslessJson, itemSeparator: string, keySeparator: string, quote: (text: string) => string): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return quote(value);
  if (value instanceof JsonNumber) return pythonNumber(value);
  if (Array.isArray(value)) {
    return `[${value.map((item) => write(item, itemSeparator, keySeparator, quote)).join(itemSeparator)}]`;
  }
  const parts: string[] = [];
  for (const [key, item] of value) parts.push(`${quote(key)}${keySeparator}${write(item, itemSeparator, keySeparator, quote)}`);
  return `{${parts.join(itemSeparator)}}`;
}

/** How Python's json module prints a number it parsed from `literal`. */
export function pythonNumber(number: JsonNumber): string {
  const literal = number.literal;
  if (number.isInteger) {
    // int(literal): arbitrary precision, written back digit for digit; only "-0" changes.
    return /^-0+$/.test(literal) ? "0" : literal;
  }
  const value = Number(literal);
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  return pythonFloatRepr(value);
}

/**
 * `repr(float)`: the shortest round-tripping digits (JavaScript picks the same ones), in positional
 * form when the decimal exponent is in [-4, 16), else `d.ddde±XX` with at least two exponent digits.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "0", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const exponentSign = exponent < 0 ? "-" : "+";
    return `${sign}${digits[0] ?? "0"}${fraction}e${exponentSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fractionPart = digits.slice(exponent + 1);
  return `${sign}${integerPart}.${fractionPart === "" ? "0" : fractionPart}`;
}

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: "\\\\", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0c: "\\f" };

/**
 * ensure_ascii quoting: everything outside printable ASCII (space..~) becomes `\uXXXX` (lower-case hex),
 * code unit by code unit, which is exactly Python's surrogate-pair output for astral characters.
 */
function asciiString(text: string): string {
  let out = '"';
  let chunkStart = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && code !== 0x22 && code !== 0x5c) continue;
    out += text.slice(chunkStart, i);
    out += SHORT_ESCAPES[code] ?? `\\u${code.toString(16).padStart(4, "0")}`;
    chunkStart = i + 1;
  }
  return `${out}${text.slice(chunkStart)}"`;
}
