import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TaskRepository } from "../../../src/domain/ports.js";
import type { AsyncTaskRecord } from "../../../src/domain/task.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { predictRequest } from "./fakes.js";

function task(id: string, overrides: Partial<AsyncTaskRecord> = {}): AsyncTaskRecord {
  return {
    id,
    endpointId: "end_1",
    owner: "me",
    status: "PENDING",
    request: predictRequest(),
    result: null,
    traceback: null,
    statusCode: null,
    createdAt: 1000,
    startedAt: null,
    completedAt: null,
    attempts: 0,
    ...overrides,
  };
}

describe("task repository (SQLite)", () => {
  let db: Db;
  let repo: TaskRepository;

  beforeEach(() => {
    db = openDatabase(":memory:");
    repo = createTaskRepository(db);
  });
  afterEach(() => db.close());

  it("round-trips a task, request included", () => {
    const record = task("t1", { request: predictRequest({ args: { a: [1, "x", null] }, callbackUrl: "http://cb" }) });
    repo.insert(record);
    expect(repo.get("t1")).toEqual(record);
    expect(repo.get("missing")).toBeNull();
  });

  it("marks started only from PENDING", () => {
    repo.insert(task("t1"));
    expect(repo.markStarted("t1", 2000)).toBe(true);
    expect(repo.get("t1")).toMatchObject({ status: "STARTED", startedAt: 2000 });
    expect(repo.markStarted("t1", 3000)).toBe(false);
    expect(repo.get("t1")?.startedAt).toBe(2000);
    expect(repo.markStarted("missing", 3000)).toBe(false);
  });

  it("completes from PENDING or STARTED and stores the result", () => {
    repo.insert(task("t1"));
    repo.insert(task("t2"));
    repo.markStarted("t1", 2000);
    repo.complete("t1", "SUCCESS", { result: '{"y": 1}' }, null, 200, 3000);
    repo.complete("t2", "FAILURE", "boom", "Traceback ...", null, 3100);
    expect(repo.get("t1")).toMatchObject({ status: "SUCCESS", result: { result: '{"y": 1}' }, statusCode: 200, completedAt: 3000 });
    expect(repo.get("t2")).toMatchObject({ status: "FAILURE", result: "boom", traceback: "Traceback ...", completedAt: 3100 });
  });

  it("never moves a finished task backwards", () => {
    repo.insert(task("t1"));
    repo.markStarted("t1", 2000);
    repo.complete("t1", "SUCCESS", { result: "1" }, null, 200, 3000);

    repo.complete("t1", "FAILURE", "late", "tb", 500, 4000);
    expect(repo.markStarted("t1", 5000)).toBe(false);
    repo.requeue("t1");

    expect(repo.get("t1")).toMatchObject({ status: "SUCCESS", result: { result: "1" }, traceback: null, statusCode: 200, completedAt: 3000, attempts: 0 });
  });

  it("requeues STARTED to PENDING and counts the attempt", () => {
    repo.insert(task("t1"));
    repo.requeue("t1"); // PENDING: nothing to do
    expect(repo.get("t1")).toMatchObject({ status: "PENDING", attempts: 0 });

    repo.markStarted("t1", 2000);
    repo.requeue("t1");
    expect(repo.get("t1")).toMatchObject({ status: "PENDING", startedAt: null, attempts: 1 });
    expect(repo.markStarted("t1", 2500)).toBe(true);
    repo.requeue("t1");
    expect(repo.get("t1")?.attempts).toBe(2);
  });

  it("lists an endpoint's unfinished tasks oldest first, insertion order within a millisecond", () => {
    repo.insert(task("late", { createdAt: 3000 }));
    repo.insert(task("early-b", { createdAt: 1000 }));
    repo.insert(task("early-a", { createdAt: 1000 }));
    repo.insert(task("done", { createdAt: 500 }));
    repo.insert(task("other-endpoint", { endpointId: "end_2", createdAt: 100 }));
    repo.markStarted("late", 3500);
    repo.complete("done", "SUCCESS", {}, null, null, 600);

    expect(repo.unfinished("end_1").map((t) => t.id)).toEqual(["early-b", "early-a", "late"]);
    expect(repo.countUnfinished("end_1")).toBe(3);
    expect(repo.countUnfinished("end_2")).toBe(1);
    expect(repo.countUnfinished("end_none")).toBe(0);
  });

  it("answers unfinished queries from the partial index", () => {
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM async_tasks WHERE endpoint_id = ? AND status IN ('PENDING', 'STARTED') ORDER BY created_at, rowid")
      .all("end_1");
    const details = plan.map((row) => (typeof row === "object" && row !== null && "detail" in row ? String(row.detail) : ""));
    expect(details.join("\n")).toContain("async_tasks_unfinished");
    expect(details.join("\n")).not.toContain("TEMP B-TREE");
  });
});
