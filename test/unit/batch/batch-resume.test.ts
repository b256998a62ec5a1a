import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AsyncTaskRecord } from "../../../src/domain/task.js";
import { predictRequest } from "../tasks/fakes.js";
import { BUCKET, type BatchHarness, INPUT, createBatchHarness, csvOf } from "./harness.js";

/** A task row as the submitter writes it, for simulating what a killed process left behind. */
const task = (id: string, endpointId: string, args: unknown): AsyncTaskRecord => ({
  id,
  endpointId,
  owner: "me",
  status: "PENDING",
  request: predictRequest({ args }),
  result: null,
  traceback: null,
  statusCode: null,
  createdAt: 0,
  startedAt: null,
  completedAt: null,
  attempts: 0,
});

const lineIds = (h: BatchHarness, jobId: string): { task_id: string; id: string; status: string }[] =>
  (h.blobs.get(`s3://${BUCKET}/launch/batch-jobs/${jobId}/result.json`)?.toString("utf8") ?? "").split("\n").map((line) => JSON.parse(line) as never);

describe("batch orchestrator: resuming after a restart (DESIGN.md principle 4, §6.1 step 2)", () => {
  let h: BatchHarness;

  beforeEach(() => {
    h = createBatchHarness({ submitChunkRows: 2 });
  });
  afterEach(() => h.close());

  it("submits only the rows a killed process had not committed", async () => {
    const endpoint = h.addEndpoint();
    h.blobs.set(INPUT, csvOf([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }]));
    const job = h.addJob(endpoint.id);
    h.jobs.submitRows(job.id, [
      { link: { index: 0, referenceId: "0", taskId: "t0" }, task: task("t0", endpoint.id, { i: 0 }) },
      { link: { index: 1, referenceId: "1", taskId: "t1" }, task: task("t1", endpoint.id, { i: 1 }) },
    ]);
    await h.complete("t0");

    h.orchestrator.resume();
    await h.flush();
    expect(h.scheduler.enqueued.map((t) => t.request.args)).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }]);
    expect(h.jobs.get(job.id)).toMatchObject({ status: "RUNNING", numRows: 5 });
    expect(h.orchestrator.progress(job.id)).toEqual({ pending: 4, completed: 1 });

    await h.complete("t1");
    for (const t of h.scheduler.enqueued) await h.complete(t.id);
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "SUCCESS", progress: { pending: 0, completed: 5 } });
    const lines = lineIds(h, job.id);
    expect(lines.map((line) => line.id)).toEqual(["0", "1", "2", "3", "4"]);
    expect(lines.slice(0, 2).map((line) => line.task_id)).toEqual(["t0", "t1"]);
  });

  it("follows a RUNNING job's unfinished tasks without reading the input again", async () => {
    const endpoint = h.addEndpoint();
    const job = h.addJob(endpoint.id, { status: "RUNNING", numRows: 3 });
    h.jobs.submitRows(
      job.id,
      ["a", "b", "c"].map((id, index) => ({ link: { index, referenceId: `r${index}`, taskId: id }, task: task(id, endpoint.id, { index }) })),
    );
    await h.complete("a");
    await h.complete("b");

    h.orchestrator.resume();
    expect(h.orchestrator.progress(job.id)).toEqual({ pending: 1, completed: 2 });
    expect(h.scheduler.enqueued).toHaveLength(0);
    await h.complete("c");
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "SUCCESS", progress: { pending: 0, completed: 3 } });
    expect(lineIds(h, job.id).map((line) => [line.task_id, line.id])).toEqual([
      ["a", "r0"],
      ["b", "r1"],
      ["c", "r2"],
    ]);
  });

  it("finishes a RUNNING job whose tasks all ended while the server was down", async () => {
    const endpoint = h.addEndpoint();
    const job = h.addJob(endpoint.id, { status: "RUNNING", numRows: 1 });
    h.jobs.submitRows(job.id, [{ link: { index: 0, referenceId: "0", taskId: "only" }, task: task("only", endpoint.id, {}) }]);
    await h.complete("only");
    h.orchestrator.resume();
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "SUCCESS", endpointId: null });
    expect(h.deletedEndpoints).toEqual([endpoint.id]);
  });

  it("only cleans up when the result file was already written", async () => {
    const endpoint = h.addEndpoint();
    const location = `s3://${BUCKET}/launch/batch-jobs/x/result.json`;
    const job = h.addJob(endpoint.id, { status: "RUNNING", numRows: 0, resultLocation: location, progress: { pending: 0, completed: 0 } });
    h.orchestrator.resume();
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "SUCCESS", resultLocation: location, endpointId: null });
    expect(h.blobs.size).toBe(0);
  });

  it("stops following jobs on dispose and picks them up again in the next process", async () => {
    const endpoint = h.addEndpoint();
    h.blobs.set(INPUT, csvOf([{ i: 0 }, { i: 1 }]));
    const job = h.addJob(endpoint.id);
    h.orchestrator.start(job);
    await h.flush();
    const [first, second] = h.scheduler.enqueued;
    await h.restart();
    // Every task finishes while nobody follows the job: an orchestrator still following it would
    // finish it now.
    await h.complete(first?.id ?? "");
    await h.complete(second?.id ?? "");
    await h.flush();
    expect(h.jobs.get(job.id)?.status).toBe("RUNNING");
    h.orchestrator.resume();
    await h.flush();
    expect(h.jobs.get(job.id)).toMatchObject({ status: "SUCCESS", progress: { pending: 0, completed: 2 } });
  });
});
