/**
 * Full disk while tasks complete (README "Reliability"): the store's group commit fails, so every task
 * write of that turn is rolled back after the scheduler moved on. Through a store seam that fails
 * commits as SQLite does on a full disk (test/helpers/failing-commits.ts); the same on a real full
 * tmpfs: test/integration/full-disk.test.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/domain/logger.js";
import { openDatabase } from "../../../src/store/database.js";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { failingCommits } from "../../helpers/failing-commits.js";
import { FLAVORS, type Harness, createHarness, makeBundle, makeEndpoint, waitFor } from "./harness.js";

let harness: Harness;
afterEach(async () => harness.dispose());

const twoWorkers = { minWorkers: 2, maxWorkers: 2, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null };
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("failed commits while async tasks complete", () => {
  it("puts back every task write a failed commit covered: all finish once commits hold again, without a restart, logged once", async () => {
    const db = openDatabase(":memory:");
    const seam = failingCommits(db);
    const lines: string[] = [];
    harness = createHarness({ db, runtime: createFakeRuntime(), logger: createLogger("info", (line) => lines.push(line)) });
    const successes = new Map<string, number>();
    harness.lifecycles.events.on("task", (event) => {
      if (event.to === "SUCCESS" && event.taskId !== null) successes.set(event.taskId, (successes.get(event.taskId) ?? 0) + 1);
    });
    harness.add(makeEndpoint("e1", "b1", { scaling: twoWorkers }), makeBundle("b1", FLAVORS.artifact));
    // Queued and committed before any worker exists.
    const ids = Array.from({ length: 30 }, (_, i) => harness.submit("e1", { i }).id);
    await nextTurn();
    expect(harness.repos.tasks.countUnfinished("e1")).toBe(30);

    seam.fail(Infinity);
    harness.scheduler.deploy("e1");
    // Every task runs on a worker and its answer comes back; none of it reaches the database.
    await waitFor(() => harness.runtime.workers.reduce((sum, worker) => sum + worker.requests, 0) === 30 && harness.scheduler.queueDepth("e1") === 0);
    await waitFor(() => harness.runtime.workers.every((worker) => worker.active === 0));
    for (let i = 0; i < 5; i++) {
      await harness.clock.advance(2000);
      await nextTurn();
    }
    expect(seam.failed).toBeGreaterThan(0);
    expect(ids.map((id) => harness.repos.tasks.get(id)?.status).every((status) => status === "PENDING" || status === "STARTED")).toBe(true);
    expect(harness.lifecycles.taskLifecycle.heldWrites).toBeGreaterThan(0);
    expect(successes.size).toBe(0);
    const failures = lines.filter((line) => line.includes("task status writes are not reaching the database"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("the disk holding the data dir is full (SQLITE_FULL: database or disk is full)");

    // Space returns: the held writes hold at the next retry, with no new work and no restart.
    seam.heal();
    await waitFor(() => {
      void harness.clock.advance(500);
      return ids.every((id) => harness.repos.tasks.get(id)?.status === "SUCCESS");
    });
    await nextTurn();
    expect(harness.lifecycles.taskLifecycle.heldWrites).toBe(0);
    expect(ids.every((id) => successes.get(id) === 1)).toBe(true);
    expect(lines.filter((line) => line.includes("task status writes reach the database again"))).toHaveLength(1);
    // Endpoint status writes made while commits failed were written again too.
    expect(harness.repos.endpoints.get("e1")?.status).toBe("READY");
  });

  it("keeps redeliveries in order: a task whose worker was lost during the failure still runs and finishes", async () => {
    const db = openDatabase(":memory:");
    const seam = failingCommits(db);
    harness = createHarness({ db, runtime: createFakeRuntime() });
    harness.add(makeEndpoint("e1", "b1", { scaling: twoWorkers }), makeBundle("b1", FLAVORS.artifact));
    const task = harness.submit("e1", { crash: true });
    const other = harness.submit("e1", { x: 1 });
    await nextTurn();
    seam.fail(Infinity);
    harness.scheduler.deploy("e1");
    // The crashing task is lost with its worker, redelivered (STARTED → PENDING held), lost again …
    await waitFor(() => harness.runtime.workers.length >= 3);
    seam.heal();
    await waitFor(() => {
      void harness.clock.advance(500);
      const status = harness.repos.tasks.get(task.id)?.status;
      return (status === "FAILURE" || status === "SUCCESS") && harness.repos.tasks.get(other.id)?.status === "SUCCESS";
    }, 10_000);
    expect(harness.repos.tasks.get(task.id)).toMatchObject({ status: "FAILURE", result: "Worker lost the task 5 times" });
  });
});
