import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, createStreamingBundle, eventually, field, readyWorkers } from "./control-fixture.js";

/**
 * Injected faults look to the gateway exactly like the worker doing it (README "Control API"), so the
 * contract's shaping applies: §2.3 for sync and streaming, §4.3/§4.4 for async.
 */
let app: TestApp;
let me: Client;
let syncId: string;
let asyncId: string;
let streamId: string;

beforeAll(async () => {
  app = await createTestApp();
  me = appClient(app);
  const bundleId = await createArtifactBundle(me, "echo");
  syncId = await createEndpoint(me, "echo-sync", bundleId, { endpoint_type: "sync" });
  asyncId = await createEndpoint(me, "echo-async", bundleId, { endpoint_type: "async" });
  streamId = await createEndpoint(me, "echo-stream", await createStreamingBundle(me, "stream"), { endpoint_type: "streaming" });
  await Promise.all([syncId, asyncId, streamId].map((id) => readyWorkers(me, id)));
});

afterAll(async () => {
  await app.close();
});

const addFault = (endpointId: string, rule: Record<string, unknown>) => me.ok("POST", `/_launch_local/endpoints/${endpointId}/faults`, rule);
const sync = (args: unknown) => me.call("POST", `/v1/sync-tasks?model_endpoint_id=${syncId}`, { args });

async function asyncResult(args: unknown): Promise<unknown> {
  const created = await me.ok("POST", `/v1/async-tasks?model_endpoint_id=${asyncId}`, { args });
  return eventually(async () => {
    const task = await me.ok("GET", `/v1/async-tasks/${String(field(created, "task_id"))}`);
    return field(task, "status") === "SUCCESS" || field(task, "status") === "FAILURE" ? task : null;
  }, "the async task to finish");
}

/** The JSON of each SSE event. */
async function stream(args: unknown): Promise<unknown[]> {
  const reply = await me.call("POST", `/v1/streaming-tasks?model_endpoint_id=${streamId}`, { args });
  expect(reply.status).toBe(200);
  return reply.text
    .split("\r\n\r\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => JSON.parse(event.slice("data: ".length)) as unknown);
}

describe("sync requests", () => {
  it("a 500 fault is a FAILURE with the body's traceback, for the next request only", async () => {
    await addFault(syncId, { kind: "fail" });
    const failed = await sync({ x: 1 });
    expect(failed.status).toBe(200);
    expect(failed.json).toEqual({ status: "FAILURE", result: null, traceback: "Injected fault (launch-local): HTTP 500", status_code: 500 });
    expect((await sync({ x: 2 })).json).toEqual({ status: "SUCCESS", result: { result: '{"x": 2}' }, traceback: null, status_code: 200 });
  });

  it("a 503 fault is retried by the gateway, so one failure still ends in SUCCESS", async () => {
    await addFault(syncId, { kind: "fail", status_code: 503 });
    const reply = await sync({ x: 3 });
    expect(field(reply.json, "status")).toBe("SUCCESS");
    const faults = await me.ok("GET", `/_launch_local/endpoints/${syncId}/faults`);
    expect(faults).toEqual({ faults: [] });
  });

  it("a 400 fault is the gateway's HTTP 400 with the Python repr of the body", async () => {
    await addFault(syncId, { kind: "fail", status_code: 400, body: { error: "bad" } });
    const reply = await sync({ x: 4 });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ detail: "Invalid request: {'error': 'bad'}" });
  });

  it("a non-JSON fault body reads as the forwarder's crash", async () => {
    await addFault(syncId, { kind: "fail", status_code: 500, text: "<html>oops</html>" });
    expect((await sync({ x: 5 })).json).toMatchObject({ status: "FAILURE", traceback: "Internal Server Error", status_code: 500 });
  });

  it("latency delays the answer", async () => {
    await addFault(syncId, { kind: "latency", latency_ms: 300, count: 1 });
    const started = Date.now();
    expect(field((await sync({ x: 6 })).json, "status")).toBe("SUCCESS");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("a crash kills the worker under the request; the retry reaches its replacement", async () => {
    const [before] = await readyWorkers(me, syncId);
    await addFault(syncId, { kind: "crash" });
    const reply = await sync({ x: 7 });
    expect(reply.json).toEqual({ status: "SUCCESS", result: { result: '{"x": 7}' }, traceback: null, status_code: 200 });
    const [after] = await readyWorkers(me, syncId);
    expect(after?.id).not.toBe(before?.id);
    const logs = await me.ok("GET", `/_launch_local/endpoints/${syncId}/workers/${before?.id}/logs`);
    expect(field(logs, "lines")).toEqual(expect.arrayContaining([expect.stringContaining("crashed (injected fault)")]));
  });
});

describe("async tasks", () => {
  it("a 500 fault is stored as the artifact worker's answer: SUCCESS holding the error (§4.3)", async () => {
    await addFault(asyncId, { kind: "fail" });
    const task = await asyncResult({ y: 1 });
    expect(task).toMatchObject({ status: "SUCCESS", result: { detail: { traceback: "Injected fault (launch-local): HTTP 500" } } });
  });

  it("a crash loses the task, which is redelivered to the replacement worker and completes (§4.4)", async () => {
    const [before] = await readyWorkers(me, asyncId);
    await addFault(asyncId, { kind: "crash" });
    const task = await asyncResult({ y: 2 });
    expect(task).toMatchObject({ status: "SUCCESS", result: { result: '{"y": 2}' } });
    const [after] = await readyWorkers(me, asyncId);
    expect(after?.id).not.toBe(before?.id);
  });
});

describe("streaming tasks", () => {
  it("a 500 fault is one FAILURE event (the stream forwarder wraps the body as detail)", async () => {
    await addFault(streamId, { kind: "fail", body: { traceback: "boom" } });
    expect(await stream([1, 2])).toEqual([{ status: "FAILURE", result: null, traceback: "boom", status_code: 500 }]);
    expect(await stream([1, 2])).toEqual([
      { status: "SUCCESS", result: { result: 1 }, traceback: null, status_code: 200 },
      { status: "SUCCESS", result: { result: 2 }, traceback: null, status_code: 200 },
    ]);
  });

  it("a crash before the stream opens is retried on the replacement", async () => {
    await addFault(streamId, { kind: "crash" });
    expect(await stream(["a"])).toEqual([{ status: "SUCCESS", result: { result: "a" }, traceback: null, status_code: 200 }]);
  });
});
