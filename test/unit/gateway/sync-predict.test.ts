import { afterEach, describe, expect, it } from "vitest";
import type { BundleFlavor } from "../../../src/domain/bundle.js";
import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import type { PredictRequest } from "../../../src/domain/task.js";
import { createFakeRuntime, type FakeRuntimeOptions } from "../../helpers/fake-runtime.js";
import { FLAVORS, createHarness, makeBundle, makeEndpoint, makeRequest, waitFor, type Harness } from "../scheduler/harness.js";

let harness: Harness;
afterEach(async () => harness.dispose());

const scaling = { minWorkers: 0, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null };

async function syncEndpoint(flavor: BundleFlavor = FLAVORS.artifact, options: FakeRuntimeOptions = {}): Promise<EndpointRecord> {
  harness = createHarness({ runtime: createFakeRuntime(options) });
  harness.add(makeEndpoint("e1", "b1", { endpointType: "sync", scaling }), makeBundle("b1", flavor));
  harness.scheduler.deploy("e1");
  await harness.scheduler.idle();
  return harness.repos.endpoints.get("e1") ?? makeEndpoint("e1", "b1");
}

const predict = (endpoint: EndpointRecord, args: unknown, overrides: Partial<PredictRequest> = {}) =>
  harness.gateway.predictSync(endpoint, makeRequest(args, overrides), { args });

describe("predictSync (§2.3)", () => {
  it("wakes a cold artifact endpoint and passes the worker's JSON through", async () => {
    const endpoint = await syncEndpoint();
    await expect(predict(endpoint, { x: 1 })).resolves.toEqual({ status: "SUCCESS", result: { result: '{"x": 1}' }, traceback: null, status_code: 200 });
    expect(harness.scheduler.workerCounts("e1")).toEqual({ available: 1, unavailable: 0 });
    await expect(predict(endpoint, { x: 2 })).resolves.toMatchObject({ status: "SUCCESS", result: { result: '{"x": 2}' } });
    expect(harness.runtime.workers).toHaveLength(1);
  });

  it("forwards the raw request bytes to artifact workers when given", async () => {
    const bodies: string[] = [];
    const endpoint = await syncEndpoint(FLAVORS.artifact, { handler: (request) => (bodies.push(request.body), undefined) });
    const raw = Buffer.from('{"args": {"y": 1.0}, "timeout_seconds": 5}');
    await expect(harness.gateway.predictSync(endpoint, makeRequest({ y: 1 }), { args: { y: 1 } }, raw)).resolves.toMatchObject({
      result: { result: '{"y": 1.0}' },
    });
    expect(bodies).toEqual(['{"args": {"y": 1.0}, "timeout_seconds": 5}']);
  });

  it("reports a user exception as FAILURE with the traceback", async () => {
    const endpoint = await syncEndpoint();
    const response = await predict(endpoint, { fail: "nope" });
    expect(response).toMatchObject({ status: "FAILURE", result: null, status_code: 500 });
    expect(response.traceback).toContain("ValueError: nope");
  });

  it("sends runnable images only args and wraps their answer", async () => {
    const seen: { path: string; body: string }[] = [];
    const endpoint = await syncEndpoint(FLAVORS.runnable, {
      handler: (request) => {
        seen.push({ path: request.path, body: request.body });
        return { status: 200, text: '{"y": 1.0}' };
      },
    });
    await expect(predict(endpoint, { y: 1 })).resolves.toEqual({ status: "SUCCESS", result: { result: '{"y": 1.0}' }, traceback: null, status_code: 200 });
    await predict(endpoint, undefined, { url: "s3://x", destinationPath: "/other" });
    expect(seen).toEqual([
      { path: "/predict", body: '{"y":1}' },
      { path: "/other", body: "null" },
    ]);
  });

  it("turns an upstream 400 into BAD_REQUEST with the python repr", async () => {
    const endpoint = await syncEndpoint(FLAVORS.runnable, { handler: () => ({ status: 400, text: '{"error": "bad"}' }) });
    await expect(predict(endpoint, { y: 1 })).rejects.toMatchObject({ code: "BAD_REQUEST", message: "Invalid request: {'error': 'bad'}" });
  });

  it("answers FAILURE 503 when no worker comes within the timeout", async () => {
    harness = createHarness();
    harness.add(makeEndpoint("e1", "b1", { endpointType: "sync" }), makeBundle("b1"));
    const endpoint = harness.repos.endpoints.get("e1") ?? makeEndpoint("e1", "b1");
    const pending = predict(endpoint, { x: 1 });
    await harness.clock.advance(9999);
    let settled = false;
    void pending.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await harness.clock.advance(1);
    await expect(pending).resolves.toEqual({ status: "FAILURE", result: null, traceback: "No healthy upstream", status_code: 503 });
    await expect(predict(endpoint, { x: 1 }, { numRetries: 0 })).resolves.toMatchObject({ status_code: 503 });
  });

  it("retries an upstream 503 after the backoff", async () => {
    let calls = 0;
    const endpoint = await syncEndpoint(FLAVORS.runnable, { handler: () => (++calls === 1 ? { status: 503, text: "{}" } : { status: 200, text: "1" }) });
    // The backoff is a timer on the fake clock; counted before the call (the autoscaler may tick then too).
    const backoffAt = harness.clock.now() + 1000;
    const armed = harness.clock.timersDueAt(backoffAt);
    const pending = predict(endpoint, 1);
    await waitFor(() => calls === 1 && harness.clock.timersDueAt(backoffAt) > armed, 3000, "first call and its 1 s backoff");
    await harness.clock.advance(1000);
    await expect(pending).resolves.toMatchObject({ status: "SUCCESS", result: { result: "1" } });
  });

  it("gives up on repeated 429s once the next wait would pass the timeout", async () => {
    let calls = 0;
    const endpoint = await syncEndpoint(FLAVORS.runnable, { handler: () => (calls++, { status: 429, text: "{}" }) });
    // Each backoff is a timer on the fake clock, due `wait` after the call before it; counted before the calls.
    const start = harness.clock.now();
    const steps = [
      { call: 1, wait: 1000, at: start + 1000 },
      { call: 2, wait: 1200, at: start + 2200 },
    ];
    const armed = steps.map((step) => harness.clock.timersDueAt(step.at));
    const pending = predict(endpoint, 1, { timeoutSeconds: 3 });
    for (const [index, { call, wait, at }] of steps.entries()) {
      await waitFor(() => calls === call && harness.clock.timersDueAt(at) > (armed[index] ?? 0), 3000, `call ${call} and its backoff`);
      await harness.clock.advance(wait);
    }
    await expect(pending).resolves.toEqual({ status: "FAILURE", result: null, traceback: "Too many concurrent requests", status_code: 429 });
    expect(calls).toBe(3);
  });

  it("fails over to a new worker when its worker dies mid-request", async () => {
    const endpoint = await syncEndpoint();
    const pending = predict(endpoint, { sleep_ms: 200 });
    await waitFor(() => harness.runtime.workers[0]?.active === 1, 3000, "request running");
    const killed = harness.runtime.workers[0]?.id ?? "";
    harness.scheduler.killWorker("e1", killed);
    await waitFor(() => !harness.scheduler.listWorkers("e1").some((w) => w.id === killed), 3000, "worker gone");
    await harness.clock.advance(1000);
    await expect(pending).resolves.toMatchObject({ status: "SUCCESS", result: { result: '{"sleep_ms": 200}' } });
    expect(harness.runtime.workers.map((w) => w.state)).toEqual(["killed", "ready"]);
  });

  it("times a hanging call out after 300 s with REQUEST_TIMEOUT", async () => {
    const endpoint = await syncEndpoint(FLAVORS.runnable, { handler: () => new Promise(() => undefined) });
    const pending = predict(endpoint, 1);
    await waitFor(() => harness.runtime.workers[0]?.active === 1, 3000, "request running");
    await harness.clock.advance(300_000);
    await expect(pending).rejects.toMatchObject({ code: "REQUEST_TIMEOUT", message: "Request timed out." });
  });

  it("answers waiting requests with FAILURE 503 on undeploy", async () => {
    harness = createHarness();
    harness.add(makeEndpoint("e1", "b1", { endpointType: "sync" }), makeBundle("b1"));
    const pending = predict(harness.repos.endpoints.get("e1") ?? makeEndpoint("e1", "b1"), 1);
    await harness.scheduler.undeploy("e1");
    await expect(pending).resolves.toMatchObject({ status: "FAILURE", traceback: "No healthy upstream", status_code: 503 });
  });
});
