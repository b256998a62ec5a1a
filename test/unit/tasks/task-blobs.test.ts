import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../../../src/blobs/local-blob-store.js";
import { BlobAccess, ownerActor } from "../../../src/domain/blobs/blob-access.js";
import { ONLY_BLOB_STORE } from "../../../src/domain/blobs/input-policy.js";
import { FakeClock } from "../../../src/domain/clock.js";
import { userFromName } from "../../../src/domain/identity.js";
import { createIdGenerator } from "../../../src/domain/ids.js";
import { TaskService } from "../../../src/domain/tasks/task-service.js";
import { createBlobOwnerRepository } from "../../../src/store/blob-owner-repository.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { FakeEndpointRepository, FakeScheduler, makeEndpoint, predictRequest } from "./fakes.js";
import { testLifecycles } from "../../helpers/lifecycles.js";

/** Issue 13 items 1 and 2 at the task routes: a task's url is checked for the caller; a pickled result becomes the task owner's. */
describe("TaskService and the blob store", () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  let dir: string;
  let db: Db;
  let scheduler: FakeScheduler;
  let access: BlobAccess;
  let service: TaskService;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "task-blobs-"));
    db = openDatabase(":memory:");
    scheduler = new FakeScheduler();
    const store = createLocalBlobStore({ root: dir, bucket: "launch-local", signingSecret: "s", ttlSeconds: 60, clock, inputs: ONLY_BLOB_STORE });
    access = new BlobAccess({ store, owners: createBlobOwnerRepository(db), inputs: ONLY_BLOB_STORE, clock });
    const endpoints = new FakeEndpointRepository([
      makeEndpoint({ id: "end_async", endpointType: "async", owner: "alice", publicInference: true }),
      makeEndpoint({ id: "end_sync", endpointType: "sync", owner: "alice", publicInference: true }),
    ]);
    const tasks = createTaskRepository(db);
    service = new TaskService({
      endpoints,
      tasks,
      lifecycle: testLifecycles({ db, tasks, clock }).taskLifecycle,
      scheduler,
      gateway: scheduler,
      ids: createIdGenerator(() => clock.now()),
      clock,
      blobs: access,
    });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets a caller name only objects it may read as a task url; another owner's reads as missing", async () => {
    await access.write(ownerActor("alice"), "s3://launch-local/alice/in.bin", new Uint8Array([1]), false);
    await access.write(ownerActor("alice"), "s3://launch-local/shared/in.bin", new Uint8Array([1]), true);
    const bob = userFromName("bob");
    await expect(service.createAsync(bob, "end_async", predictRequest({ url: "s3://launch-local/alice/in.bin" }))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Object not found: s3://launch-local/alice/in.bin",
    });
    expect((await service.createAsync(bob, "end_async", predictRequest({ url: "s3://launch-local/shared/in.bin" }))).task_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await service.createAsync(userFromName("alice"), "end_async", predictRequest({ url: "s3://launch-local/alice/in.bin" }))).task_id).toBeTruthy();
    await expect(service.predictSync(bob, "end_sync", predictRequest({ url: "file:///etc/hostname" }), {})).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(scheduler.syncCalls).toEqual([]);
  });

  it("makes a pickled sync result the caller's before the location is answered", async () => {
    const location = "s3://launch-local/tmp/hosted-model-inference-outputs/r.pkl";
    scheduler.syncResponse = { status: "SUCCESS", result: { result_url: location }, traceback: null, status_code: 200 };
    await service.predictSync(userFromName("bob"), "end_sync", predictRequest({ returnPickled: true }), {});
    expect(access.mayRead(ownerActor("bob"), location)).toBe(true);
    expect(access.mayRead(ownerActor("alice"), location)).toBe(false);
  });
});
