import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import { exhaustedResponse, shapeSyncReply } from "../../../src/gateway/forwarding-sync.js";

const TB = "Traceback (most recent call last):\nValueError: x\n";

describe("shapeSyncReply (§2.3 gateway over the §4.2 forwarder)", () => {
  it.each([
    // [mode, status, body, asString, expected response]
    ["artifact", 200, '{"result": "{\\"y\\": 1}"}', true, { status: "SUCCESS", result: { result: '{"y": 1}' }, traceback: null, status_code: 200 }],
    [
      "runnable",
      200,
      '{"y":1.0,"s":"\u00e9"}',
      true,
      { status: "SUCCESS", result: { result: '{"y": 1.0, "s": "\\u00e9"}' }, traceback: null, status_code: 200 },
    ],
    ["runnable", 200, '{"y":1}', false, { status: "SUCCESS", result: { result: { y: 1 } }, traceback: null, status_code: 200 }],
    ["runnable", 201, "[1, 2]", true, { status: "SUCCESS", result: { result: "[1, 2]" }, traceback: null, status_code: 200 }],
    ["artifact", 500, JSON.stringify({ detail: { traceback: TB } }), true, { status: "FAILURE", result: null, traceback: TB, status_code: 500 }],
    ["runnable", 500, JSON.stringify({ detail: { traceback: TB } }), true, { status: "FAILURE", result: null, traceback: TB, status_code: 500 }],
    ["artifact", 422, '{"detail": "oops"}', true, { status: "FAILURE", result: null, traceback: '{"detail":"oops"}', status_code: 422 }],
    ["artifact", 500, '{"detail": {"x": 1}}', true, { status: "FAILURE", result: null, traceback: "Failed to parse traceback", status_code: 500 }],
    ["artifact", 500, '{"other": 1}', true, { status: "FAILURE", result: null, traceback: "Failed to parse traceback", status_code: 500 }],
    [
      "artifact",
      500,
      '{"result": "{\\"detail\\": {\\"traceback\\": \\"inner\\"}}"}',
      true,
      { status: "FAILURE", result: null, traceback: "inner", status_code: 500 },
    ],
    ["artifact", 502, "[1, 2]", true, { status: "FAILURE", result: null, traceback: "[1,2]", status_code: 502 }],
    ["runnable", 500, '"oops"', true, { status: "FAILURE", result: null, traceback: '{"result":"\\"oops\\""}', status_code: 500 }],
    [
      "runnable",
      500,
      '{"detail": {"traceback": "t"}}',
      false,
      { status: "FAILURE", result: null, traceback: '{"result":{"detail":{"traceback":"t"}}}', status_code: 500 },
    ],
    // Non-JSON user answers make the forwarder itself fail with a bare 500.
    ["runnable", 200, "plain text", true, { status: "FAILURE", result: null, traceback: "Internal Server Error", status_code: 500 }],
    ["artifact", 500, "<html>boom</html>", true, { status: "FAILURE", result: null, traceback: "Internal Server Error", status_code: 500 }],
  ] as const)("%s %i %s (asString %s)", (mode, status, body, asString, want) => {
    expect(shapeSyncReply(mode, status, body, asString)).toEqual({ kind: "done", response: want });
  });

  it.each([429, 503] as const)("retries an upstream %i", (status) => {
    expect(shapeSyncReply("artifact", status, '{"detail": "busy"}', true)).toEqual({ kind: "retry", status });
    expect(shapeSyncReply("runnable", status, '{"detail": "busy"}', true)).toEqual({ kind: "retry", status });
  });

  it.each([
    ["artifact", '{"error": "bad"}', true, "Invalid request: {'error': 'bad'}"],
    ["runnable", '{"error": "bad", "n": 1.0}', true, "Invalid request: {'error': 'bad', 'n': 1.0}"],
    ["artifact", '{"result": "{\\"error\\": \\"bad\\"}"}', true, "Invalid request: {'error': 'bad'}"],
    ["runnable", '"just text"', true, "Invalid request: just text"],
  ] as const)("turns an upstream 400 into a BAD_REQUEST (%s %s)", (mode, body, asString, message) => {
    let thrown: unknown;
    try {
      shapeSyncReply(mode, 400, body, asString);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LaunchError);
    expect(thrown).toMatchObject({ code: "BAD_REQUEST", message });
  });

  it("answers exhausted retries as the gateway does", () => {
    expect(exhaustedResponse(429)).toEqual({ status: "FAILURE", result: null, traceback: "Too many concurrent requests", status_code: 429 });
    expect(exhaustedResponse(503)).toEqual({ status: "FAILURE", result: null, traceback: "No healthy upstream", status_code: 503 });
    expect(exhaustedResponse("connection")).toEqual({ status: "FAILURE", result: null, traceback: "No healthy upstream", status_code: 503 });
    expect(exhaustedResponse("other")).toEqual({ status: "FAILURE", result: null, traceback: "Unknown error", status_code: 500 });
  });
});
