import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/store/database.js";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { createHarness, makeBundle, makeEndpoint, makeRequest, waitFor, type Harness } from "./harness.js";

let harness: Harness;
afterEach(async () => harness.dispose());

const oneWorker = { minWorkers: 0, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null };

describe("start(): recovery on an existing data dir", () => {
  it("finishes deletes, redeploys, and requeues unfinished tasks in creation order", async () => {
    harness = createHarness({ db: openDatabase(":memory:") });
    const { repos } = harness;
    harness.add(
      makeEndpoint("ready", "b1", { status: "READY", hasInfraState: true, destination: "launch-endpoint-id-ready", scaling: oneWorker }),
      makeBundle("b1"),
    );
    harness.add(makeEndpoint("pending", "b1", { endpointType: "sync" }), makeBundle("b1"));
    harness.add(makeEndpoint("deleting", "b1", { status: "DELETE_IN_PROGRESS" }), makeBundle("b1"));
    const insert = (id: string, endpointId: string, createdAt: number) =>
      repos.tasks.insert({
        id,
        endpointId,
        owner: "me",
        status: "PENDING",
        request: makeRequest({ id }),
        result: null,
        traceback: null,
        statusCode: null,
        createdAt,
        startedAt: null,
        completedAt: null,
        attempts: 0,
      });
    insert("was-started", "ready", 1);
    insert("pending-2", "ready", 2);
    insert("orphan", "ghost", 3);
    repos.tasks.markStarted("was-started", 5);
    harness.statuses.length = 0;

    const runtime = createFakeRuntime();
    const scheduler = await harness.restart(runtime);
    expect(repos.endpoints.get("deleting")).toBeNull();
    expect(scheduler.queueDepth("ready")).toBe(2);
    expect(repos.tasks.get("was-started")).toMatchObject({ status: "PENDING", attempts: 1 });
    await scheduler.idle();

    // READY stays READY while rebuilt; the never-built endpoint goes through the lifecycle.
    expect(repos.endpoints.get("ready")?.status).toBe("READY");
    expect(repos.endpoints.get("pending")).toMatchObject({ status: "READY", hasInfraState: true });
    expect(harness.statuses.filter((s) => s !== "READY")).toEqual(["UPDATE_IN_PROGRESS"]);

    await waitFor(() => repos.tasks.get("pending-2")?.status === "SUCCESS", 3000, "recovered tasks done");
    const first = repos.tasks.get("was-started");
    const second = repos.tasks.get("pending-2");
    expect(first).toMatchObject({ status: "SUCCESS", result: { result: '{"id": "was-started"}' } });
    expect(first?.completedAt ?? Infinity).toBeLessThanOrEqual(second?.completedAt ?? 0);
    expect(repos.tasks.get("orphan")?.status).toBe("PENDING");
    expect(runtime.prepared).toEqual(["b1", "b1"]);
  });

  it("is safe to dispose twice and ignores work after dispose", async () => {
    harness = createHarness();
    harness.add(makeEndpoint("e1", "b1", { scaling: oneWorker }), makeBundle("b1"));
    await harness.scheduler.start();
    await harness.scheduler.dispose();
    await harness.scheduler.dispose();
    const task = harness.submit("e1", { x: 1 });
    expect(harness.repos.tasks.get(task.id)?.status).toBe("PENDING");
    expect(harness.scheduler.queueDepth("e1")).toBe(0);
  });
});
