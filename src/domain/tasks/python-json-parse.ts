/**
 * A lossless JSON reader with Python's `json.loads` rules (DESIGN.md "Workers": number literals must
 * survive the forwarder round trip, so `1.0` stays `1.0`). Objects become Maps (insertion order kept,
 * a repeated key keeps its first position and takes the last value, as a Python dict does); numbers
 * keep their literal. Python also reads `NaN`, `Infinity` and `-Infinity`, so this does too.
 */

/** A JSON number as written upstream. */
export class JsonNumber {
  constructor(readonly literal: string) {}

  /** Python's json module reads a literal without `.`/`e` as an int, anything else as a float. */
  get isInteger(): boolean {
    return !/[.eEIN]/.test(this.literal);
  }
}

export type LosslessJson = null | boolean | string | JsonNumber | LosslessJson[] | LosslessObject;
export type LosslessObject = Map<string, LosslessJson>;

/** Raised for text that Python's json.loads rejects; the message is Python's (Celery stores `str(exc)`, §4.4). */
export class JsonSyntaxError extends Error {
  constructor(reason: string, text: string, position: number) {
    const line = countLines(text, position);
    const lineStart = text.lastIndexOf("\n", position - 1);
    const column = lineStart === -1 ? position + 1 : position - lineStart;
    super(`${reason}: line ${line} column ${column} (char ${position})`);
    this.name = "JsonSyntaxError";
  }
}

function countLines(text: string, position: number): number {
  let lines = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < position; i = text.indexOf("\n", i + 1)) lines++;
  return lines;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class Reader {
  position = 0;
  constructor(readonly text: string) {}

  fail(reason: string, at = this.position): never {
    throw new JsonSyntaxError(reason, this.text, at);
  }

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.position;
    WHITESPACE.exec(this.text);
    this.position = WHITESPACE.lastIndex;
  }

  value(): LosslessJson {
    const text = this.text;
    const char = text[this.position];
    switch (char) {
      case "{":
        return this.object();
      case "[":
        return this.array();
      case '"':
        return this.string();
    }
    if (text.startsWith("null", this.position)) return this.advance(4, null);
    if (text.startsWith("true", this.position)) return this.advance(4, true);
    if (text.startsWith("false", this.position)) return this.advance(5, false);
    if (text.startsWith("NaN", this.position)) return this.advance(3, new JsonNumber("NaN"));
    if (text.startsWith("Infinity", this.position)) return this.advance(8, new JsonNumber("Infinity"));
    if (text.startsWith("-Infinity", this.position)) return this.advance(9, new JsonNumber("-Infinity"));
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(text);
    if (match === null) return this.fail("Expecting value");
    this.position = NUMBER.lastIndex;
    return new JsonNumber(match[0]);
  }

  private advance<T extends LosslessJson>(length: number, value: T): T {
    this.position += length;
    return value;
  }

  private object(): LosslessObject {
    const result: LosslessObject = new Map();
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === "}") {
      this.position++;
      return result;
    }
    for (;;) {
      if (this.text[this.position] !== '"') this.fail("Expecting property name enclosed in double quotes");
      const key = this.string();
      this.skipWhitespace();
      if (this.text[this.position] !== ":") this.fail("Expecting ':' delimiter");
      this.position++;
      this.skipWhitespace();
      result.set(key, this.value());
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === "}") return result;
      if (next !== ",") this.fail("Expecting ',' delimiter", this.position - 1);
      this.skipWhitespace();
    }
  }

  private array(): LosslessJson[] {
    const result: LosslessJson[] = [];
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === "]") {
      this.position++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === "]") return result;
      if (next !== ",") this.fail("Expecting ',' delimiter", this.position - 1);
      this.skipWhitespace();
    }
  }

  private string(): string {
    const text = this.text;
    const start = this.position;
    let out = "";
    let chunkStart = ++this.position;
    for (;;) {
      const code = text.charCodeAt(this.position);
      if (Number.isNaN(code)) this.fail("Unterminated string starting at", start);
      if (code === 0x22) break;
      if (code < 0x20) this.fail("Invalid control character at");
      if (code !== 0x5c) {
        this.position++;
        continue;
      }
      out += text.slice(chunkStart, this.position);
      const escape = text[this.position + 1];
      if (escape === undefined) this.fail("Unterminated string starting at", start);
      if (escape === "u") {
        const hex = text.slice(this.position + 2, this.position + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("Invalid \\uXXXX escape", this.position + 1);
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.position += 6;
      } else {
        const decoded = SIMPLE_ESCAPES[escape];
        if (decoded === undefined) this.fail("Invalid \\escape", this.position);
        out += decoded;
        this.position += 2;
      }
      chunkStart = this.position;
    }
    out += text.slice(chunkStart, this.position);
    this.position++;
    return out;
  }
}

/** Parses `text` as Python's json.loads would, keeping number literals and key order. */
export function parseLossless(text: string): LosslessJson {
  const reader = new Reader(text);
  reader.skipWhitespace();
  const value = reader.value();
  reader.skipWhitespace();
  if (reader.position !== text.length) reader.fail("Extra data");
  return value;
}

/** `parseLossless`, or undefined for text Python would reject. */
export function tryParseLossless(text: string): LosslessJson | undefined {
  try {
    return parseLossless(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
}

/**
 * `toPlain(tryParseLossless(text))`, at the cost of JSON.parse for text JSON.parse reads (per streamed
 * event, the lossless reader was a tenth of the gateway's CPU). The two agree on every such text: the
 * same doubles, duplicate keys at their first position with the last value, `__proto__` kept as data,
 * except literals that overflow a double, which JSON.parse makes ±Infinity and toPlain null: text
 * that may hold one has its infinities made null afterwards (a scan, not the lossless reader: an id
 * such as `cmpl-4e123…` matches the test, so a third of the engine's streams would pay for it on
 * every event). The lossless reader decides the rest: what JSON.parse rejects (Python's NaN and
 * Infinity, and what Python rejects too).
 */
export function tryParsePlain(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    // not plain JSON: the lossless reader accepts Python's extras or rejects it as Python does
    const parsed = tryParseLossless(text);
    return parsed === undefined ? undefined : toPlain(parsed);
  }
  return MAY_OVERFLOW.test(text) ? finite(value) : value;
}

/** A three-digit exponent or a 309-digit run: the only literals whose double may be infinite. */
const MAY_OVERFLOW = /[eE][-+]?\d{3}|\d{309}/;

/** JSON.parse's value with ±Infinity made null, in place (defineProperty: a `__proto__` key stays data). */
function finite(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = finite(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const inner = record[key];
    const made = finite(inner);
    if (made !== inner) Object.defineProperty(record, key, { value: made, writable: true, enumerable: true, configurable: true });
  }
  return record;
}

/** The plain JavaScript value (what JSON.parse would give; NaN and ±Infinity become null, as JSON.stringify writes them). */
export function toPlain(value: LosslessJson): unknown {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (value instanceof JsonNumber) {
    const number = Number(value.literal);
    return Number.isFinite(number) ? number : null;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  // fromEntries defines own properties, so a "__proto__" key stays data.
  return Object.fromEntries(Array.from(value, ([key, item]) => [key, toPlain(item)]));
}

export const isLosslessObject = (value: LosslessJson | undefined): value is LosslessObject => value instanceof Map;
