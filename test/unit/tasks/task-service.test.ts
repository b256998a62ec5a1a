import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { LaunchError } from "../../../src/domain/errors.js";
import { userFromName } from "../../../src/domain/identity.js";
import type { IdGenerator } from "../../../src/domain/ids.js";
import type { TaskRepository } from "../../../src/domain/ports.js";
import type { PredictResponse } from "../../../src/domain/task.js";
import { TaskService } from "../../../src/domain/tasks/task-service.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { pendingCommit } from "../../../src/store/group-commit.js";
import { FakeEndpointRepository, FakeScheduler, makeEndpoint, predictRequest } from "./fakes.js";
import { testLifecycles } from "../../helpers/lifecycles.js";

const me = userFromName("me");
const stranger = userFromName("stranger");

const ids: IdGenerator = {
  xid: (prefix) => `${prefix}x`,
  uuid: (() => {
    let n = 0;
    return () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`;
  })(),
};

function expectError(fn: () => unknown, code: string, message: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LaunchError);
    expect(error).toMatchObject({ code, message });
    return;
  }
  throw new Error("expected an error");
}

async function expectRejection(fn: () => Promise<unknown>, code: string, message: string): Promise<void> {
  const error: unknown = await fn().then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LaunchError);
  expect(error).toMatchObject({ code, message });
}

async function collect(events: AsyncIterable<PredictResponse>): Promise<PredictResponse[]> {
  const out: PredictResponse[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe("TaskService", () => {
  let scheduler: FakeScheduler;
  let tasks: TaskRepository;
  let service: TaskService;
  let db: Db;
  const clock = new FakeClock(Date.UTC(2026, 0, 1));

  beforeEach(() => {
    scheduler = new FakeScheduler();
    db = openDatabase(":memory:");
    tasks = createTaskRepository(db);
    const endpoints = new FakeEndpointRepository([
      makeEndpoint({ id: "end_async", endpointType: "async" }),
      makeEndpoint({ id: "end_sync", endpointType: "sync" }),
      makeEndpoint({ id: "end_stream", endpointType: "streaming" }),
      makeEndpoint({ id: "end_pub_async", endpointType: "async", owner: "other", publicInference: true }),
      makeEndpoint({ id: "end_pub_sync", endpointType: "sync", owner: "other", publicInference: true }),
      makeEndpoint({ id: "end_pub_stream", endpointType: "streaming", owner: "other", publicInference: true }),
      makeEndpoint({ id: "end_private", endpointType: "async", owner: "other" }),
      // Status is never checked (§2.3): a building endpoint still takes tasks.
      makeEndpoint({ id: "end_building", endpointType: "async", status: "UPDATE_PENDING" }),
    ]);
    // Task urls and pickled results: test/unit/tasks/task-blobs.test.ts.
    service = new TaskService({
      endpoints,
      tasks,
      lifecycle: testLifecycles({ db, tasks, clock }).taskLifecycle,
      scheduler,
      gateway: scheduler,
      ids,
      clock,
      blobs: { assertReadable: () => undefined, claim: () => undefined },
    });
  });
  afterEach(() => db.close());

  describe("createAsync", () => {
    it("commits a PENDING row before handing the task to the scheduler", async () => {
      let seenAtEnqueue: unknown = undefined;
      let isCommittedAtEnqueue = false;
      scheduler.onEnqueue = (task) => {
        seenAtEnqueue = tasks.get(task.id);
        // Accepted means committed: no open group holds the row when the task is queued.
        isCommittedAtEnqueue = pendingCommit(db) === null && !db.inTransaction;
      };
      const { task_id } = await service.createAsync(me, "end_async", predictRequest());
      expect(task_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(seenAtEnqueue).toMatchObject({ id: task_id, status: "PENDING", endpointId: "end_async", owner: "me" });
      expect(isCommittedAtEnqueue).toBe(true);
      expect(scheduler.enqueued.map((t) => t.id)).toEqual([task_id]);
      expect(tasks.get(task_id)).toMatchObject({ createdAt: clock.now(), attempts: 0, request: predictRequest() });
    });

    it("accepts public_inference endpoints of other teams, and endpoints still building", async () => {
      const { task_id } = await service.createAsync(stranger, "end_pub_async", predictRequest());
      expect(tasks.get(task_id)?.owner).toBe("stranger");
      expect((await service.createAsync(me, "end_building", predictRequest())).task_id).toBeTruthy();
    });

    it("hides missing and foreign endpoints behind the same 404", async () => {
      await expectRejection(() => service.createAsync(me, "end_nope", predictRequest()), "NOT_FOUND", "The specified endpoint could not be found.");
      await expectRejection(() => service.createAsync(me, "end_private", predictRequest()), "NOT_FOUND", "The specified endpoint could not be found.");
      expect(scheduler.enqueued).toEqual([]);
    });

    it("rejects non-async endpoints with the exact message, writing nothing", async () => {
      await expectRejection(
        () => service.createAsync(me, "end_sync", predictRequest()),
        "BAD_REQUEST",
        "Unsupported inference type: Endpoint end_sync is not an async endpoint.",
      );
      expect(tasks.countUnfinished("end_sync")).toBe(0);
    });
  });

  describe("getAsync", () => {
    it("reads an unknown id as PENDING with every key null", () => {
      expect(service.getAsync("garbage")).toEqual({ task_id: "garbage", status: "PENDING", result: null, traceback: null, status_code: null });
    });

    it("follows the row through its lifecycle, with no ownership check", async () => {
      const { task_id } = await service.createAsync(me, "end_async", predictRequest());
      expect(service.getAsync(task_id).status).toBe("PENDING");
      tasks.markStarted(task_id, clock.now());
      expect(service.getAsync(task_id)).toEqual({ task_id, status: "STARTED", result: null, traceback: null, status_code: null });
      tasks.complete(task_id, "SUCCESS", { result: '{"y": 1}' }, null, 200, clock.now());
      expect(service.getAsync(task_id)).toEqual({ task_id, status: "SUCCESS", result: { result: '{"y": 1}' }, traceback: null, status_code: 200 });
    });

    it("shows a failure's result and traceback", async () => {
      const { task_id } = await service.createAsync(me, "end_async", predictRequest());
      tasks.complete(task_id, "FAILURE", "ValueError('x')", "Traceback (most recent call last): ...", null, clock.now());
      expect(service.getAsync(task_id)).toEqual({
        task_id,
        status: "FAILURE",
        result: "ValueError('x')",
        traceback: "Traceback (most recent call last): ...",
        status_code: null,
      });
    });
  });

  describe("predictSync", () => {
    it("serves sync and streaming endpoints, forwarding request and raw body", async () => {
      const raw = { args: { x: 1 }, return_pickled: false };
      await expect(service.predictSync(me, "end_sync", predictRequest(), raw)).resolves.toEqual(scheduler.syncResponse);
      await expect(service.predictSync(me, "end_stream", predictRequest(), raw)).resolves.toEqual(scheduler.syncResponse);
      expect(scheduler.syncCalls.map((call) => call.endpointId)).toEqual(["end_sync", "end_stream"]);
      expect(scheduler.syncCalls[0]?.raw).toBe(raw);
    });

    it("allows public_inference endpoints of other teams", async () => {
      await expect(service.predictSync(stranger, "end_pub_sync", predictRequest(), {})).resolves.toMatchObject({ status: "SUCCESS" });
      await expect(service.predictSync(stranger, "end_pub_stream", predictRequest(), {})).resolves.toMatchObject({ status: "SUCCESS" });
    });

    it("rejects async endpoints and unknown ones", async () => {
      await expect(service.predictSync(me, "end_async", predictRequest(), {})).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: "Unsupported inference type: Endpoint end_async does not serve sync tasks.",
      });
      await expect(service.predictSync(me, "end_private", predictRequest(), {})).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: "The specified endpoint could not be found.",
      });
      expect(scheduler.syncCalls).toEqual([]);
    });
  });

  describe("predictStream", () => {
    it("returns the scheduler's events for the owner", async () => {
      const events = await collect(service.predictStream(me, "end_stream", predictRequest(), {}));
      expect(events).toEqual([{ status: "SUCCESS", result: { result: { y: 1 } }, traceback: null, status_code: 200 }]);
    });

    it("is owner-only even on a public_inference endpoint", () => {
      expectError(() => service.predictStream(stranger, "end_pub_stream", predictRequest(), {}), "NOT_FOUND", "The specified endpoint could not be found.");
      expect(scheduler.streamCalls).toEqual([]);
    });

    it("throws type errors synchronously, before any event", () => {
      expectError(
        () => service.predictStream(me, "end_sync", predictRequest(), {}),
        "BAD_REQUEST",
        "Unsupported inference type: Endpoint end_sync is not a streaming endpoint.",
      );
      expectError(
        () => service.predictStream(me, "end_async", predictRequest(), {}),
        "BAD_REQUEST",
        "Unsupported inference type: Endpoint end_async is not a streaming endpoint.",
      );
    });
  });
});
