import { afterEach, describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { FLAVORS, createHarness, makeBundle, makeEndpoint, waitFor, type Harness } from "./harness.js";

let harness: Harness;
afterEach(async () => harness.dispose());

describe("deploy: status lifecycle (§3.1)", () => {
  it("goes UPDATE_PENDING → UPDATE_IN_PROGRESS → READY with destination and infra state", async () => {
    const statusesDuringBuild: string[] = [];
    harness = createHarness({
      runtime: createFakeRuntime({
        prepare: async (_bundle, _gpus, log) => {
          statusesDuringBuild.push(harness.repos.endpoints.get("e1")?.status ?? "gone");
          log("pip install ok");
        },
      }),
    });
    harness.add(makeEndpoint("e1", "b1", { endpointType: "sync", metadata: { keep: true } }), makeBundle("b1"));
    harness.scheduler.deploy("e1");
    // The HTTP side edits other fields while the build runs: the scheduler must not undo that.
    const record = harness.repos.endpoints.get("e1");
    if (record) harness.repos.endpoints.update({ ...record, metadata: { edited: true } });
    await harness.scheduler.idle();

    expect(statusesDuringBuild).toEqual(["UPDATE_PENDING"]);
    // The first entry is the test's own metadata edit.
    expect(harness.statuses).toEqual(["UPDATE_PENDING", "UPDATE_IN_PROGRESS", "READY"]);
    expect(harness.repos.endpoints.get("e1")).toMatchObject({
      status: "READY",
      statusReason: null,
      hasInfraState: true,
      destination: "launch-endpoint-id-e1",
      metadata: { edited: true },
    });
    expect(harness.repos.logs.read("e1", "build")).toEqual([
      "Building environment for bundle bundle-b1 (b1)",
      "fake build of b1",
      "pip install ok",
      "Build succeeded",
    ]);
    expect(harness.scheduler.workerCounts("e1")).toEqual({ available: 0, unavailable: 0 });
  });

  it("shows the runtime's note as status_reason while READY, and clears it when a later build has none", async () => {
    let note: string | null = "Runs as local processes, not in Docker (--runtime auto): no image";
    harness = createHarness({ runtime: createFakeRuntime({ prepare: async () => ({ note }) }) });
    harness.add(makeEndpoint("e1", "b1"), makeBundle("b1"));
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.repos.endpoints.get("e1")).toMatchObject({ status: "READY", statusReason: note });
    note = null;
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.repos.endpoints.get("e1")).toMatchObject({ status: "READY", statusReason: null });
  });

  it("reports no worker counts before any deployment", () => {
    harness = createHarness();
    expect(harness.scheduler.workerCounts("nope")).toBeNull();
    expect(harness.scheduler.queueDepth("nope")).toBe(0);
  });

  it("fails with the build's reason on a LaunchError", async () => {
    harness = createHarness({
      runtime: createFakeRuntime({
        prepare: async () => {
          throw new LaunchError("BAD_REQUEST", "Could not install requirements:\n  no such package");
        },
      }),
    });
    harness.add(makeEndpoint("e1", "b1"), makeBundle("b1"));
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.repos.endpoints.get("e1")).toMatchObject({
      status: "UPDATE_FAILED",
      statusReason: "Could not install requirements: no such package",
      hasInfraState: false,
    });
    expect(harness.repos.logs.read("e1", "build").at(-1)).toBe("Build failed: Could not install requirements: no such package");
  });

  it("hides internal errors behind the real server's message", async () => {
    harness = createHarness({
      runtime: createFakeRuntime({
        prepare: async () => {
          throw new TypeError("boom");
        },
      }),
    });
    harness.add(makeEndpoint("e1", "b1"), makeBundle("b1"));
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.repos.endpoints.get("e1")).toMatchObject({
      status: "UPDATE_FAILED",
      statusReason: "Endpoint deployment failed due to an internal error.",
    });
  });

  it("fails when the artifact cannot be fetched", async () => {
    harness = createHarness();
    harness.add(makeEndpoint("e1", "b1"), makeBundle("b1", { ...FLAVORS.artifact, location: "s3://bucket/missing.pkl" }));
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.repos.endpoints.get("e1")).toMatchObject({
      status: "UPDATE_FAILED",
      statusReason: "Could not read the bundle artifact at s3://bucket/missing.pkl.",
    });
    expect(harness.runtime.prepared).toEqual([]);
  });

  it("stops quietly when the endpoint was deleted during the build", async () => {
    harness = createHarness({
      runtime: createFakeRuntime({
        prepare: async () => {
          harness.repos.endpoints.delete("e1");
        },
      }),
    });
    harness.add(makeEndpoint("e1", "b1"), makeBundle("b1"));
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.repos.endpoints.get("e1")).toBeNull();
    expect(harness.statuses).toEqual([]);
  });

  it("lets the newest of two quick deploys write the status", async () => {
    harness = createHarness();
    harness.add(makeEndpoint("e1", "b1"), makeBundle("b1"));
    harness.scheduler.deploy("e1");
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.statuses).toEqual(["UPDATE_IN_PROGRESS", "READY"]);
    expect(harness.runtime.prepared).toEqual(["b1"]);
  });
});

describe("deploy: roll-out of an update (§3.1)", () => {
  it("keeps old workers serving until the new build succeeded, then replaces them", async () => {
    harness = createHarness();
    harness.add(
      makeEndpoint("e1", "b1", { scaling: { minWorkers: 1, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null } }),
      makeBundle("b1"),
    );
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    await waitFor(() => harness.scheduler.workerCounts("e1")?.available === 1, 3000, "first worker");
    const [first] = harness.scheduler.listWorkers("e1");

    harness.repos.bundles.insert(makeBundle("b2", FLAVORS.runnable));
    const record = harness.repos.endpoints.get("e1");
    if (record) harness.repos.endpoints.update({ ...record, bundleId: "b2", status: "UPDATE_PENDING" });
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    await waitFor(() => harness.runtime.live().length === 1 && harness.runtime.live()[0]?.spec.bundle.id === "b2", 3000, "replacement");
    expect(harness.runtime.workers.find((w) => w.id === first?.id)?.state).toBe("stopped");
    expect(harness.scheduler.listWorkers("e1").map((w) => w.state)).toEqual(["ready"]);
  });

  it("leaves old workers serving after a failed update", async () => {
    let shouldFail = false;
    harness = createHarness({
      runtime: createFakeRuntime({
        prepare: async () => {
          if (shouldFail) throw new LaunchError("BAD_REQUEST", "bad requirements");
        },
      }),
    });
    harness.add(
      makeEndpoint("e1", "b1", { scaling: { minWorkers: 1, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null } }),
      makeBundle("b1"),
    );
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    await waitFor(() => harness.scheduler.workerCounts("e1")?.available === 1, 3000, "first worker");
    shouldFail = true;
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    expect(harness.repos.endpoints.get("e1")?.status).toBe("UPDATE_FAILED");
    expect(harness.scheduler.workerCounts("e1")).toEqual({ available: 1, unavailable: 0 });
    expect(harness.runtime.workers).toHaveLength(1);
  });

  it("restart() replaces every worker, rolling", async () => {
    harness = createHarness();
    harness.add(
      makeEndpoint("e1", "b1", { scaling: { minWorkers: 2, maxWorkers: 2, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null } }),
      makeBundle("b1"),
    );
    harness.scheduler.deploy("e1");
    await harness.scheduler.idle();
    await waitFor(() => harness.scheduler.workerCounts("e1")?.available === 2, 3000, "two workers");
    const before = harness.scheduler.listWorkers("e1").map((w) => w.id);
    await harness.scheduler.restart("e1");
    await waitFor(() => harness.runtime.live().length === 2 && harness.runtime.workers.length === 4, 3000, "replacements");
    const after = harness.scheduler.listWorkers("e1");
    expect(after.map((w) => w.state)).toEqual(["ready", "ready"]);
    expect(after.some((w) => before.includes(w.id))).toBe(false);
    expect(harness.runtime.prepared).toEqual(["b1"]);
  });
});
