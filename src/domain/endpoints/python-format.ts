/**
 * Python's formatting of the values the real server interpolates into its 400 messages
 * (`f"Requested {cpus=} too high…"` in `ME/common/resource_limits.py`), so the emulator's `detail`
 * strings match byte for byte.
 */

/** `repr(str)`: single quotes unless the text holds a single quote and no double quote. */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "\\") out += "\\\\";
    else if (char === quote) out += `\\${quote}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return `${quote}${out}${quote}`;
}

/** `repr(float)`: always a decimal point or an exponent (`9.0`, `1.5`, `1e+16`). */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e16 || magnitude < 1e-4)) {
    // Python writes at least two exponent digits: 1e-05, 1e+16.
    return value.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  }
  const text = String(value);
  return text.includes(".") ? text : `${text}.0`;
}

/**
 * A number as Python would print it. JSON does not tell `8` from `8.0`, so an integral JSON number is
 * taken as a Python int (what pydantic's smart union gives for `8`); `isFloat` forces the float form
 * for values the server computed in floating point (e.g. parsed cpu strings divided by 1000.0).
 */
export function pyNumberRepr(value: number, isFloat: boolean): string {
  if (!isFloat && Number.isInteger(value)) return String(value);
  return pyFloatRepr(value);
}

/** `f"{x:3.1f}"`. */
export function pyFixed1(value: number): string {
  return value.toFixed(1);
}

/** Python's `round()` on a float: halves go to the even neighbour (banker's rounding). */
export function pyRound(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
