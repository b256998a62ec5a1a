import { describe, expect, it } from "vitest";
import { argsJsonOf } from "../../../src/domain/tasks/args-json.js";
import {
  asyncOutcome,
  requestPayload,
  requestPayloadJson,
  runnableBody,
  serializeResultsAsString,
} from "../../../src/gateway/forwarding.js";
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
    expect(asyncOutcome("runnable", 200, '{"y": 1.0}', true)).toEqual({ status: "SUCCESS", result: { result: '{"y": 1.0}' }, traceback: null, statusCode: 200 });
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
