import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/domain/clock.js";
import { LaunchError } from "../../src/domain/errors.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, createStreamingBundle, eventually, field, readyWorkers } from "./control-fixture.js";

/**
 * Endpoints whose workers cannot start (README "Reliability"): after the crash-loop rule's three failed
 * starts the endpoint is UPDATE_FAILED, and then nothing waits for a worker that never comes: queued
 * and later async tasks end FAILURE with the start error, sync and streaming requests answer FAILURE
 * with the status_reason at once (the clock is fake and stands still for them: the gateway's 10 s wait
 * could not have run out). An update clears it. Over the fake runtime, whose starts fail for the
 * bundles in `broken`.
 */
const START_ERROR = "ModuleNotFoundError: No module named 'cloudpickle'";
const STATUS_REASON = `Worker failed to start: ${START_ERROR}`;

let app: TestApp | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

interface World {
  me: Client;
  clock: FakeClock;
  /** Bundle ids whose workers fail to start. */
  broken: Set<string>;
}

async function world(): Promise<World> {
  const broken = new Set<string>();
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  app = await createTestApp({ clock, fakeRuntime: createFakeRuntime({ failStarts: (spec) => (broken.has(spec.bundle.id) ? START_ERROR : null) }) });
  return { me: appClient(app), clock, broken };
}

const endpointOf = async (me: Client, id: string) => me.ok("GET", `/v1/model-endpoints/${id}`);
const statusOf = async (me: Client, id: string) => field(await endpointOf(me, id), "status");

async function isReady(me: Client, id: string): Promise<void> {
  await eventually(async () => ((await statusOf(me, id)) === "READY" ? true : null), `${id} READY`);
}

/**
 * Moves the fake clock through the back-off between failed starts, a second at a time and only while
 * no worker is starting, until the crash loop ends (1 s + 2 s of back-off: the clock moves 3 to 4 s).
 */
async function crashLoopEnds(w: World, id: string): Promise<void> {
  await eventually(async () => {
    if ((await statusOf(w.me, id)) === "UPDATE_FAILED") return true;
    const workers = field(await w.me.ok("GET", `/_launch_local/endpoints/${id}/workers`), "workers");
    if (Array.isArray(workers) && workers.every((worker) => field(worker, "state") !== "starting")) await w.clock.advance(1000);
    return null;
  }, `${id} UPDATE_FAILED`);
  expect(field(await endpointOf(w.me, id), "status_reason")).toBe(STATUS_REASON);
}

async function submit(me: Client, endpointId: string, args: unknown): Promise<string> {
  return String(field(await me.ok("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args }), "task_id"));
}

const finished = (me: Client, taskId: string) =>
  eventually(async () => {
    const task = await me.ok("GET", `/v1/async-tasks/${taskId}`);
    return field(task, "status") === "SUCCESS" || field(task, "status") === "FAILURE" ? task : null;
  }, `task ${taskId} to finish`);

const refusedTask = (taskId: string) => ({ task_id: taskId, status: "FAILURE", result: STATUS_REASON, traceback: STATUS_REASON, status_code: null });
const refusedSync = { status: "FAILURE", result: null, traceback: STATUS_REASON, status_code: 503 };

async function streamEvents(me: Client, endpointId: string, args: unknown): Promise<unknown[]> {
  const reply = await me.call("POST", `/v1/streaming-tasks?model_endpoint_id=${endpointId}`, { args });
  expect(reply.status).toBe(200);
  return reply.text
    .split("\r\n\r\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => JSON.parse(event.slice("data: ".length)) as unknown);
}

describe("an endpoint whose workers cannot start", () => {
  it("async, min_workers 0: the task that woke it and every later one end FAILURE with the start error; an update clears it", async () => {
    const w = await world();
    const bundleId = await createArtifactBundle(w.me, "no-cloudpickle");
    w.broken.add(bundleId);
    const id = await createEndpoint(w.me, "cold-async", bundleId, { min_workers: 0, max_workers: 2 });
    await isReady(w.me, id);

    const first = await submit(w.me, id, { n: 1 });
    const second = await submit(w.me, id, { n: 2 });
    await crashLoopEnds(w, id);
    expect(await finished(w.me, first)).toEqual(refusedTask(first));
    expect(await finished(w.me, second)).toEqual(refusedTask(second));

    const later = await submit(w.me, id, { n: 3 });
    expect(await finished(w.me, later)).toEqual(refusedTask(later));

    // The fix lands with an update: the endpoint deploys again and its tasks run.
    w.broken.delete(bundleId);
    await w.me.ok("PUT", `/v1/model-endpoints/${id}`, { max_workers: 1 });
    await isReady(w.me, id);
    const fixed = await submit(w.me, id, { n: 4 });
    expect(await finished(w.me, fixed)).toMatchObject({ status: "SUCCESS", result: { result: '{"n": 4}' } });
  });

  it("sync: a waiting request is answered when the crash loop ends, later ones at once, with the status_reason", async () => {
    const w = await world();
    const bundleId = await createArtifactBundle(w.me, "bad-load");
    w.broken.add(bundleId);
    const id = await createEndpoint(w.me, "cold-sync", bundleId, { endpoint_type: "sync", min_workers: 0, max_workers: 1 });
    await isReady(w.me, id);

    const waiting = w.me.call("POST", `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { n: 1 } });
    await crashLoopEnds(w, id);
    // Three failed starts take 3 s of back-off: within the request's 10 s, so no "No healthy upstream" yet.
    expect((await waiting).json).toEqual(refusedSync);
    const later = await w.me.call("POST", `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { n: 2 }, timeout_seconds: 600 });
    expect(later.status).toBe(200);
    expect(later.json).toEqual(refusedSync);

    w.broken.delete(bundleId);
    await w.me.ok("PUT", `/v1/model-endpoints/${id}`, { max_workers: 2 });
    await isReady(w.me, id);
    const fixed = w.me.call("POST", `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { n: 3 } });
    expect((await fixed).json).toEqual({ status: "SUCCESS", result: { result: '{"n": 3}' }, traceback: null, status_code: 200 });
  });

  it("streaming, min_workers 1: one FAILURE event with the status_reason, at once", async () => {
    const w = await world();
    const bundleId = await createStreamingBundle(w.me, "bad-stream");
    w.broken.add(bundleId);
    const id = await createEndpoint(w.me, "bad-stream", bundleId, { endpoint_type: "streaming" });
    await crashLoopEnds(w, id);
    expect(await streamEvents(w.me, id, ["a", "b"])).toEqual([refusedSync]);
  });

  it("an older deployment's workers keep serving through a failed update: nothing is refused", async () => {
    const w = await world();
    const good = await createArtifactBundle(w.me, "good");
    const bad = await createArtifactBundle(w.me, "bad");
    w.broken.add(bad);
    const asyncId = await createEndpoint(w.me, "kept-async", good);
    const syncId = await createEndpoint(w.me, "kept-sync", good, { endpoint_type: "sync" });
    await Promise.all([readyWorkers(w.me, asyncId), readyWorkers(w.me, syncId)]);

    for (const id of [asyncId, syncId]) {
      await w.me.ok("PUT", `/v1/model-endpoints/${id}`, { model_bundle_id: bad });
      await crashLoopEnds(w, id);
    }
    const task = await submit(w.me, asyncId, { n: 1 });
    expect(await finished(w.me, task)).toMatchObject({ status: "SUCCESS", result: { result: '{"n": 1}' } });
    const sync = await w.me.call("POST", `/v1/sync-tasks?model_endpoint_id=${syncId}`, { args: { n: 2 } });
    expect(sync.json).toEqual({ status: "SUCCESS", result: { result: '{"n": 2}' }, traceback: null, status_code: 200 });
  });
});

describe("an endpoint whose first build fails", () => {
  const BUILD_ERROR = "pip install failed: No matching distribution found for not-a-package==9.9";

  it("ends its queued and later async tasks and its sync requests FAILURE with the build error; a fixed endpoint runs them", async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 1));
    const broken = new Set<string>();
    let releaseBuild: () => void = () => undefined;
    const buildGate = new Promise<void>((resolve) => (releaseBuild = resolve));
    const fakeRuntime = createFakeRuntime({
      prepare: async (bundle) => {
        if (!broken.has(bundle.id)) return;
        await buildGate;
        throw new LaunchError("BAD_REQUEST", BUILD_ERROR);
      },
    });
    app = await createTestApp({ clock, fakeRuntime });
    const me = appClient(app);
    const bundleId = await createArtifactBundle(me, "bad-requirements");
    broken.add(bundleId);
    const id = await createEndpoint(me, "bad-build", bundleId, { min_workers: 0, max_workers: 1 });

    // Queued while the build runs: it waits, as on the real platform, then ends with the build error.
    const queued = await submit(me, id, { n: 1 });
    expect(field(await me.ok("GET", `/v1/async-tasks/${queued}`), "status")).toBe("PENDING");
    releaseBuild();
    await eventually(async () => ((await statusOf(me, id)) === "UPDATE_FAILED" ? true : null), `${id} UPDATE_FAILED`);
    expect(field(await endpointOf(me, id), "status_reason")).toBe(BUILD_ERROR);
    const refused = (taskId: string) => ({ task_id: taskId, status: "FAILURE", result: BUILD_ERROR, traceback: BUILD_ERROR, status_code: null });
    expect(await finished(me, queued)).toEqual(refused(queued));
    const later = await submit(me, id, { n: 2 });
    expect(await finished(me, later)).toEqual(refused(later));
    const syncId = await createEndpoint(me, "bad-build-sync", bundleId, { endpoint_type: "sync", min_workers: 0, max_workers: 1 });
    await eventually(async () => ((await statusOf(me, syncId)) === "UPDATE_FAILED" ? true : null), `${syncId} UPDATE_FAILED`);
    const sync = await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${syncId}`, { args: { n: 3 }, timeout_seconds: 600 });
    expect(sync.json).toEqual({ status: "FAILURE", result: null, traceback: BUILD_ERROR, status_code: 503 });

    // An endpoint without a first deployment cannot be updated (the real server's 500 "infra state not
    // found"): the fix is a new endpoint, whose tasks run.
    const update = await me.call("PUT", `/v1/model-endpoints/${id}`, { max_workers: 2 });
    expect(update.status).toBe(500);
    await me.ok("DELETE", `/v1/model-endpoints/${id}`);
    const fixedBundle = await createArtifactBundle(me, "fixed-requirements");
    const fixedId = await createEndpoint(me, "bad-build", fixedBundle, { min_workers: 0, max_workers: 1 });
    const fixed = await submit(me, fixedId, { n: 4 });
    expect(await finished(me, fixed)).toMatchObject({ status: "SUCCESS", result: { result: '{"n": 4}' } });
  });
});
