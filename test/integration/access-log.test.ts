import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstance, type Instance } from "../../src/instance.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";

const auth = `Basic ${Buffer.from("me:").toString("base64")}`;

describe("--log-format json with --log-level debug: the access log", () => {
  const lines: string[] = [];
  let instance: Instance;

  beforeAll(async () => {
    const runtime = createFakeRuntime();
    instance = await createInstance(
      { port: 0, ephemeral: true, logLevel: "debug", logFormat: "json" },
      { runtime: () => runtime, logWriter: (line) => lines.push(line) },
    );
  });
  afterAll(async () => {
    await instance.close();
  });

  const accessLines = (): Record<string, unknown>[] =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.component === "http" && typeof entry.status === "number");

  it("logs every answered request as JSON: method, path without the query, status, milliseconds", async () => {
    await request(instance.url).get("/v1/model-endpoints?name=secret-query").set("authorization", auth).expect(200);
    await request(instance.url).get("/v1/model-endpoints/end_missing").set("authorization", auth).expect(404);
    const entries = accessLines();
    expect(entries.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
      ["GET", "/v1/model-endpoints", 200],
      ["GET", "/v1/model-endpoints/end_missing", 404],
    ]);
    expect(entries[0]).toMatchObject({ level: "debug", msg: expect.stringMatching(/^GET \/v1\/model-endpoints 200 [\d.]+ ms$/) });
    expect(typeof entries[0]?.duration_ms).toBe("number");
    expect(lines.join("\n")).not.toContain("secret-query");
  });

  it("logs sync tasks answered on the fast lane the same way", async () => {
    lines.length = 0;
    // Plain HTTP/1.1 with a JSON body: the shape the fast lane answers itself (http/fast-lane/).
    await request(instance.url).post("/v1/sync-tasks?model_endpoint_id=end_nope").set("authorization", auth).send({ args: {} }).expect(404);
    expect(accessLines().map((entry) => [entry.method, entry.path, entry.status])).toEqual([["POST", "/v1/sync-tasks", 404]]);
  });
});
