import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUCKET, type BatchHarness, INPUT, createBatchHarness, csvOf } from "./harness.js";

const resultOf = (h: BatchHarness, jobId: string): string => h.blobs.get(`s3://${BUCKET}/launch/batch-jobs/${jobId}/result.json`)?.toString("utf8") ?? "";

describe("batch orchestrator: the v1 job lifecycle on a fake clock (§3.3, §6.1)", () => {
  let h: BatchHarness;

  beforeEach(() => {
    h = createBatchHarness();
  });
  afterEach(() => h.close());

  it("waits for the endpoint, submits one task per row, follows completions and finishes SUCCESS", async () => {
    const endpoint = h.addEndpoint({ status: "UPDATE_PENDING" });
    h.blobs.set(INPUT, csvOf([{ x: 1 }, { x: 2 }]));
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    expect(h.scheduler.enqueued).toHaveLength(0);
    expect(h.jobs.get(job.id)?.status).toBe("PENDING");
    expect(h.orchestrator.progress(job.id)).toBeNull();

    h.endpoints.update({ ...endpoint, status: "READY" });
    await h.clock.advance(100);
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "RUNNING", numRows: 2 });
    const tasks = h.scheduler.enqueued;
    expect(tasks.map((t) => [t.endpointId, t.owner, t.status, t.request.args, t.request.returnPickled])).toEqual([
      [endpoint.id, "me", "PENDING", { x: 1 }, false],
      [endpoint.id, "me", "PENDING", { x: 2 }, false],
    ]);
    expect(h.orchestrator.progress(job.id)).toEqual({ pending: 2, completed: 0 });

    await h.complete(tasks[1]?.id ?? "", { result: '{"x": 2}' });
    expect(h.orchestrator.progress(job.id)).toEqual({ pending: 1, completed: 1 });
    await h.clock.advance(1500);
    await h.complete(tasks[0]?.id ?? "", { result: '{"x": 1}' });
    await h.flush();

    const done = h.jobs.get(job.id);
    expect(done).toMatchObject({
      status: "SUCCESS",
      endpointId: null,
      resultLocation: `s3://${BUCKET}/launch/batch-jobs/${job.id}/result.json`,
      progress: { pending: 0, completed: 2 },
      completedAt: job.createdAt + 1600,
    });
    expect(h.deletedEndpoints).toEqual([endpoint.id]);
    expect(resultOf(h, job.id)).toBe(
      [
        `{"task_id": "${tasks[0]?.id}", "status": "SUCCESS", "result": {"result": "{\\"x\\": 1}"}, "traceback": null, "status_code": null, "id": "0"}`,
        `{"task_id": "${tasks[1]?.id}", "status": "SUCCESS", "result": {"result": "{\\"x\\": 2}"}, "traceback": null, "status_code": null, "id": "1"}`,
      ].join("\n"),
    );
  });

  it("finishes an empty input at once", async () => {
    const endpoint = h.addEndpoint();
    h.blobs.set(INPUT, Buffer.from("id,args\r\n"));
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "SUCCESS", numRows: 0, progress: { pending: 0, completed: 0 } });
    expect(resultOf(h, job.id)).toBe("");
  });

  it("times out while the endpoint is still building: TIMEOUT, no result, endpoint left", async () => {
    const endpoint = h.addEndpoint({ status: "UPDATE_IN_PROGRESS" });
    h.blobs.set(INPUT, csvOf([{ x: 1 }]));
    const job = h.addJob(endpoint.id, { deadlineAt: h.clock.now() + 1000 });
    h.orchestrator.start(job);
    await h.clock.advance(999);
    expect(h.jobs.get(job.id)?.status).toBe("PENDING");
    await h.clock.advance(1);
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "TIMEOUT", resultLocation: null, endpointId: endpoint.id, completedAt: job.createdAt + 1000 });
    expect(h.deletedEndpoints).toEqual([]);
  });

  it("times out while running: the result file holds the rows as they stand, the endpoint goes", async () => {
    const endpoint = h.addEndpoint();
    h.blobs.set(INPUT, csvOf([{ x: 1 }, { x: 2 }, { x: 3 }]));
    const job = h.addJob(endpoint.id, { deadlineAt: h.clock.now() + 5000 });
    h.orchestrator.start(job);
    await h.flush();
    const [first, second] = h.scheduler.enqueued;
    await h.complete(first?.id ?? "");
    h.tasks.markStarted(second?.id ?? "", h.clock.now());
    await h.clock.advance(5000);
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "TIMEOUT", endpointId: null, progress: { pending: 2, completed: 1 } });
    const lines = resultOf(h, job.id).split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { status: string }).status)).toEqual(["SUCCESS", "STARTED", "PENDING"]);
    expect(lines[2]).toContain('"result": null, "traceback": null, "status_code": null, "id": "2"}');
    // Late answers change the task rows only.
    await h.complete(second?.id ?? "");
    expect(h.jobs.get(job.id)?.status).toBe("TIMEOUT");
  });

  it("fails on an endpoint that ended UPDATE_FAILED (the real job would stay PENDING for ever)", async () => {
    const endpoint = h.addEndpoint({ status: "UPDATE_FAILED", statusReason: "no GPU" });
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "FAILURE", failureReason: "The batch job's endpoint ended in UPDATE_FAILED: no GPU" });
  });

  it.each([
    ["a missing input file", null, "Could not read the input file"],
    ["args that are not base64 JSON", Buffer.from("id,args\r\n0,bm90IGpzb24=\r\n"), "Row 1: args is not base64 of a JSON document"],
  ])("fails on %s and submits nothing", async (_what, input, reason) => {
    const endpoint = h.addEndpoint();
    if (input !== null) h.blobs.set(INPUT, input);
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    expect(h.jobs.get(job.id)?.status).toBe("FAILURE");
    expect(h.jobs.get(job.id)?.failureReason).toContain(reason);
    expect(h.jobs.get(job.id)?.endpointId).toBe(endpoint.id);
    expect(h.scheduler.enqueued).toHaveLength(0);
  });

  it("cancels a running job: endpoint deleted, CANCELLED, later completions ignored; a second cancel is a no-op", async () => {
    const endpoint = h.addEndpoint();
    h.blobs.set(INPUT, csvOf([{ x: 1 }, { x: 2 }]));
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    await h.complete(h.scheduler.enqueued[0]?.id ?? "");
    await h.clock.advance(250);
    await h.orchestrator.cancel(job.id);
    expect(h.jobs.get(job.id)).toMatchObject({
      status: "CANCELLED",
      endpointId: null,
      resultLocation: null,
      progress: { pending: 1, completed: 1 },
      completedAt: job.createdAt + 250,
    });
    expect(h.deletedEndpoints).toEqual([endpoint.id]);
    await h.complete(h.scheduler.enqueued[1]?.id ?? "");
    await h.flush();
    await h.orchestrator.cancel(job.id);
    expect(h.jobs.get(job.id)?.status).toBe("CANCELLED");
    expect(h.blobs.size).toBe(1);
  });

  it("cancels a job that is still waiting for its endpoint", async () => {
    const endpoint = h.addEndpoint({ status: "UPDATE_PENDING" });
    h.blobs.set(INPUT, csvOf([{ x: 1 }]));
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    await h.orchestrator.cancel(job.id);
    h.endpoints.insert({ ...endpoint, status: "READY" });
    await h.clock.advance(1000);
    await h.flush();
    expect(h.jobs.get(job.id)?.status).toBe("CANCELLED");
    expect(h.scheduler.enqueued).toHaveLength(0);
  });

  it("leaves a finished job alone on cancel", async () => {
    const endpoint = h.addEndpoint();
    h.blobs.set(INPUT, csvOf([{ x: 1 }]));
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    await h.complete(h.scheduler.enqueued[0]?.id ?? "");
    await h.flush();
    await h.orchestrator.cancel(job.id);
    expect(h.jobs.get(job.id)?.status).toBe("SUCCESS");
  });
});

describe("batch orchestrator: far deadlines", () => {
  it("does not end a job early when timeout_seconds is beyond a Node timer's range", async () => {
    const h = createBatchHarness();
    const endpoint = h.addEndpoint();
    h.blobs.set(INPUT, csvOf([{ x: 1 }]));
    const job = h.addJob(endpoint.id, { deadlineAt: h.clock.now() + 40 * 86_400_000 });
    h.orchestrator.start(job);
    await h.flush();
    await h.clock.advance(30 * 86_400_000);
    await h.flush();
    expect(h.jobs.get(job.id)?.status).toBe("RUNNING");
    await h.clock.advance(10 * 86_400_000);
    await h.flush();
    expect(h.jobs.get(job.id)?.status).toBe("TIMEOUT");
    await h.close();
  });
});
