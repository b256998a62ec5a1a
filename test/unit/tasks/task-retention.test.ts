import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../../../src/blobs/local-blob-store.js";
import { BlobAccess, ownerActor } from "../../../src/domain/blobs/blob-access.js";
import { ONLY_BLOB_STORE } from "../../../src/domain/blobs/input-policy.js";
import { FakeClock } from "../../../src/domain/clock.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { TaskExpiryStore, TaskRepository } from "../../../src/domain/ports.js";
import type { AsyncTaskRecord } from "../../../src/domain/task.js";
import { TaskRetention } from "../../../src/domain/tasks/task-retention.js";
import { createBatchJobRepository } from "../../../src/store/batch-job-repository.js";
import { createBlobOwnerRepository } from "../../../src/store/blob-owner-repository.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { commitGroup, pendingCommit } from "../../../src/store/group-commit.js";
import { createTaskExpiryStore } from "../../../src/store/task-expiry.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { predictRequest } from "./fakes.js";

const HOUR = 3_600_000;
const MINUTE = 60_000;
const RESULTS = "s3://launch-local/tmp/hosted-model-inference-outputs";

/** `count` turns of the event loop (what a sweep started by a timer needs to get on). */
async function turns(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits, a turn at a time, until `condition` holds (a bounded number of turns, never a fixed sleep). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await turns(1);
  expect(condition()).toBe(true);
}

/** Issue 13 item 11: finished tasks and their pickled results expire; nothing else does. */
describe("task retention", () => {
  let clock: FakeClock;
  let dir: string;
  let db: Db;
  let tasks: TaskRepository;
  let access: BlobAccess;
  let store: TaskExpiryStore;
  let removeCalls: number[];
  let scans: number;
  let retention: TaskRetention;

  const task = (id: string, overrides: Partial<AsyncTaskRecord> = {}): AsyncTaskRecord => ({
    id,
    endpointId: "end_1",
    owner: "alice",
    status: "PENDING",
    request: predictRequest(),
    result: null,
    traceback: null,
    statusCode: null,
    createdAt: clock.now(),
    startedAt: null,
    completedAt: null,
    attempts: 0,
    ...overrides,
  });
  /** A task row as the lifecycle leaves it: inserted, then finished now; committed. */
  const finished = (id: string, result: unknown = { result: "1" }): void => {
    tasks.insert(task(id));
    tasks.complete(id, "SUCCESS", result, null, null, clock.now());
    commitGroup(db);
  };

  beforeEach(() => {
    clock = new FakeClock(Date.UTC(2026, 0, 1));
    dir = mkdtempSync(join(tmpdir(), "task-retention-"));
    db = openDatabase(":memory:");
    tasks = createTaskRepository(db);
    const blobs = createLocalBlobStore({ root: dir, bucket: "launch-local", signingSecret: "s", ttlSeconds: 60, clock, inputs: ONLY_BLOB_STORE });
    access = new BlobAccess({ store: blobs, owners: createBlobOwnerRepository(db), inputs: ONLY_BLOB_STORE, clock });
    const real = createTaskExpiryStore(db);
    removeCalls = [];
    scans = 0;
    store = {
      scan: (cutoff, after, limit) => {
        scans++;
        return real.scan(cutoff, after, limit);
      },
      remove: (ids) => {
        removeCalls.push(ids.length);
        return real.remove(ids);
      },
    };
    retention = new TaskRetention({ store, results: access, clock, logger: silentLogger, retentionHours: 1, batchRows: 500 });
  });
  afterEach(async () => {
    await retention.dispose();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("deletes a finished task one retention period after it completed, counted from completion, not creation", async () => {
    tasks.insert(task("old-created"));
    commitGroup(db);
    await clock.advance(2 * HOUR);
    tasks.complete("old-created", "FAILURE", "boom", "Traceback", null, clock.now());
    finished("recent");
    commitGroup(db);
    await clock.advance(HOUR - 1);
    expect(await retention.sweep()).toBe(0);
    expect(tasks.get("old-created")?.status).toBe("FAILURE");
    await clock.advance(1);
    expect(await retention.sweep()).toBe(2);
    expect(tasks.get("old-created")).toBeNull();
    expect(tasks.get("recent")).toBeNull();
  });

  it("never deletes a PENDING or STARTED task, however old", async () => {
    tasks.insert(task("pending"));
    tasks.insert(task("started"));
    tasks.markStarted("started", clock.now());
    commitGroup(db);
    finished("done");
    await clock.advance(100 * HOUR);
    expect(await retention.sweep()).toBe(1);
    expect(tasks.get("pending")?.status).toBe("PENDING");
    expect(tasks.get("started")?.status).toBe("STARTED");
    expect(tasks.get("done")).toBeNull();
  });

  it("sweeps on the injected clock a minute after start, and a minute after each sweep", async () => {
    const swept = (count: number): Promise<void> => until(() => removeCalls.length === count);
    finished("t1");
    await clock.advance(HOUR);
    retention.start();
    await clock.advance(MINUTE - 1);
    await turns(3);
    expect(removeCalls).toEqual([]);
    await clock.advance(1);
    await swept(1);
    expect(tasks.get("t1")).toBeNull();
    await retention.sweep();
    const scansSoFar = scans;
    await clock.advance(MINUTE);
    await until(() => scans > scansSoFar);
  });

  it("removes a task's pickled result with it; leaves other owners' objects and other locations alone", async () => {
    const own = `${RESULTS}/own.pkl`;
    const others = `${RESULTS}/bobs.pkl`;
    const outside = "s3://launch-local/alice/kept.bin";
    await access.writeFor("alice", own, new Uint8Array([1]));
    await access.writeFor("bob", others, new Uint8Array([2]));
    await access.write(ownerActor("alice"), outside, new Uint8Array([3]), false);
    const unclaimed = `${RESULTS}/never-read.pkl`;
    await access.store.put(unclaimed, new Uint8Array([4]));
    finished("pickled", { result_url: own });
    finished("unclaimed", { result_url: unclaimed });
    finished("names-bobs", { result_url: others });
    finished("names-outside", { result_url: outside });
    finished("escapes", { result_url: `${RESULTS}/../../../alice/kept.bin` });
    await clock.advance(HOUR);
    expect(await retention.sweep()).toBe(5);
    const file = (location: string): string => join(dir, location.slice("s3://".length));
    expect(existsSync(file(own))).toBe(false);
    expect(existsSync(file(unclaimed))).toBe(false);
    expect(access.mayRead(ownerActor("alice"), own)).toBe(false);
    expect(existsSync(file(others))).toBe(true);
    expect(existsSync(file(outside))).toBe(true);
    // The results folder stays: a running worker made it once and keeps writing into it.
    expect(existsSync(join(dir, "launch-local/tmp/hosted-model-inference-outputs"))).toBe(true);
  });

  it("keeps the rows of a v1 batch job while it runs, and deletes them and their links once it ended", async () => {
    const jobs = createBatchJobRepository(db, tasks);
    db.prepare("INSERT INTO batch_jobs (id, owner, status, created_at, data) VALUES ('job_1', 'alice', 'RUNNING', 0, '{}')").run();
    jobs.submitRows("job_1", [{ link: { index: 0, referenceId: null, taskId: "row-0" }, task: task("row-0") }]);
    tasks.complete("row-0", "SUCCESS", { result: "1" }, null, null, clock.now());
    commitGroup(db);
    finished("plain");
    await clock.advance(2 * HOUR);
    expect(await retention.sweep()).toBe(1);
    expect(tasks.get("row-0")?.status).toBe("SUCCESS");
    expect(jobs.rowStates("job_1")).toHaveLength(1);
    db.prepare("UPDATE batch_jobs SET status = 'SUCCESS' WHERE id = 'job_1'").run();
    expect(await retention.sweep()).toBe(1);
    expect(tasks.get("row-0")).toBeNull();
    expect(jobs.rowStates("job_1")).toEqual([]);
  });

  it("deletes in transactions of at most batchRows rows, with a turn of the event loop between them", async () => {
    for (let i = 0; i < 1201; i++) tasks.insert(task(`t${i}`, { status: "SUCCESS", completedAt: clock.now() }));
    commitGroup(db);
    await clock.advance(HOUR);
    const turns: number[] = [];
    const realRemove = store.remove;
    store.remove = (ids) => {
      turns.push(removeCalls.length);
      // Work the server queued meanwhile (a submit) runs before the next batch.
      setImmediate(() => turns.push(-1));
      return realRemove(ids);
    };
    expect(await retention.sweep()).toBe(1201);
    expect(removeCalls).toEqual([500, 500, 201]);
    expect(turns).toEqual([0, -1, 1, -1, 2, -1]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM async_tasks").get()).toEqual({ n: 0 });
  });

  it("commits an open group of task writes before deleting, so the deletes are never part of it", async () => {
    finished("old");
    await clock.advance(HOUR);
    tasks.insert(task("new"));
    const group = pendingCommit(db);
    expect(group).not.toBeNull();
    expect(await retention.sweep()).toBe(1);
    await expect(group).resolves.toBeUndefined();
    expect(db.inTransaction).toBe(false);
    expect(tasks.get("new")?.status).toBe("PENDING");
  });

  it("reads finished tasks through the partial index in completion order", () => {
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT rowid AS seq, id, owner, result, completed_at FROM async_tasks
           WHERE status IN ('SUCCESS', 'FAILURE') AND completed_at <= 1
             AND (completed_at > 0 OR (completed_at = 0 AND rowid > 0)) ORDER BY completed_at, rowid LIMIT 5`,
      )
      .all() as { detail: string }[];
    expect(plan.map((row) => row.detail).join("\n")).toMatch(/USING INDEX async_tasks_finished/);
    expect(plan.map((row) => row.detail).join("\n")).not.toMatch(/TEMP B-TREE/);
  });
});
