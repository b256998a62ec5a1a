import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { createApp } from "../../src/http/app.js";
import { ALL_OPERATIONS } from "../../src/http/openapi/document.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

/**
 * Routes that are not API operations: the docs and the dashboard pages themselves, signed-URL blob transfers and the blob
 * routes workers use with their own token (Ray runtime), and the S3-compatible door (S3's XML wire,
 * described by S3's own API, README "S3-compatible API").
 */
const NOT_OPERATIONS = new Set([
  "get /openapi.json",
  "get /docs",
  "get /_launch_local/static/docs/{}",
  "get /",
  "get /_launch_local/ui",
  "get /_launch_local/static/ui/{}",
  "put /_launch_local/signed-blobs/*",
  "get /_launch_local/signed-blobs/*",
  "put /_launch_local/worker-blobs/*",
  "get /_launch_local/worker-blobs/*",
  ...["get", "put", "post", "delete"].flatMap((method) => [`${method} /_launch_local/s3`, `${method} /_launch_local/s3/*`]),
]);

const key = (method: string, path: string): string => `${method.toLowerCase()} ${path.replace(/:\w+/g, "{}").replace(/\{\w+\}/g, "{}")}`;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app.close();
});

describe("/openapi.json documents what launch-local serves", () => {
  it("has an operation for every route the app serves, and no operation the app does not serve", () => {
    const served = new Set(
      createApp(app.instance.services)
        .routes.filter((route) => route.method !== "ALL")
        .map((route) => key(route.method, route.path)),
    );
    const documented = new Set(ALL_OPERATIONS.map((operation) => key(operation.method, operation.path)));
    expect([...served].filter((route) => !documented.has(route) && !NOT_OPERATIONS.has(route))).toEqual([]);
    expect([...documented].filter((operation) => !served.has(operation))).toEqual([]);
  });

  it("is served without credentials, as JSON, and names launch-local's version", async () => {
    const response = await request(app.url).get("/openapi.json").expect(200);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    const doc = response.body as { openapi: string; info: Record<string, string>; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.0.3");
    expect(doc.info["x-launch-local-version"]).toMatch(/^\d+\.\d+\.\d+/);
    expect(doc.paths["/_launch_local/endpoints/{endpoint_id}/faults"]).toBeDefined();
    // Also under the client's custom-endpoint prefix, like every route.
    await request(app.url).get("/v1/launch/openapi.json").expect(200);
  });

  it("serves /docs and its assets from the package, with nothing from another host", async () => {
    const page = await request(app.url).get("/docs").expect(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.text).not.toMatch(/https?:\/\//);
    const script = await request(app.url).get("/_launch_local/static/docs/docs.js").expect(200);
    expect(script.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(script.text).not.toMatch(/https?:\/\//);
    await request(app.url).get("/_launch_local/static/docs/docs.css").expect(200);
    // Only the named files: no path reaches the disk.
    await request(app.url).get("/_launch_local/static/docs/..%2F..%2Fpackage.json").expect(404);
    await request(app.url).get("/_launch_local/static/docs/index.html").expect(404);
  });
});
