import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BODY_CHARS, INPUT_CHARS } from "../../src/http/validation/bounded-issues.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { appClient, field, items } from "./control-fixture.js";

/**
 * Issue 13 item 5: a 422 keeps pydantic's items, but no longer echoes a large input once per item.
 * An invalid endpoint create with one 2 MB field and eleven missing fields answered 24 MB (each
 * `missing` item's input is the whole body); now every item is there and the body is bounded.
 * Memory per request: `node scripts/load/big-bodies.mjs` (README "Error codes").
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ maxBodyBytes: 8 * 1024 * 1024 });
});
afterAll(async () => {
  await app.close();
});

describe("bounded 422 bodies", () => {
  it("keeps every item of a body with a large field, each input cut, the whole body small", async () => {
    const big = "x".repeat(2 * 1024 * 1024);
    const reply = await appClient(app).call("POST", "/v1/model-endpoints", { name: big });
    expect(reply.status).toBe(422);
    expect(reply.text.length).toBeLessThan(BODY_CHARS + 4096);
    const detail = items(field(reply.json, "detail"));
    const missing = detail.filter((item) => field(item, "type") === "missing").map((item) => field(item, "loc", 1));
    expect(missing).toEqual(
      expect.arrayContaining(["model_bundle_id", "endpoint_type", "cpus", "memory", "gpus", "min_workers", "max_workers", "per_worker", "labels"]),
    );
    for (const item of detail) {
      expect(Object.keys(item as object)).toEqual(expect.arrayContaining(["type", "loc", "msg", "input"]));
      expect(JSON.stringify(field(item, "input")).length).toBeLessThan(INPUT_CHARS + 200);
    }
    // The echo still says what was sent: the start of the value and how much was left out.
    const firstMissing = detail.find((item) => field(item, "type") === "missing");
    expect(String(field(firstMissing, "input", "name"))).toMatch(/^x{100,}… \(\d+ more characters\)$/);
  });

  it("stops adding items once the body is full (a list of a million bad items is not a million items)", async () => {
    const reply = await appClient(app).call("POST", "/v2/model-bundles", {
      name: "b",
      schema_location: "s",
      flavor: { flavor: "cloudpickle_artifact", requirements: Array.from({ length: 200_000 }, () => 1) },
    });
    expect(reply.status).toBe(422);
    expect(reply.text.length).toBeLessThan(BODY_CHARS + 4096);
    const detail = items(field(reply.json, "detail"));
    expect(detail.length).toBeGreaterThan(10);
    expect(detail[0]).toMatchObject({ type: "string_type", loc: ["body", "flavor", "cloudpickle_artifact", "requirements", 0], input: 1 });
  });

  it("leaves ordinary 422s exactly as they were", async () => {
    const reply = await appClient(app).call("POST", "/v1/batch-jobs", {
      model_bundle_id: "b",
      input_path: "s3://x/y",
      labels: {},
      resource_requests: {},
      serialization_format: "CSV",
    });
    expect(reply.json).toEqual({
      detail: [
        {
          type: "enum",
          loc: ["body", "serialization_format"],
          msg: "Input should be 'JSON' or 'PICKLE'",
          input: "CSV",
          ctx: { expected: "'JSON' or 'PICKLE'" },
        },
      ],
    });
  });
});
