import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { type EventOf, LifecycleEvents } from "../../../src/domain/events/lifecycle-events.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { AsyncTaskRecord } from "../../../src/domain/task.js";
import { TASK_TRANSITIONS, TaskLifecycle, TaskTransitionError, isAllowedTaskTransition } from "../../../src/domain/tasks/task-lifecycle.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createCommitPort, pendingCommit } from "../../../src/store/group-commit.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { predictRequest } from "./fakes.js";

const SUCCESS = { status: "SUCCESS" as const, result: { result: "1" }, traceback: null, statusCode: null };

function pendingTask(id: string, createdAt = 1000): AsyncTaskRecord {
  return {
    id,
    endpointId: "end_1",
    owner: "me",
    status: "PENDING",
    request: predictRequest(),
    result: null,
    traceback: null,
    statusCode: null,
    createdAt,
    startedAt: null,
    completedAt: null,
    attempts: 0,
  };
}

describe("task lifecycle: the allowed transitions", () => {
  it("allows only forward moves and the redelivery back to PENDING; SUCCESS and FAILURE are final", () => {
    expect(isAllowedTaskTransition(null, "PENDING")).toBe(true);
    expect(isAllowedTaskTransition(null, "STARTED")).toBe(false);
    expect(isAllowedTaskTransition("PENDING", "STARTED")).toBe(true);
    expect(isAllowedTaskTransition("STARTED", "PENDING")).toBe(true);
    expect(isAllowedTaskTransition("PENDING", "FAILURE")).toBe(true);
    for (const to of ["PENDING", "STARTED", "SUCCESS", "FAILURE"] as const) {
      expect(isAllowedTaskTransition("SUCCESS", to)).toBe(false);
      expect(isAllowedTaskTransition("FAILURE", to)).toBe(false);
    }
    expect(TASK_TRANSITIONS.SUCCESS).toEqual([]);
  });
});

describe("task lifecycle over SQLite", () => {
  let db: Db;
  let clock: FakeClock;
  let events: LifecycleEvents;
  let lifecycle: TaskLifecycle;
  let seen: EventOf<"task">[];
  const tasks = () => createTaskRepository(db);

  beforeEach(() => {
    db = openDatabase(":memory:");
    clock = new FakeClock(5000);
    events = new LifecycleEvents();
    seen = [];
    events.on("task", (event) => seen.push(event));
    lifecycle = new TaskLifecycle({ tasks: tasks(), commits: createCommitPort(db), events, clock, logger: silentLogger });
  });
  afterEach(() => {
    lifecycle.dispose();
    db.close();
  });

  it("announces each change only once its commit holds, in order, with the task's fields", async () => {
    const task = pendingTask("t1");
    await lifecycle.create(task);
    expect(seen.map((e) => [e.from, e.to])).toEqual([[null, "PENDING"]]);

    expect(lifecycle.start(task)).toBe(true);
    expect(lifecycle.finish(task, "STARTED", SUCCESS)).toBe(true);
    // Written, not yet committed: nothing announced.
    expect(pendingCommit(db)).not.toBeNull();
    expect(seen).toHaveLength(1);
    await pendingCommit(db);
    expect(seen.map((e) => [e.from, e.to])).toEqual([
      [null, "PENDING"],
      ["PENDING", "STARTED"],
      ["STARTED", "SUCCESS"],
    ]);
    expect(seen[2]).toEqual({
      type: "task",
      at: 5000,
      taskId: "t1",
      endpointId: "end_1",
      owner: "me",
      kind: "async",
      from: "STARTED",
      to: "SUCCESS",
      durationMs: 4000,
    });
    expect(tasks().get("t1")).toMatchObject({ status: "SUCCESS", result: { result: "1" } });
  });

  it("refuses a disallowed transition: a finished task never moves, and no event says it did", async () => {
    const task = pendingTask("t1");
    await lifecycle.create(task);
    expect(lifecycle.finish(task, "PENDING", SUCCESS)).toBe(true);
    expect(lifecycle.start(task)).toBe(false);
    expect(lifecycle.requeue(task)).toBe(false);
    expect(lifecycle.finish(task, "STARTED", { status: "FAILURE", result: "late", traceback: null, statusCode: null })).toBe(false);
    await pendingCommit(db);
    expect(seen.map((e) => e.to)).toEqual(["PENDING", "SUCCESS"]);
    expect(tasks().get("t1")).toMatchObject({ status: "SUCCESS", result: { result: "1" } });
    // A transition the table does not have is a bug in the caller: thrown, nothing written.
    expect(() => lifecycle.finish(task, "SUCCESS" as "STARTED", SUCCESS)).toThrow(TaskTransitionError);
    await expect(lifecycle.create({ ...task, id: "t2", status: "STARTED" })).rejects.toThrow(TaskTransitionError);
    expect(tasks().get("t2")).toBeNull();
  });

  it("announces a batch job's rows as kind batch, and a redelivery as STARTED → PENDING", async () => {
    const rows = [pendingTask("b1"), pendingTask("b2")];
    for (const row of rows) tasks().insert(row);
    await lifecycle.created(rows, "batch");
    expect(lifecycle.start(rows[0] ?? pendingTask("?"))).toBe(true);
    expect(lifecycle.requeue(rows[0] ?? pendingTask("?"))).toBe(true);
    await pendingCommit(db);
    expect(seen.map((e) => [e.taskId, e.kind, e.from, e.to])).toEqual([
      ["b1", "batch", null, "PENDING"],
      ["b2", "batch", null, "PENDING"],
      ["b1", "batch", "PENDING", "STARTED"],
      ["b1", "batch", "STARTED", "PENDING"],
    ]);
    expect(tasks().get("b1")).toMatchObject({ status: "PENDING", attempts: 1 });
  });
});
