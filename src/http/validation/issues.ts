/**
 * Pydantic v2 / FastAPI error items (server-contract.md §0.2): the 422 body is
 * `{"detail":[{"type","loc","msg","input","ctx"?}]}`.
 */
export type Loc = (string | number)[];

export interface Issue {
  type: string;
  loc: Loc;
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export function issue(type: string, loc: Loc, msg: string, input: unknown, ctx?: Record<string, unknown>): Issue {
  return ctx === undefined ? { type, loc, msg, input } : { type, loc, msg, input, ctx };
}

/** Python's repr of a short string for messages such as "Input should be 'a' or 'b'". */
export function pyQuote(value: string): string {
  return `'${value}'`;
}

/** "'a', 'b' or 'c'" as pydantic lists expected literals. */
export function pyExpected(values: readonly string[]): string {
  const quoted = values.map(pyQuote);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
