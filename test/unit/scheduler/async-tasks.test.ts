import { afterEach, describe, expect, it } from "vitest";
import type { BundleFlavor } from "../../../src/domain/bundle.js";
import { createFakeRuntime, type FakeRuntimeOptions } from "../../helpers/fake-runtime.js";
import { FLAVORS, createHarness, makeBundle, makeEndpoint, waitFor, type Harness } from "./harness.js";

let harness: Harness;
afterEach(async () => harness.dispose());

const oneWorker = { minWorkers: 0, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null };

async function asyncEndpoint(flavor: BundleFlavor = FLAVORS.artifact, options: FakeRuntimeOptions = {}, maxTaskAttempts?: number): Promise<void> {
  harness = createHarness({ runtime: createFakeRuntime(options), maxTaskAttempts });
  harness.add(makeEndpoint("e1", "b1", { scaling: oneWorker }), makeBundle("b1", flavor));
  harness.scheduler.deploy("e1");
  await harness.scheduler.idle();
}

const finished = (id: string) => () => {
  const status = harness.repos.tasks.get(id)?.status;
  return status === "SUCCESS" || status === "FAILURE";
};

describe("async tasks on artifact bundles (§4.3)", () => {
  it("stores a user exception as SUCCESS with the detail body and no status_code", async () => {
    await asyncEndpoint();
    const task = harness.submit("e1", { fail: "bad input" });
    await waitFor(finished(task.id));
    const stored = harness.repos.tasks.get(task.id);
    expect(stored).toMatchObject({ status: "SUCCESS", statusCode: null, traceback: null });
    expect(JSON.stringify(stored?.result)).toContain("ValueError: bad input");
  });

  it("runs tasks in FIFO order on one slot", async () => {
    await asyncEndpoint();
    const ids = [0, 1, 2].map((i) => harness.submit("e1", { i }).id);
    expect(harness.scheduler.queueDepth("e1")).toBe(3);
    await waitFor(() => ids.every((id) => finished(id)()));
    const started = ids.map((id) => harness.repos.tasks.get(id)?.completedAt ?? 0);
    expect([...started].sort((a, b) => a - b)).toEqual(started);
    expect(harness.scheduler.queueDepth("e1")).toBe(0);
  });

  it("skips a task that is no longer PENDING", async () => {
    await asyncEndpoint();
    const task = harness.submit("e1", { x: 1 });
    harness.repos.tasks.complete(task.id, "FAILURE", "expired", null, null, 0);
    const next = harness.submit("e1", { x: 2 });
    await waitFor(finished(next.id));
    expect(harness.repos.tasks.get(task.id)?.result).toBe("expired");
    expect(harness.runtime.workers[0]?.requests).toBe(1);
  });
});

describe("lifecycle events from the scheduler and the gateway", () => {
  it("announces the endpoint's build and each status change of a task run by a worker", async () => {
    harness = createHarness({ runtime: createFakeRuntime() });
    const seen: string[] = [];
    harness.lifecycles.events.on("endpoint", (event) => seen.push(`endpoint ${event.from ?? "-"} → ${event.to}`));
    harness.lifecycles.events.on("task", (event) => seen.push(`task ${event.from ?? "-"} → ${event.to}`));
    harness.add(makeEndpoint("e1", "b1", { scaling: oneWorker }), makeBundle("b1", FLAVORS.artifact));
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    const task = harness.submit("e1", { x: 1 });
    await waitFor(() => seen.includes("task STARTED → SUCCESS"));
    expect(harness.repos.tasks.get(task.id)?.status).toBe("SUCCESS");
    expect(seen).toEqual([
      "endpoint UPDATE_PENDING → UPDATE_IN_PROGRESS",
      "endpoint UPDATE_IN_PROGRESS → READY",
      "task PENDING → STARTED",
      "task STARTED → SUCCESS",
    ]);
  });
});

describe("async tasks on runnable images (§4.4)", () => {
  it("wraps the answer as a Python JSON string and lifts the status code", async () => {
    await asyncEndpoint(FLAVORS.runnable, { handler: () => ({ status: 200, text: '{"y": 1.0, "z": "\u00e9"}' }) });
    const task = harness.submit("e1", { y: 1 });
    await waitFor(finished(task.id));
    expect(harness.repos.tasks.get(task.id)).toMatchObject({ status: "SUCCESS", result: { result: '{"y": 1.0, "z": "\\u00e9"}' }, statusCode: 200 });
  });

  it("keeps a user 500 as SUCCESS with status_code 500", async () => {
    await asyncEndpoint(FLAVORS.runnable);
    const task = harness.submit("e1", { fail: "x" });
    await waitFor(finished(task.id));
    expect(harness.repos.tasks.get(task.id)).toMatchObject({ status: "SUCCESS", statusCode: 500 });
  });

  it("fails a non-JSON answer with the decode error", async () => {
    await asyncEndpoint(FLAVORS.runnable);
    const task = harness.submit("e1", { text: "not json" });
    await waitFor(finished(task.id));
    expect(harness.repos.tasks.get(task.id)).toMatchObject({
      status: "FAILURE",
      result: "Expecting value: line 1 column 1 (char 0)",
      statusCode: null,
    });
  });

  it("honours serialize_results_as_string: false inside args", async () => {
    await asyncEndpoint(FLAVORS.runnable);
    const task = harness.submit("e1", { serialize_results_as_string: false, y: 1 });
    await waitFor(finished(task.id));
    expect(harness.repos.tasks.get(task.id)?.result).toEqual({ result: { serialize_results_as_string: false, y: 1 } });
  });
});

describe("async tasks and dying workers (§4.4 at-least-once)", () => {
  it("requeues the task of a killed worker and completes it on the replacement", async () => {
    await asyncEndpoint();
    const task = harness.submit("e1", { sleep_ms: 300, x: 1 });
    await waitFor(() => harness.runtime.workers[0]?.active === 1, 3000, "task running");
    expect(harness.repos.tasks.get(task.id)?.status).toBe("STARTED");
    const [worker] = harness.scheduler.listWorkers("e1");
    expect(harness.scheduler.killWorker("e1", worker?.id ?? "")).toBe(true);
    await waitFor(finished(task.id), 3000, "task done on the replacement");
    expect(harness.repos.tasks.get(task.id)).toMatchObject({ status: "SUCCESS", attempts: 1, result: { result: '{"sleep_ms": 300, "x": 1}' } });
    expect(harness.runtime.workers.map((w) => w.state)).toEqual(["killed", "ready"]);
    expect(harness.repos.logs.read("e1", "worker").some((line) => line.includes("exited unexpectedly"))).toBe(true);
  });

  it("fails a task after it was lost maxTaskAttempts times", async () => {
    await asyncEndpoint(FLAVORS.artifact, {}, 2);
    const task = harness.submit("e1", { crash: true });
    await waitFor(finished(task.id), 3000, "task failed");
    expect(harness.repos.tasks.get(task.id)).toMatchObject({ status: "FAILURE", result: "Worker lost the task 2 times" });
    expect(harness.runtime.workers.filter((w) => w.state === "killed")).toHaveLength(2);
  });
});
