/**
 * A strict reader of one HTTP/1.1 request head (RFC 9112 §2-§5) for the fast lane. It reads only the
 * plainest form: CRLF line ends, a three-part request line, `name: value` fields with token names and
 * visible values. Anything else is "unusual", and the connection goes to Node's own parser, which
 * answers it exactly as it did before the lane existed (a 400 or 431, or an ordinary request).
 */

export interface RequestHead {
  method: string;
  /** The request target as sent (origin form: path and query). */
  target: string;
  version: string;
  /** Field names in lower case; a repeated field keeps every value, in order. */
  fields: Map<string, string[]>;
  /** Bytes of the head, the blank line included: where the body starts. */
  size: number;
}

export type HeadReading = RequestHead | "incomplete" | "unusual";

/** Node's default --max-http-header-size: past it without a blank line, Node answers 431. */
export const MAX_HEAD_BYTES = 16 * 1024;

const HEAD_END = Buffer.from("\r\n\r\n");
const REQUEST_LINE = /^([A-Z]+) (\/[\x21-\x7e]*) (HTTP\/1\.[01])$/;
const COLON = 0x3a;

/** tchar (RFC 9110 §5.6.2), by character code. */
const IS_TOKEN = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") IS_TOKEN[char.charCodeAt(0)] = 1;

/**
 * Reads the head at the start of `buffer`: the head, "incomplete" (no blank line yet) or "unusual".
 * Written as a scan rather than with a regular expression per field: it runs once per task request.
 */
export function readRequestHead(buffer: Buffer): HeadReading {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) return buffer.length > MAX_HEAD_BYTES ? "unusual" : "incomplete";
  if (end + HEAD_END.length > MAX_HEAD_BYTES) return "unusual";
  const text = buffer.toString("latin1", 0, end);
  const firstEnd = text.indexOf("\r\n");
  const requestLine = REQUEST_LINE.exec(firstEnd < 0 ? text : text.slice(0, firstEnd));
  if (requestLine === null) return "unusual";
  const [, method = "", target = "", version = ""] = requestLine;
  const fields = new Map<string, string[]>();
  let start = firstEnd < 0 ? text.length : firstEnd + 2;
  while (start < text.length) {
    const lineEnd = nextLineEnd(text, start);
    const field = readField(text, start, lineEnd);
    if (field === null) return "unusual";
    const values = fields.get(field.name);
    if (values === undefined) fields.set(field.name, [field.value]);
    else values.push(field.value);
    start = lineEnd + 2;
  }
  return { method, target, version, fields, size: end + HEAD_END.length };
}

function nextLineEnd(text: string, from: number): number {
  const at = text.indexOf("\r\n", from);
  return at < 0 ? text.length : at;
}

/**
 * `name: value` between `start` and `end`; null for anything else: a name that is not a token (so no
 * space before the colon, no folded line), or a value with a control character, a lone CR or LF
 * included (RFC 9110 §5.5). The value loses its surrounding spaces and tabs (OWS).
 */
function readField(text: string, start: number, end: number): { name: string; value: string } | null {
  let colon = start;
  for (; colon < end; colon++) {
    const code = text.charCodeAt(colon);
    if (code === COLON) break;
    if (code >= 128 || IS_TOKEN[code] !== 1) return null;
  }
  if (colon === start || colon === end) return null;
  let first = colon + 1;
  let last = end;
  for (let i = first; i < end; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return null;
  }
  while (first < last && isBlank(text.charCodeAt(first))) first++;
  while (last > first && isBlank(text.charCodeAt(last - 1))) last--;
  return { name: text.slice(start, colon).toLowerCase(), value: text.slice(first, last) };
}

const isBlank = (code: number): boolean => code === 0x20 || code === 0x09;

/** The single value of a field; null when it is absent or repeated. */
export function singleField(head: RequestHead, name: string): string | null {
  const values = head.fields.get(name);
  return values?.length === 1 ? (values[0] ?? null) : null;
}
