import { afterEach, describe, expect, it } from "vitest";
import type { WorkerExit, WorkerHandle, WorkerLaunchSpec, WorkerRuntime } from "../../../src/domain/ports.js";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { createHarness, makeBundle, makeEndpoint, makeRequest, waitFor, type Harness } from "./harness.js";

let harness: Harness;
afterEach(async () => harness.dispose());

const scaling = (minWorkers: number, maxWorkers: number, perWorker = 1, concurrentRequestsPerWorker = 1) => ({
  minWorkers,
  maxWorkers,
  perWorker,
  concurrentRequestsPerWorker,
  forwarderMaxConcurrency: null,
});

async function deployed(endpointScaling = scaling(0, 3), options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  harness = createHarness(options);
  harness.add(makeEndpoint("e1", "b1", { scaling: endpointScaling }), makeBundle("b1"));
  harness.scheduler.deploy("e1");
  await harness.scheduler.idle();
  await harness.scheduler.start();
  return harness;
}

/** A runtime whose workers never become ready (and exit when stopped). */
function neverReadyRuntime(): WorkerRuntime & { started: WorkerLaunchSpec[]; stopped: string[] } {
  const started: WorkerLaunchSpec[] = [];
  const stopped: string[] = [];
  return {
    name: "process",
    started,
    stopped,
    prepare: async () => undefined,
    async start(spec): Promise<WorkerHandle> {
      started.push(spec);
      let exit: (value: WorkerExit) => void = () => undefined;
      const exited = new Promise<WorkerExit>((resolve) => (exit = resolve));
      return {
        id: spec.workerId,
        baseUrl: "http://127.0.0.1:9",
        ready: new Promise<void>(() => undefined),
        exited,
        stop: async () => {
          stopped.push(spec.workerId);
          exit({ code: 0, signal: null });
        },
        kill: () => exit({ code: null, signal: "SIGKILL" }),
      };
    },
    dispose: async () => undefined,
  };
}

describe("autoscaler", () => {
  it("scales from zero on the first async task, without waiting for a tick", async () => {
    await deployed();
    expect(harness.runtime.workers).toHaveLength(0);
    const task = harness.submit("e1", { x: 1 });
    expect(harness.scheduler.workerCounts("e1")).toEqual({ available: 0, unavailable: 1 });
    await waitFor(() => harness.repos.tasks.get(task.id)?.status === "SUCCESS", 3000, "task success");
    expect(harness.repos.tasks.get(task.id)).toMatchObject({ result: { result: '{"x": 1}' }, statusCode: null });
    expect(harness.scheduler.workerCounts("e1")).toEqual({ available: 1, unavailable: 0 });
  });

  it("starts min_workers when min > max (min wins)", async () => {
    await deployed(scaling(2, 1));
    expect(harness.scheduler.listWorkers("e1")).toHaveLength(2);
  });

  it("scales down only after the cool-down, never below min", async () => {
    await deployed(scaling(0, 3), { cooldownMs: 10_000 });
    const task = harness.submit("e1", { x: 1 });
    await waitFor(() => harness.repos.tasks.get(task.id)?.status === "SUCCESS", 3000, "task success");
    await harness.clock.advance(9000);
    expect(harness.scheduler.listWorkers("e1").map((w) => w.state)).toEqual(["ready"]);
    await harness.clock.advance(1000);
    expect(harness.scheduler.listWorkers("e1").map((w) => w.state)).not.toContain("ready");
    await waitFor(() => harness.runtime.live().length === 0, 3000, "worker stopped");
    expect(harness.scheduler.workerCounts("e1")).toEqual({ available: 0, unavailable: 0 });
  });

  it("scales up with load: ceil(inflight / per_worker) workers", async () => {
    await deployed(scaling(0, 5, 2, 1));
    for (let i = 0; i < 5; i++) harness.submit("e1", { sleep_ms: 50 });
    expect(harness.scheduler.listWorkers("e1")).toHaveLength(3);
    await waitFor(() => harness.scheduler.queueDepth("e1") === 0 && harness.repos.tasks.countUnfinished("e1") === 0, 3000, "all tasks done");
  });

  it("never scales away a worker that is still starting", async () => {
    const runtime = neverReadyRuntime();
    harness = createHarness({ runtime: createFakeRuntime(), cooldownMs: 5000, syncTimeoutSeconds: 1 });
    const scheduler = await harness.restart(runtime);
    harness.add(makeEndpoint("e1", "b1", { endpointType: "sync", scaling: scaling(0, 2) }), makeBundle("b1"));
    scheduler.deploy("e1");
    await scheduler.idle();
    const pending = harness.gateway.predictSync(harness.repos.endpoints.get("e1") ?? makeEndpoint("e1", "b1"), makeRequest({ x: 1 }), { args: { x: 1 } });
    expect(runtime.started).toHaveLength(1);
    await harness.clock.advance(1000);
    await expect(pending).resolves.toEqual({ status: "FAILURE", result: null, traceback: "No healthy upstream", status_code: 503 });
    await harness.clock.advance(60_000);
    scheduler.scaleNow("e1");
    expect(runtime.stopped).toEqual([]);
    expect(scheduler.listWorkers("e1").map((w) => w.state)).toEqual(["starting"]);
    expect(scheduler.workerCounts("e1")).toEqual({ available: 0, unavailable: 1 });
  });

  it("marks a crash-looping endpoint UPDATE_FAILED after three failed starts, backing off in between", async () => {
    await deployed(scaling(1, 1), { runtime: createFakeRuntime({ failStarts: () => "ImportError: no module named model" }) });
    const failed = (n: number) => () => harness.runtime.workers.length === n && harness.runtime.workers.every((w) => w.state === "failed");
    await waitFor(failed(1), 3000, "first failure");
    await harness.clock.advance(999);
    expect(harness.runtime.workers).toHaveLength(1);
    await harness.clock.advance(1);
    await waitFor(failed(2), 3000, "second failure");
    await harness.clock.advance(2000);
    await waitFor(failed(3), 3000, "third failure");
    await waitFor(() => harness.repos.endpoints.get("e1")?.status === "UPDATE_FAILED", 3000, "UPDATE_FAILED");
    expect(harness.repos.endpoints.get("e1")?.statusReason).toBe("Worker failed to start: ImportError: no module named model");
    await harness.clock.advance(60_000);
    expect(harness.runtime.workers).toHaveLength(3);
    expect(harness.repos.logs.read("e1", "worker")).toContain("[e1-w1] failed to start: ImportError: no module named model");

    // The next deploy tries again.
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    await waitFor(() => harness.runtime.workers.length === 4, 3000, "a new start");
  });
});
