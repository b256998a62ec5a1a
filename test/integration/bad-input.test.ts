import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PENDING_OPERATIONS } from "../../src/http/routes/not-implemented.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ maxBodyBytes: 4096 });
});

afterAll(async () => {
  await app.close();
});

const ROUTES: [string, string][] = [
  ["post", "/v1/model-bundles"],
  ["post", "/v2/model-bundles"],
  ["post", "/v1/model-bundles/clone-with-changes"],
  ["post", "/v1/model-endpoints"],
  ["put", "/v1/model-endpoints/end_missing"],
  ["post", "/v1/async-tasks?model_endpoint_id=end_missing"],
  ["post", "/v1/sync-tasks?model_endpoint_id=end_missing"],
  ["post", "/v1/streaming-tasks?model_endpoint_id=end_missing"],
];

describe("bad input never crashes the server and never yields a 5xx (§0.2)", () => {
  it("answers malformed JSON with 422 json_invalid before checking credentials", async () => {
    for (const [method, path] of ROUTES) {
      const response = await request(app.url)[method as "post"](path).set("content-type", "application/json").send("{not json");
      expect(response.status, `${method} ${path}`).toBe(422);
      expect(response.body.detail[0]).toMatchObject({ type: "json_invalid", msg: "JSON decode error", loc: ["body", 1] });
    }
  });

  it("answers 401 without credentials, even for a well-formed invalid body", async () => {
    const response = await request(app.url).post("/v1/model-endpoints").send({ name: 1 });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ detail: "No authentication was passed in" });
    expect(response.headers["www-authenticate"]).toBe("Bearer");
  });

  it("answers wrong shapes with 422 lists and unknown ids with 404, for every route", async () => {
    const bodies: unknown[] = [[], "text", 42, null, { name: ["x"] }, { args: { deep: [1, { a: null }] } }];
    for (const [method, path] of ROUTES) {
      for (const body of bodies) {
        const client = request(app.url);
        const response = await client[method as "post"](path)
          .set("authorization", app.auth())
          .send(JSON.stringify(body))
          .set("content-type", "application/json");
        expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
        expect(response.body).toHaveProperty("detail");
      }
    }
    for (const path of ["/v1/model-bundles/bun_nope", "/v2/model-bundles/bun_nope", "/v1/model-endpoints/end_nope"]) {
      const response = await request(app.url).get(path).set("authorization", app.auth());
      expect(response.status, path).toBe(404);
    }
  });

  it("answers an oversized body with 413 and keeps serving", async () => {
    const response = await request(app.url)
      .post("/v1/model-endpoints")
      .set("authorization", app.auth())
      .set("content-type", "application/json")
      .send(JSON.stringify({ name: "x".repeat(10_000) }));
    expect(response.status).toBe(413);
    expect((await request(app.url).get("/healthz")).status).toBe(200);
  });

  it("answers unknown paths 404 and wrong methods 405 like FastAPI", async () => {
    expect((await request(app.url).get("/v1/nothing-here").set("authorization", app.auth())).body).toEqual({ detail: "Not Found" });
    const wrongMethod = await request(app.url).patch("/v1/model-endpoints").set("authorization", app.auth());
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toEqual({ detail: "Method Not Allowed" });
  });

  it("answers an invalid body on the LLM routes (no longer 501) with their own 422, and nothing is pending", async () => {
    const response = await request(app.url).post("/v2/batch-completions").set("authorization", app.auth()).send({});
    expect(response.status).toBe(422);
    expect(Array.isArray(response.body.detail)).toBe(true);
    expect(PENDING_OPERATIONS).toEqual([]);
  });

  it("accepts the legacy client's JSON body on GET and the /v1/launch prefix", async () => {
    const response = await request(app.url).get("/v1/launch/v1/model-endpoints?name=x").set("authorization", app.auth()).send({});
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ model_endpoints: [] });
  });
});
