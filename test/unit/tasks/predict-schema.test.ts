import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import { parsePredictInput } from "../../../src/http/schemas/tasks.js";

function issuesOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    if (error instanceof LaunchError && error.code === "VALIDATION") return error.data;
    throw error;
  }
  throw new Error("expected a validation error");
}

describe("EndpointPredictV1Request parsing", () => {
  it("fills defaults and records whether args was sent", () => {
    const { request, raw } = parsePredictInput("async", "end_1", { args: { x: 1 } });
    expect(request).toEqual({
      url: null,
      args: { x: 1 },
      hasArgs: true,
      cloudpickle: null,
      callbackUrl: null,
      callbackAuth: null,
      returnPickled: false,
      destinationPath: null,
      timeoutSeconds: null,
      numRetries: null,
    });
    // model_dump(exclude_none=True): return_pickled is always forwarded.
    expect(raw).toEqual({ args: { x: 1 }, return_pickled: false });
  });

  it("treats a null args as present, and an absent one as absent", () => {
    expect(parsePredictInput("async", "e", { args: null, url: "s3://b/k" }).request).toMatchObject({ args: null, hasArgs: true });
    expect(parsePredictInput("async", "e", { url: "s3://b/k" }).request).toMatchObject({ args: null, hasArgs: false });
  });

  it("parses callback auth of both kinds and lax booleans", () => {
    const basic = parsePredictInput("async", "e", {
      args: {},
      callback_url: "http://cb",
      callback_auth: { kind: "basic", username: "u", password: "p" },
      return_pickled: "true",
    });
    expect(basic.request).toMatchObject({ callbackUrl: "http://cb", callbackAuth: { kind: "basic", username: "u", password: "p" }, returnPickled: true });
    expect(basic.raw.return_pickled).toBe(true);
    const mtls = parsePredictInput("async", "e", { args: {}, callback_auth: { kind: "mtls", cert: "c", key: "k" } });
    expect(mtls.request.callbackAuth).toEqual({ kind: "mtls", cert: "c", key: "k" });
  });

  it("ignores the sync-only fields on the async route", () => {
    const { request, raw } = parsePredictInput("async", "e", { args: {}, timeout_seconds: 0, num_retries: -5 });
    expect(request).toMatchObject({ timeoutSeconds: null, numRetries: null });
    // Unknown to EndpointPredictV1Request, so forwarded like any extra key.
    expect(raw).toMatchObject({ timeout_seconds: 0, num_retries: -5 });
  });

  it("reports errors in field order, query first", () => {
    expect(
      issuesOf(() =>
        parsePredictInput("sync", undefined, {
          url: 1,
          callback_auth: { kind: "basic", username: "u" },
          return_pickled: null,
          timeout_seconds: "abc",
        }),
      ),
    ).toEqual([
      { type: "missing", loc: ["query", "model_endpoint_id"], msg: "Field required", input: null },
      { type: "string_type", loc: ["body", "url"], msg: "Input should be a valid string", input: 1 },
      { type: "missing", loc: ["body", "callback_auth", "basic", "password"], msg: "Field required", input: { kind: "basic", username: "u" } },
      { type: "bool_type", loc: ["body", "return_pickled"], msg: "Input should be a valid boolean", input: null },
      { type: "float_parsing", loc: ["body", "timeout_seconds"], msg: "Input should be a valid number, unable to parse string as a number", input: "abc" },
    ]);
  });

  it("reports a missing or non-object body at [body]", () => {
    expect(issuesOf(() => parsePredictInput("async", "e", undefined))).toEqual([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
    expect(issuesOf(() => parsePredictInput("async", "e", [1]))).toEqual([
      { type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", input: [1] },
    ]);
  });
});
