import { describe, expect, it } from "vitest";
import { argsJsonOf } from "../../../src/domain/tasks/args-json.js";
import { isLosslessObject } from "../../../src/domain/tasks/python-json-parse.js";
import { compactDumps, parseLossless, toPlain, tryParseLossless } from "../../../src/domain/tasks/python-json.js";
import { asyncOutcome, requestPayload, requestPayloadJson, runnableBody, serializeResultsAsString } from "../../../src/gateway/forwarding.js";
import { makeRequest } from "../scheduler/harness.js";

describe("forwarder request bodies (§4.2)", () => {
  it("sends runnable images only args, JSON null when absent", () => {
    expect(runnableBody(makeRequest({ y: 1 }))).toBe('{"y":1}');
    expect(runnableBody(makeRequest(null))).toBe("null");
    expect(runnableBody({ ...makeRequest(undefined), hasArgs: false })).toBe("null");
  });

  it("keeps number literals as the client wrote them (pydantic keeps 1.0 a float)", () => {
    const argsJson = argsJsonOf(new TextEncoder().encode('{"args": {"x": 1.0, "big": 12345678901234567890, "s": "é"}, "return_pickled": false}'));
    expect(argsJson).toBe('{"x":1.0,"big":12345678901234567890,"s":"é"}');
    const request = { ...makeRequest({ x: 1 }), argsJson };
    expect(runnableBody(request)).toBe(argsJson);
    expect(requestPayloadJson(request)).toBe(`{"args":${argsJson},"return_pickled":false}`);
    expect(argsJsonOf(new TextEncoder().encode('{"url": "s3://b/k"}'))).toBeUndefined();
  });

  // argsJsonOf reads most bodies with JSON.parse; what it writes must be the lossless reader's, always.
  it.each([
    '{"args": {"x": 1}}',
    '{"args": {"x": -0, "y": [0, -12, 123456789012345], "z": {}, "w": [], "t": true, "n": null}}',
    String.raw`{"args": "caf\u00e9 \ud83d\ude00 \ud800 \"q\" \\ \n \/ é", "return_pickled": false}`,
    '{"args": {"__proto__": {"a": 1}, "k": 2}}',
    '{"args": {"a": 1, "a": 2, "b": 3}}',
    '{"args": {"b": 1, "2": 2, "1": 3}}',
    '{"args": {"x": 1.0, "y": 1e5, "z": 1E-7}}',
    '{"args": [12345678901234567890, 9007199254740993]}',
    '{"args": {"x": NaN, "y": -Infinity}}',
    '{"args": {"s": "v1.0 Infinity 123456789012345678"}}',
    ' \t\n{ "args" :\r\n[ 1 , 2 ] } ',
    '{"args": null}',
    '{"url": "s3://b/k"}',
    '[{"args": 1}]',
    '{"args": 1',
  ])("writes args of %s as the lossless reader does", (text) => {
    const lossless = tryParseLossless(text);
    const args = isLosslessObject(lossless) ? lossless.get("args") : undefined;
    expect(argsJsonOf(new TextEncoder().encode(text))).toBe(args === undefined ? undefined : compactDumps(args));
  });

  it("sends artifact workers the request without None fields, return_pickled always", () => {
    expect(requestPayload(makeRequest({ y: 1 }))).toEqual({ args: { y: 1 }, return_pickled: false });
    expect(requestPayload(makeRequest(undefined, { url: "s3://b/k", returnPickled: true, callbackUrl: "http://cb" }))).toEqual({
      url: "s3://b/k",
      callback_url: "http://cb",
      return_pickled: true,
    });
  });
});

describe("serialize_results_as_string (§4.2)", () => {
  it.each([
    [{}, { a: 1 }, true, true],
    [{ serialize_results_as_string: false }, { a: 1 }, true, false],
    [{}, { serialize_results_as_string: false }, true, false],
    [{ serialize_results_as_string: true }, { serialize_results_as_string: false }, true, true],
    [{}, { serialize_results_as_string: true }, false, true],
    [{}, { serialize_results_as_string: 0 }, true, false],
    [{}, [1, 2], true, true],
  ])("payload %j args %j default %s → %s", (payload, args, fallback, want) => {
    expect(serializeResultsAsString(payload, args, fallback)).toBe(want);
  });
});

describe("async outcomes (§2.3 GET table, §4.3, §4.4)", () => {
  it("stores an artifact answer as is, whatever its status, without status_code", () => {
    expect(asyncOutcome("artifact", 200, '{"result": "1"}', true)).toEqual({ status: "SUCCESS", result: { result: "1" }, traceback: null, statusCode: null });
    expect(asyncOutcome("artifact", 500, '{"detail": {"traceback": "t"}}', true)).toEqual({
      status: "SUCCESS",
      result: { detail: { traceback: "t" } },
      traceback: null,
      statusCode: null,
    });
  });

  it("wraps a runnable answer and lifts the user status, a 500 still SUCCESS", () => {
    expect(asyncOutcome("runnable", 200, '{"y": 1.0}', true)).toEqual({
      status: "SUCCESS",
      result: { result: '{"y": 1.0}' },
      traceback: null,
      statusCode: 200,
    });
    expect(asyncOutcome("runnable", 500, '{"e": 1}', true)).toEqual({ status: "SUCCESS", result: { result: '{"e": 1}' }, traceback: null, statusCode: 500 });
    expect(asyncOutcome("runnable", 200, '{"e": 1}', false)).toEqual({ status: "SUCCESS", result: { result: { e: 1 } }, traceback: null, statusCode: 200 });
  });

  it("fails a non-JSON answer with Python's decode error text", () => {
    expect(asyncOutcome("runnable", 200, "hello", true)).toEqual({
      status: "FAILURE",
      result: "Expecting value: line 1 column 1 (char 0)",
      traceback: null,
      statusCode: null,
    });
  });
});

describe("an artifact worker's async answer", () => {
  it.each(['{"y": 1, "z": [1.5, "a"], "__proto__": {"p": 1}}', '{"a": 1, "a": 2}', '{"big": 1e400, "n": NaN}', '{"detail": {"traceback": "..."}}', "[1, 2]"])(
    "stores %s as the lossless reader's plain value",
    (text) => {
      expect(asyncOutcome("artifact", 200, text, true)).toEqual({ status: "SUCCESS", result: toPlain(parseLossless(text)), traceback: null, statusCode: null });
    },
  );

  it("fails the task with Python's message for text that is not JSON", () => {
    expect(asyncOutcome("artifact", 500, "Internal Server Error", true)).toMatchObject({ status: "FAILURE", statusCode: null });
    expect(asyncOutcome("artifact", 500, "Internal Server Error", true).result).toMatch(/^Expecting value: line 1 column 1/);
  });
});
