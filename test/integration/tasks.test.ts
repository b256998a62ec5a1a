import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PredictResponse } from "../../src/domain/task.js";
import { auth, createTasksTestApp, type Door, doorPath, type TasksTestApp } from "./tasks-app.js";

// Every test runs through both front doors: the fast lane, and hono (the same request under /v1/launch).
describe.each<Door>(["lane", "hono"])("task routes over HTTP through the %s door", (door) => {
  let app: TasksTestApp;
  const at = (path: string): string => doorPath(door, path);
  /** The door routes' tests check that the door under test answered every request they sent. */
  const expectDoorTaken = (): void => {
    if (door !== "lane") return;
    expect(app.laneServed(), "requests the lane answered").toBeGreaterThan(0);
    expect(app.honoServed(), "requests the lane handed to hono").toBe(0);
  };

  beforeEach(() => {
    app = createTasksTestApp();
  });
  afterEach(() => {
    if (door === "hono") expect(app.laneServed(), "requests the lane answered").toBe(0);
    app.close();
  });

  describe("POST /v1/async-tasks", () => {
    afterEach(expectDoorTaken);

    it("answers {task_id} once the PENDING row is committed", async () => {
      const res = await request(app.server)
        .post(at("/v1/async-tasks?model_endpoint_id=end_async"))
        .set("Authorization", auth())
        .send({ args: { x: 2, y: "hello" }, return_pickled: false });
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"task_id":"00000000-0000-4000-8000-000000000001"}');
      const row = app.tasks.get("00000000-0000-4000-8000-000000000001");
      expect(row).toMatchObject({ status: "PENDING", endpointId: "end_async", owner: "me" });
      expect(row?.request).toMatchObject({ args: { x: 2, y: "hello" }, hasArgs: true, returnPickled: false, url: null });
      expect(app.scheduler.enqueued.map((t) => t.id)).toEqual(["00000000-0000-4000-8000-000000000001"]);
    });

    it("422s a missing model_endpoint_id", async () => {
      const res = await request(app.server).post(at("/v1/async-tasks")).set("Authorization", auth()).send({ args: {} });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ detail: [{ type: "missing", loc: ["query", "model_endpoint_id"], msg: "Field required", input: null }] });
    });

    it("reports query and body errors together, query first", async () => {
      const res = await request(app.server).post(at("/v1/async-tasks")).set("Authorization", auth()).send({ url: 5, return_pickled: null });
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([
        { type: "missing", loc: ["query", "model_endpoint_id"], msg: "Field required", input: null },
        { type: "string_type", loc: ["body", "url"], msg: "Input should be a valid string", input: 5 },
        { type: "bool_type", loc: ["body", "return_pickled"], msg: "Input should be a valid boolean", input: null },
      ]);
    });

    it("answers 404 and 400 with the contract's messages", async () => {
      const missing = await request(app.server).post(at("/v1/async-tasks?model_endpoint_id=end_nope")).set("Authorization", auth()).send({ args: {} });
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: "The specified endpoint could not be found." });
      const wrongType = await request(app.server).post(at("/v1/async-tasks?model_endpoint_id=end_sync")).set("Authorization", auth()).send({ args: {} });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body).toEqual({ detail: "Unsupported inference type: Endpoint end_sync is not an async endpoint." });
    });
  });

  describe("POST /v1/async-tasks on a full disk", () => {
    afterEach(expectDoorTaken);

    it("answers 500 naming the cause, queues nothing, and takes the next task once space returns", async () => {
      app.commits.fail(1);
      const full = await request(app.server).post(at("/v1/async-tasks?model_endpoint_id=end_async")).set("Authorization", auth()).send({ args: {} });
      expect(full.status).toBe(500);
      expect(full.body).toEqual({
        detail: "launch-local could not write its database: the disk holding the data dir is full (SQLITE_FULL: database or disk is full).",
      });
      expect(app.scheduler.enqueued).toEqual([]);
      expect(app.tasks.countUnfinished("end_async")).toBe(0);
      const res = await request(app.server).post(at("/v1/async-tasks?model_endpoint_id=end_async")).set("Authorization", auth()).send({ args: {} });
      expect(res.status).toBe(200);
      expect(app.scheduler.enqueued.map((task) => task.id)).toEqual([(res.body as { task_id: string }).task_id]);
    });
  });

  describe("GET /v1/async-tasks/{task_id}", () => {
    afterEach(expectDoorTaken);

    it("answers an unknown id with 200 PENDING and every key", async () => {
      const res = await request(app.server).get(at("/v1/async-tasks/not-a-task")).set("Authorization", auth());
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"task_id":"not-a-task","status":"PENDING","result":null,"traceback":null,"status_code":null}');
    });

    it("shows a finished task to any user", async () => {
      const created = await request(app.server).post(at("/v1/async-tasks?model_endpoint_id=end_async")).set("Authorization", auth()).send({ args: {} });
      const taskId: unknown = created.body.task_id;
      if (typeof taskId !== "string") throw new Error("no task id");
      app.tasks.complete(taskId, "SUCCESS", { result: '{"y": 1}' }, null, 200, 0);
      const res = await request(app.server)
        .get(at(`/v1/async-tasks/${taskId}`))
        .set("Authorization", auth("someone-else"));
      expect(res.text).toBe(`{"task_id":"${taskId}","status":"SUCCESS","result":{"result":"{\\"y\\": 1}"},"traceback":null,"status_code":200}`);
    });
  });

  describe("POST /v1/sync-tasks", () => {
    afterEach(expectDoorTaken);

    it("answers 200 with status, result, traceback, status_code in that order", async () => {
      // Key order of the scheduler's object must not leak onto the wire.
      app.scheduler.syncResponse = { status_code: 500, traceback: "Traceback ...", result: null, status: "FAILURE" };
      const res = await request(app.server)
        .post(at("/v1/sync-tasks?model_endpoint_id=end_sync"))
        .set("Authorization", auth())
        .send({ args: { x: 1 } });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.text).toBe('{"status":"FAILURE","result":null,"traceback":"Traceback ...","status_code":500}');
    });

    it("hands the scheduler the validated request and the worker payload", async () => {
      await request(app.server)
        .post(at("/v1/sync-tasks?model_endpoint_id=end_stream"))
        .set("Authorization", auth())
        .send({ args: null, url: "s3://b/k", timeout_seconds: "2.5", num_retries: 0, serialize_results_as_string: false });
      const call = app.scheduler.syncCalls[0];
      expect(call?.request).toMatchObject({ url: "s3://b/k", args: null, hasArgs: true, timeoutSeconds: 2.5, numRetries: 0, returnPickled: false });
      expect(call?.raw).toEqual({ url: "s3://b/k", return_pickled: false, timeout_seconds: 2.5, num_retries: 0, serialize_results_as_string: false });
    });

    it("422s a non-positive timeout and negative retries", async () => {
      const res = await request(app.server)
        .post(at("/v1/sync-tasks?model_endpoint_id=end_sync"))
        .set("Authorization", auth())
        .send({ args: {}, timeout_seconds: 0, num_retries: -1 });
      expect(res.status).toBe(422);
      expect(res.body.detail).toEqual([
        { type: "greater_than", loc: ["body", "timeout_seconds"], msg: "Input should be greater than 0", input: 0, ctx: { gt: 0 } },
        { type: "greater_than_equal", loc: ["body", "num_retries"], msg: "Input should be greater than or equal to 0", input: -1, ctx: { ge: 0 } },
      ]);
    });

    it("rejects async endpoints", async () => {
      const res = await request(app.server).post(at("/v1/sync-tasks?model_endpoint_id=end_async")).set("Authorization", auth()).send({ args: {} });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ detail: "Unsupported inference type: Endpoint end_async does not serve sync tasks." });
    });
  });

  describe("POST /v1/streaming-tasks", () => {
    it("frames each event exactly as sse-starlette does, then closes", async () => {
      const res = await request(app.server)
        .post(at("/v1/streaming-tasks?model_endpoint_id=end_stream"))
        .set("Authorization", auth())
        .send({ args: { y: 1 } });
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["x-accel-buffering"]).toBe("no");
      expect(res.text).toBe('data: {"status":"SUCCESS","result":{"result":{"y":1}},"traceback":null,"status_code":200}\r\n\r\n');
    });

    it("streams several events in order with no [DONE]", async () => {
      app.scheduler.streamEvents = async function* () {
        for (const token of ["a", "b", "c"]) yield { status: "SUCCESS", result: { result: token }, traceback: null, status_code: 200 };
      };
      const res = await request(app.server).post(at("/v1/streaming-tasks?model_endpoint_id=end_stream")).set("Authorization", auth()).send({ args: {} });
      const frame = (token: string): string => `data: {"status":"SUCCESS","result":{"result":"${token}"},"traceback":null,"status_code":200}\r\n\r\n`;
      expect(res.text).toBe(frame("a") + frame("b") + frame("c"));
    });

    it("answers lookup and type errors as JSON before any event", async () => {
      const foreign = await request(app.server)
        .post(at("/v1/streaming-tasks?model_endpoint_id=end_pub_stream"))
        .set("Authorization", auth())
        .send({ args: {} });
      expect(foreign.status).toBe(404);
      expect(foreign.headers["content-type"]).toMatch(/^application\/json/);
      expect(foreign.body).toEqual({ detail: "The specified endpoint could not be found." });
      const sync = await request(app.server).post(at("/v1/streaming-tasks?model_endpoint_id=end_sync")).set("Authorization", auth()).send({ args: {} });
      expect(sync.status).toBe(400);
      expect(sync.body).toEqual({ detail: "Unsupported inference type: Endpoint end_sync is not a streaming endpoint." });
      const invalid = await request(app.server).post(at("/v1/streaming-tasks")).set("Authorization", auth()).send({ args: {} });
      expect(invalid.status).toBe(422);
      expect(app.scheduler.streamCalls).toEqual([]);
    });

    it("keeps an event's own failure as a FAILURE event", async () => {
      const failure: PredictResponse = { status: "FAILURE", result: null, traceback: "boom", status_code: 500 };
      app.scheduler.streamEvents = async function* () {
        yield failure;
      };
      const res = await request(app.server).post(at("/v1/streaming-tasks?model_endpoint_id=end_stream")).set("Authorization", auth()).send({ args: {} });
      expect(res.text).toBe('data: {"status":"FAILURE","result":null,"traceback":"boom","status_code":500}\r\n\r\n');
    });
  });
});
