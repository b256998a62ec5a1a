import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseLossless, pythonFloatRepr, pythonJsonDumps, toPlain } from "../../../src/domain/tasks/python-json.js";
import { pythonRepr, pythonStr } from "../../../src/domain/tasks/python-json-repr.js";

/** Asks the real Python for `json.dumps(json.loads(t))`, `repr(json.loads(t))` and json.loads errors. */
function python(script: string, inputs: readonly string[]): string[] {
  const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(inputs), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  const parsed: unknown = JSON.parse(run.stdout);
  if (!Array.isArray(parsed) || !parsed.every((item): item is string => typeof item === "string")) throw new Error("bad python output");
  return parsed;
}

const DUMPS = "import json,sys; print(json.dumps([json.dumps(json.loads(t)) for t in json.load(sys.stdin)]))";
const REPR = "import json,sys; print(json.dumps([repr(json.loads(t)) for t in json.load(sys.stdin)]))";
const STR_OF_EXCEPTION = "import json,sys; print(json.dumps([str(Exception(json.loads(t))) for t in json.load(sys.stdin)]))";
const ERRORS = `
import json, sys
out = []
for t in json.load(sys.stdin):
    try:
        json.loads(t); out.append("ok")
    except json.JSONDecodeError as e:
        out.append(str(e))
print(json.dumps(out))`;

const DUMPS_CASES = [
  '{"y": 1}',
  '{"a":1.0,"b":[1,2.50,-0.0,1e16,1E5,1e-05,0.0001,0.00001,123456789012345678901234567890,1.5e300,-0]}',
  '"h\u00e9llo \\u2603 \ud83d\ude00 \\ud83d\\ude00"',
  '"\\u0000\\u001f\\u007f\\"\\\\\\/\\b\\f\\n\\r\\t~ "',
  "[]",
  "{}",
  ' { "a" : { "b" : [ true , false , null ] } } ',
  "NaN",
  "[Infinity, -Infinity, 1e400, -1e400]",
  '{"dup": 1, "x": 2, "dup": 3}',
  '{"1": "a", "b": 2, "0": 3}',
  "3.141592653589793",
  "[0.1, 0.2, 0.30000000000000004, 1e22, 1e21, 1.7976931348623157e308, 5e-324]",
  '"\\ud800 lone"',
  "[12345678.9, 1e15, 1e16, 9999999999999998.0, -1.5e-7, 100.0, 1.0e2, 2E-3]",
  '{"__proto__": 1, "constructor": [1.10]}',
];

const REPR_CASES = [
  '{"error": "bad"}',
  '{"a": [1, 2.0, true, false, null, "it\'s"]}',
  '"a\\"b\'c"',
  "\"only 'single'\"",
  '"tab\\t nl\\n cr\\r \\u00e9 \\u0001 \\u200b \\u00a0 \\u0085 \\ud83d\\ude00 back\\\\slash"',
  "[1e16, 1e-5, NaN, Infinity, -Infinity, 0.5, -0.0]",
  '{"detail": {"x": "y"}, "n": 12345678901234567890}',
];

const ERROR_CASES = ["", "abc", '{"a" 1}', '"abc', "[1] x", '{"a":1 "b":2}', '{\n  "a": x}', '{"a":1,}', '"\\x"', '"a\u0001"', "{1: 2}", "[1 2]"];

describe("pythonJsonDumps", () => {
  const expected = python(DUMPS, DUMPS_CASES);
  it.each(DUMPS_CASES.map((text, i) => [text, expected[i]]))("matches Python for %s", (text, want) => {
    expect(pythonJsonDumps(text)).toBe(want);
  });

  it("keeps 1.0 as 1.0 and big ints digit for digit", () => {
    expect(pythonJsonDumps('{"x": 1.0, "n": 123456789012345678901234567890}')).toBe('{"x": 1.0, "n": 123456789012345678901234567890}');
  });
});

describe("pythonFloatRepr", () => {
  it.each([
    [1e16, "1e+16"],
    [1e-5, "1e-05"],
    [0.0001, "0.0001"],
    [1e5, "100000.0"],
    [-0, "-0.0"],
    [1.5e300, "1.5e+300"],
    [123.456, "123.456"],
    [Number.NaN, "nan"],
    [-Infinity, "-inf"],
  ])("repr(%s) = %s", (value, want) => {
    expect(pythonFloatRepr(value)).toBe(want);
  });
});

describe("pythonRepr", () => {
  const expected = python(REPR, REPR_CASES);
  it.each(REPR_CASES.map((text, i) => [text, expected[i]]))("matches Python for %s", (text, want) => {
    expect(pythonRepr(parseLossless(text))).toBe(want);
  });

  it("formats plain JavaScript values too", () => {
    expect(pythonRepr({ error: "bad", n: 1, f: 1.5, ok: true, none: null })).toBe("{'error': 'bad', 'n': 1, 'f': 1.5, 'ok': True, 'none': None}");
  });

  it("str() of an exception holding a string is the bare string", () => {
    const cases = ['"bad input"', '{"error": "bad"}', "[1, 2]", "5"];
    const want = python(STR_OF_EXCEPTION, cases);
    expect(cases.map((text) => pythonStr(parseLossless(text)))).toEqual(want);
  });
});

describe("parseLossless", () => {
  const expected = python(ERRORS, ERROR_CASES);
  it.each(ERROR_CASES.map((text, i) => [text, expected[i]]))("rejects %j with Python's message", (text, want) => {
    expect(() => parseLossless(text)).toThrow(JsonSyntaxError);
    expect(() => parseLossless(text)).toThrow(want);
  });

  it("gives plain values with own __proto__ keys", () => {
    const plain = toPlain(parseLossless('{"__proto__": {"x": 1}, "a": [1.5, NaN]}'));
    expect(plain).toEqual(JSON.parse('{"__proto__": {"x": 1}, "a": [1.5, null]}'));
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
  });
});
