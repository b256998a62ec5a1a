import { describe, expect, it } from "vitest";
import { toPlain, tryParseLossless, tryParsePlain } from "../../../src/domain/tasks/python-json.js";

/** The reference: the lossless reader's value made plain (what the stream forwarder used before). */
const reference = (text: string): unknown => {
  const parsed = tryParseLossless(text);
  return parsed === undefined ? undefined : toPlain(parsed);
};

const CASES = [
  '{"id":"cmpl-1","choices":[{"index":0,"text":" John","logprobs":null,"finish_reason":null}],"usage":{"completion_tokens":1}}',
  '{"a":1.0,"b":[1,2.50,-0.0,1e16,1E5,1e-05,123456789012345678901234567890,1.5e300,-0]}',
  '{"a":1,"b":2,"a":3}',
  '{"__proto__":{"x":1},"2":"two","1":"one"}',
  '{"big":1e400,"small":-1E+308,"tiny":1e-400}',
  '{"id":"cmpl-4e123","choices":[{"text":"1e999","n":[1e999,-1e999,2]}],"__proto__":1e400}',
  '{"id":"cmpl-9e100f","usage":{"completion_tokens":3}}',
  `{"long":${"9".repeat(310)}}`,
  '{"nan":NaN,"inf":Infinity,"neg":-Infinity}',
  '"\\ud800 lone surrogate \\u00e9"',
  ' \t\n[1, {"x": null}, true, false]\r\n',
  "[DONE]",
  "{'single': 1}",
  '{"a":1,}',
  "",
  "\ufeff{}",
  '"raw\ncontrol"',
  "nan",
];

describe("tryParsePlain", () => {
  it("gives what the lossless reader made plain gives, for JSON, Python's extras and rejected text", () => {
    for (const text of CASES) expect([text, tryParsePlain(text)]).toEqual([text, reference(text)]);
  });

  it("keeps own __proto__ keys as data and a repeated key at its first position", () => {
    const value = tryParsePlain('{"__proto__":1,"a":1,"b":2,"a":3}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__", "a", "b"]);
    expect(value.a).toBe(3);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it("makes literals that overflow a double null, as the lossless reader does", () => {
    expect(tryParsePlain('{"big":1e400}')).toEqual({ big: null });
    expect(tryParsePlain(`[${"1".repeat(400)}]`)).toEqual([null]);
    const proto = tryParsePlain('{"__proto__":1e400,"id":"cmpl-4e123"}') as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value).toBeNull();
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });
});
