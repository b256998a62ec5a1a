import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_DEPTH } from "../../src/http/json-depth.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { exchange } from "../helpers/raw-http.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, field, readyWorkers } from "./control-fixture.js";

/**
 * Issue 13 item 6: a body nested deeper than the real stack's parser takes is FastAPI's 400
 * `There was an error parsing the body` (measured: FastAPI 0.142 / Starlette 1.7 parse 961 levels,
 * not 962), on every JSON route and on both doors of POST /v1/sync-tasks; never a 500. So is a
 * body that is not UTF-8 (Python's json.loads fails to decode it).
 */
const PARSE_ERROR = { detail: "There was an error parsing the body" };
const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;
/** `{"args": {"x": <arrays>}}` nested `depth` levels in all. */
const argsBody = (depth: number): string => `{"args": {"x": ${nested(depth - 2)}}}`;

let app: TestApp;
let me: Client;
let asyncId: string;
let syncId: string;

beforeAll(async () => {
  app = await createTestApp();
  me = appClient(app);
  const bundleId = await createArtifactBundle(me, "echo");
  asyncId = await createEndpoint(me, "deep-async", bundleId);
  syncId = await createEndpoint(me, "deep-sync", bundleId, { endpoint_type: "sync" });
  await readyWorkers(me, syncId);
});
afterAll(async () => {
  await app.close();
});

async function post(path: string, body: string | Uint8Array): Promise<{ status: number; json: unknown }> {
  const payload = typeof body === "string" ? body : new Uint8Array(body);
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { authorization: me.authorization, "content-type": "application/json" },
    body: payload,
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text) as unknown };
}

describe("bodies the real parser cannot take", () => {
  it("answers 400 for 100,000 levels on the async, sync, endpoint and bundle routes", async () => {
    const deep = nested(100_000);
    for (const path of [
      `/v1/async-tasks?model_endpoint_id=${asyncId}`,
      `/v1/sync-tasks?model_endpoint_id=${syncId}`,
      "/v1/model-endpoints",
      "/v2/model-bundles",
      "/v1/model-bundles",
      "/v1/batch-jobs",
    ]) {
      const reply = await post(path, deep);
      expect(reply, path).toEqual({ status: 400, json: PARSE_ERROR });
    }
    // Inside an otherwise valid request too, and through the fast lane's own door.
    expect(await post(`/v1/async-tasks?model_endpoint_id=${asyncId}`, `{"args": ${deep}}`)).toEqual({ status: 400, json: PARSE_ERROR });
    const body = argsBody(1000);
    const head = `POST /v1/sync-tasks?model_endpoint_id=${syncId} HTTP/1.1\r\nHost: x\r\nAuthorization: ${me.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const lane = await exchange(app.instance.port, [head + body], 1);
    lane.socket.destroy();
    expect(lane.answers[0]).toMatchObject({ status: 400, body: '{"detail":"There was an error parsing the body"}' });
  });

  it("takes exactly the depth the real stack takes", async () => {
    expect((await post(`/v1/async-tasks?model_endpoint_id=${asyncId}`, argsBody(MAX_BODY_DEPTH))).status).toBe(200);
    expect(await post(`/v1/async-tasks?model_endpoint_id=${asyncId}`, argsBody(MAX_BODY_DEPTH + 1))).toEqual({ status: 400, json: PARSE_ERROR });
    // Brackets inside strings are text, not nesting.
    expect((await post(`/v1/async-tasks?model_endpoint_id=${asyncId}`, JSON.stringify({ args: { s: "[".repeat(5000) } }))).status).toBe(200);
    const sync = await post(`/v1/sync-tasks?model_endpoint_id=${syncId}`, argsBody(MAX_BODY_DEPTH));
    expect(sync.status).toBe(200);
    expect(field(sync.json, "status")).toBe("SUCCESS");
  });

  it("answers 400 for a body that is not UTF-8, as Python's json.loads fails to decode it", async () => {
    const reply = await post("/v1/model-endpoints", Uint8Array.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    expect(reply).toEqual({ status: 400, json: PARSE_ERROR });
  });
});
