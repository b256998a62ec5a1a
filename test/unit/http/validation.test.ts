import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import { parseBody, parseQuery } from "../../../src/http/validation/parse.js";
import { bool, dict, discriminated, enumOf, int, list, literal, num, object, optional, str, strOrNumber } from "../../../src/http/validation/schema.js";

function issuesOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    if (error instanceof LaunchError && error.code === "VALIDATION") return error.data;
    throw error;
  }
  throw new Error("expected a validation error");
}

const endpointLike = object({
  name: str({ maxLength: 5 }),
  endpoint_type: enumOf(["async", "sync", "streaming"]),
  min_workers: int({ ge: 0 }),
  per_worker: int({ gt: 0 }),
  cpus: strOrNumber(),
  labels: dict(str()),
  public_inference: optional(bool(), false),
  hooks: optional(list(str())),
});

describe("pydantic-style validation", () => {
  it("accepts a valid body, drops unknown keys and fills defaults", () => {
    const value = parseBody(endpointLike, {
      name: "ab",
      endpoint_type: "sync",
      min_workers: "2",
      per_worker: 3.0,
      cpus: "0.5",
      labels: {},
      extra: 1,
    });
    expect(value).toEqual({ name: "ab", endpoint_type: "sync", min_workers: 2, per_worker: 3, cpus: "0.5", labels: {}, public_inference: false, hooks: null });
  });

  it("reports every failing field in pydantic's format", () => {
    const body = { name: "toolong", endpoint_type: "batch", min_workers: -1, per_worker: 1.5, cpus: [], labels: { a: 1 } };
    expect(issuesOf(() => parseBody(endpointLike, body))).toEqual([
      { type: "string_too_long", loc: ["body", "name"], msg: "String should have at most 5 characters", input: "toolong", ctx: { max_length: 5 } },
      {
        type: "enum",
        loc: ["body", "endpoint_type"],
        msg: "Input should be 'async', 'sync' or 'streaming'",
        input: "batch",
        ctx: { expected: "'async', 'sync' or 'streaming'" },
      },
      { type: "greater_than_equal", loc: ["body", "min_workers"], msg: "Input should be greater than or equal to 0", input: -1, ctx: { ge: 0 } },
      { type: "int_from_float", loc: ["body", "per_worker"], msg: "Input should be a valid integer, got a number with a fractional part", input: 1.5 },
      { type: "string_type", loc: ["body", "cpus", "str"], msg: "Input should be a valid string", input: [] },
      { type: "int_type", loc: ["body", "cpus", "int"], msg: "Input should be a valid integer", input: [] },
      { type: "float_type", loc: ["body", "cpus", "float"], msg: "Input should be a valid number", input: [] },
      { type: "string_type", loc: ["body", "labels", "a"], msg: "Input should be a valid string", input: 1 },
    ]);
  });

  it("reports a missing field with the parent object as input, and a missing body", () => {
    expect(issuesOf(() => parseBody(object({ name: str() }), { other: 1 }))).toEqual([
      { type: "missing", loc: ["body", "name"], msg: "Field required", input: { other: 1 } },
    ]);
    expect(issuesOf(() => parseBody(object({ name: str() }), undefined))).toEqual([{ type: "missing", loc: ["body"], msg: "Field required", input: null }]);
    expect(issuesOf(() => parseBody(object({ name: str() }), [1]))).toEqual([
      { type: "model_attributes_type", loc: ["body"], msg: "Input should be a valid dictionary or object to extract fields from", input: [1] },
    ]);
  });

  it("validates tagged unions like pydantic discriminators", () => {
    const flavor = discriminated<{ flavor: string }>("flavor", {
      a: object({ flavor: literal("a"), x: int() }),
      b: object({ flavor: literal("b"), y: str() }),
    });
    expect(parseBody(flavor, { flavor: "b", y: "ok" })).toEqual({ flavor: "b", y: "ok" });
    expect(issuesOf(() => parseBody(flavor, { flavor: "c" }))).toEqual([
      {
        type: "union_tag_invalid",
        loc: ["body"],
        msg: "Input tag 'c' found using 'flavor' does not match any of the expected tags: 'a', 'b'",
        input: { flavor: "c" },
        ctx: { discriminator: "'flavor'", tag: "c", expected_tags: "'a', 'b'" },
      },
    ]);
    expect(issuesOf(() => parseBody(flavor, { flavor: "a" }))).toEqual([
      { type: "missing", loc: ["body", "a", "x"], msg: "Field required", input: { flavor: "a" } },
    ]);
    expect(issuesOf(() => parseBody(flavor, {}))).toEqual([
      { type: "union_tag_not_found", loc: ["body"], msg: "Unable to extract tag using discriminator 'flavor'", input: {}, ctx: { discriminator: "'flavor'" } },
    ]);
  });

  it("coerces lax-mode scalars as pydantic does", () => {
    const s = object({ b: bool(), f: num({ gt: 0 }), i: int() });
    expect(parseBody(s, { b: "yes", f: "1.5", i: true })).toEqual({ b: true, f: 1.5, i: 1 });
    expect(issuesOf(() => parseBody(s, { b: "maybe", f: 0, i: "x" }))).toEqual([
      { type: "bool_parsing", loc: ["body", "b"], msg: "Input should be a valid boolean, unable to interpret input", input: "maybe" },
      { type: "greater_than", loc: ["body", "f"], msg: "Input should be greater than 0", input: 0, ctx: { gt: 0 } },
      { type: "int_parsing", loc: ["body", "i"], msg: "Input should be a valid integer, unable to parse string as an integer", input: "x" },
    ]);
  });

  it("parses query parameters with FastAPI's missing shape", () => {
    const fields = {
      model_endpoint_id: { schema: str(), required: true },
      order_by: { schema: enumOf(["newest", "oldest"]), required: false },
    };
    expect(parseQuery(fields, { model_endpoint_id: "end_1" })).toEqual({ model_endpoint_id: "end_1", order_by: null });
    expect(issuesOf(() => parseQuery(fields, { order_by: "x" }))).toEqual([
      { type: "missing", loc: ["query", "model_endpoint_id"], msg: "Field required", input: null },
      { type: "enum", loc: ["query", "order_by"], msg: "Input should be 'newest' or 'oldest'", input: "x", ctx: { expected: "'newest' or 'oldest'" } },
    ]);
  });
});
