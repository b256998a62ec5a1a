import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, eventually, field, items, readyWorkers } from "./control-fixture.js";

let app: TestApp;
let me: Client;
let other: Client;
let endpointId: string;

beforeAll(async () => {
  app = await createTestApp();
  me = appClient(app, "me");
  other = appClient(app, "other");
  const bundleId = await createArtifactBundle(me, "echo");
  endpointId = await createEndpoint(me, "echo-async", bundleId, { min_workers: 1, max_workers: 2 });
  await readyWorkers(me, endpointId);
});

afterAll(async () => {
  await app.close();
});

describe("control API: info, workers, kill, scale-now", () => {
  it("needs credentials like the API", async () => {
    const response = await fetch(`${app.url}/_launch_local/info`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "No authentication was passed in" });
  });

  it("reports version, runtime, data dir, url and a summary of the workers", async () => {
    const info = await me.ok("GET", "/_launch_local/info");
    expect(info).toMatchObject({ runtime: "process", url: app.url, data_dir: app.instance.config.dataDir, endpoints: 1 });
    expect(field(info, "version")).toMatch(/^\d+\.\d+\.\d+/);
    expect(field(info, "workers")).toEqual({ total: 1, starting: 0, ready: 1, stopping: 0 });
  });

  it("lists an endpoint's workers, and kills one, which is then replaced", async () => {
    const [worker] = await readyWorkers(me, endpointId);
    const listed = await me.ok("GET", `/_launch_local/endpoints/${endpointId}/workers`);
    expect(field(listed, "workers", 0)).toMatchObject({ id: worker?.id, state: "ready", inflight: 0, pid: null });
    expect(field(listed, "workers", 0, "base_url")).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect(await me.ok("POST", `/_launch_local/endpoints/${endpointId}/workers/${worker?.id}/kill`)).toEqual({ killed: true });
    const [replacement] = await readyWorkers(me, endpointId);
    expect(replacement?.id).not.toBe(worker?.id);
    const logs = await me.ok("GET", `/_launch_local/endpoints/${endpointId}/workers/${worker?.id}/logs`);
    expect(field(logs, "lines")).toEqual(expect.arrayContaining([expect.stringContaining("exited unexpectedly")]));

    const missing = await me.call("POST", `/_launch_local/endpoints/${endpointId}/workers/nope/kill`);
    expect(missing.status).toBe(404);
    expect(typeof field(missing.json, "detail")).toBe("string");
  });

  it("scales now, without waiting for the cool-down", async () => {
    await me.ok("PUT", `/v1/model-endpoints/${endpointId}`, { min_workers: 2 });
    await eventually(async () => (field(await me.ok("GET", `/v1/model-endpoints/${endpointId}`), "status") === "READY" ? true : null), "READY");
    await readyWorkers(me, endpointId, 2);
    await me.ok("PUT", `/v1/model-endpoints/${endpointId}`, { min_workers: 1 });
    await eventually(async () => (field(await me.ok("GET", `/v1/model-endpoints/${endpointId}`), "status") === "READY" ? true : null), "READY");
    // The test app's cool-down is a minute: without scale-now both workers would stay.
    const scaled = await me.ok("POST", `/_launch_local/endpoints/${endpointId}/scale-now`);
    const states = items(field(scaled, "workers")).map((w) => field(w, "state"));
    expect(states.filter((s) => s !== "stopping")).toHaveLength(1);
    await readyWorkers(me, endpointId, 1);
  });

  it("answers 404 for another user's endpoint on every per-endpoint route", async () => {
    const [worker] = await readyWorkers(me, endpointId);
    const routes: [string, string, unknown?][] = [
      ["GET", `/_launch_local/endpoints/${endpointId}/workers`],
      ["POST", `/_launch_local/endpoints/${endpointId}/workers/${worker?.id}/kill`],
      ["GET", `/_launch_local/endpoints/${endpointId}/workers/${worker?.id}/logs`],
      ["POST", `/_launch_local/endpoints/${endpointId}/scale-now`],
      ["GET", `/_launch_local/endpoints/${endpointId}/faults`],
      ["POST", `/_launch_local/endpoints/${endpointId}/faults`, { kind: "crash" }],
      ["DELETE", `/_launch_local/endpoints/${endpointId}/faults`],
      ["GET", `/_launch_local/endpoints/${endpointId}/logs`],
    ];
    for (const [method, path, body] of routes) {
      const reply = await other.call(method, path, body);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json).toEqual({ detail: "The specified endpoint could not be found." });
    }
    expect(field(await me.ok("GET", `/_launch_local/endpoints/${endpointId}/faults`), "faults")).toEqual([]);
    expect((await readyWorkers(me, endpointId))[0]?.id).toBe(worker?.id);
  });
});

describe("control API: fault rules", () => {
  it("adds, lists, removes and clears rules, with defaults per kind", async () => {
    const base = `/_launch_local/endpoints/${endpointId}/faults`;
    const fail = await me.ok("POST", base, { kind: "fail", status_code: 503, count: 2 });
    expect(fail).toMatchObject({ kind: "fail", status_code: 503, count: 2, remaining: 2, applied: 0, probability: 1, latency_ms: null });
    expect(JSON.parse(String(field(fail, "body")))).toEqual({ detail: { traceback: "Injected fault (launch-local): HTTP 503" } });
    const latency = await me.ok("POST", base, { kind: "latency", latency_ms: 50, probability: 0.5 });
    expect(latency).toMatchObject({ kind: "latency", latency_ms: 50, count: null, probability: 0.5, status_code: null });
    const crash = await me.ok("POST", base, { kind: "crash" });
    expect(crash).toMatchObject({ kind: "crash", count: 1 });
    const text = await me.ok("POST", base, { kind: "fail", text: "not json", until_cleared: true });
    expect(text).toMatchObject({ body: "not json", count: null });

    expect(items(field(await me.ok("GET", base), "faults")).map((f) => field(f, "kind"))).toEqual(["fail", "latency", "crash", "fail"]);
    expect(await me.ok("DELETE", `${base}/${String(field(crash, "id"))}`)).toEqual({ deleted: true });
    expect((await me.call("DELETE", `${base}/${String(field(crash, "id"))}`)).status).toBe(404);
    expect(await me.ok("DELETE", base)).toEqual({ cleared: 3 });
    expect(await me.ok("GET", base)).toEqual({ faults: [] });
  });

  it("validates rule bodies with pydantic-style 422s", async () => {
    const base = `/_launch_local/endpoints/${endpointId}/faults`;
    const noKind = await me.call("POST", base, { count: 1 });
    expect(noKind.status).toBe(422);
    expect(field(noKind.json, "detail", 0, "type")).toBe("union_tag_not_found");
    const noLatency = await me.call("POST", base, { kind: "latency" });
    expect(noLatency.status).toBe(422);
    expect(field(noLatency.json, "detail", 0)).toMatchObject({ type: "missing", loc: ["body", "latency", "latency_ms"] });
    const badProbability = await me.call("POST", base, { kind: "crash", probability: 0 });
    expect(field(badProbability.json, "detail", 0)).toMatchObject({ type: "greater_than", loc: ["body", "crash", "probability"] });
    const badStatus = await me.call("POST", base, { kind: "fail", status_code: 99 });
    expect(badStatus.status).toBe(422);
  });
});

describe("control API: logs and blobs", () => {
  it("returns an endpoint's build and worker logs, or one stream, newest lines last", async () => {
    const both = await me.ok("GET", `/_launch_local/endpoints/${endpointId}/logs`);
    expect(field(both, "build")).toEqual(expect.arrayContaining([expect.stringContaining("Build succeeded")]));
    expect(field(both, "worker")).toEqual(expect.arrayContaining([expect.stringContaining("ready at")]));
    const build = await me.ok("GET", `/_launch_local/endpoints/${endpointId}/logs?stream=build&limit=1`);
    expect(build).toEqual({ build: [expect.any(String)] });
    expect((await me.call("GET", `/_launch_local/endpoints/${endpointId}/logs?stream=nope`)).status).toBe(422);
    expect((await me.call("GET", `/_launch_local/endpoints/${endpointId}/logs?limit=0`)).status).toBe(422);
  });

  it("puts and gets raw bytes at any s3:// location, and refuses other schemes", async () => {
    const location = "s3://inputs/batch/rows.csv";
    const bytes = new Uint8Array([0, 255, 10, 13, 34]);
    expect(await me.ok("PUT", `/_launch_local/blobs?location=${encodeURIComponent(location)}`, bytes)).toEqual({ location, size: 5 });
    const got = await fetch(`${app.url}/_launch_local/blobs?location=${encodeURIComponent(location)}`, { headers: { authorization: me.authorization } });
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    expect(existsSync(join(app.instance.config.dataDir, "blobs", "inputs", "batch", "rows.csv"))).toBe(true);

    const missing = await me.call("GET", `/_launch_local/blobs?location=${encodeURIComponent("s3://inputs/nothing")}`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: "Object not found: s3://inputs/nothing" });
    for (const bad of ["file:///etc/passwd", "/etc/passwd", "https://example.com/x", "s3://bucket"]) {
      const reply = await me.call("GET", `/_launch_local/blobs?location=${encodeURIComponent(bad)}`);
      expect(reply.status, bad).toBe(400);
    }
    expect((await me.call("GET", "/_launch_local/blobs")).json).toEqual({
      detail: [{ type: "missing", loc: ["query", "location"], msg: "Field required", input: null }],
    });
    expect((await fetch(`${app.url}/_launch_local/blobs?location=s3://a/b`, { method: "PUT", body: "x" })).status).toBe(401);
  });
});
