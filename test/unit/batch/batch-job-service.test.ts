import { ONLY_BLOB_STORE } from "../../../src/domain/blobs/input-policy.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatchJobService } from "../../../src/domain/batch/batch-job-service.js";
import type { BatchJobRecord, BatchProgress, CreateBatchJobRequest } from "../../../src/domain/batch/batch-job.js";
import { UnmappedEndpointError } from "../../../src/domain/endpoints/endpoint-rules.js";
import { LaunchError } from "../../../src/domain/errors.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { BatchJobRepository } from "../../../src/domain/ports.js";
import { createBatchJobRepository } from "../../../src/store/batch-job-repository.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { type EndpointHarness, endpointHarness, me, other, sequentialIds } from "../endpoints/fixtures.js";

const body = (overrides: Partial<CreateBatchJobRequest> = {}): CreateBatchJobRequest => ({
  model_bundle_id: "bun_1",
  input_path: "s3://launch-local/in.csv",
  serialization_format: "JSON",
  labels: { team: "infra", product: "launch" },
  resource_requests: {
    cpus: null,
    memory: null,
    gpus: null,
    gpu_type: null,
    storage: null,
    max_workers: null,
    per_worker: null,
    concurrent_requests_per_worker: null,
  },
  timeout_seconds: 43200,
  ...overrides,
});

describe("batch job service: create, get, cancel (§2.4)", () => {
  let e: EndpointHarness;
  let jobs: BatchJobRepository;
  let service: BatchJobService;
  const started: BatchJobRecord[] = [];
  const cancelled: string[] = [];
  let liveProgress: BatchProgress | null = null;

  beforeEach(() => {
    e = endpointHarness();
    jobs = createBatchJobRepository(e.db, createTaskRepository(e.db));
    started.length = 0;
    cancelled.length = 0;
    liveProgress = null;
    service = new BatchJobService({
      jobs,
      bundles: e.bundles,
      endpoints: e.service,
      orchestrator: {
        start: (record) => started.push(record),
        cancel: async (jobId) => {
          cancelled.push(jobId);
        },
        progress: () => liveProgress,
      },
      ids: sequentialIds(),
      clock: e.clock,
      logger: silentLogger,
      maxWorkersCap: 2,
      hostGpuCount: async () => 0,
      inputs: ONLY_BLOB_STORE,
    });
  });
  afterEach(() => e.db.close());

  it("creates the PENDING record and its visible endpoint, then starts the job", async () => {
    const { job_id } = await service.create(me, body({ timeout_seconds: 1.5 }));
    expect(job_id).toBe("bat_00000000000000000001");
    const endpoint = e.endpoints.findByName("me", "bun-1-batch-task-bat-00000000000000000001");
    expect(endpoint).toMatchObject({ owner: "me", endpointType: "async", scaling: { minWorkers: 0, maxWorkers: 2, perWorker: 40 } });
    expect(e.scheduler.calls).toEqual([`deploy ${endpoint?.id}`]);
    expect(jobs.get(job_id)).toMatchObject({ status: "PENDING", endpointId: endpoint?.id, deadlineAt: e.clock.now() + 1500 });
    expect(started.map((record) => record.id)).toEqual([job_id]);
  });

  it("checks labels (400), then max_workers (500), then the bundle (404), then its resources (500)", async () => {
    const attempt = (request: CreateBatchJobRequest, user = me) =>
      service.create(user, request).then(
        () => null,
        (error: unknown) => error,
      );
    const noProduct = body({ model_bundle_id: "bun_nope", labels: { team: "infra" }, resource_requests: { ...body().resource_requests, max_workers: 900 } });
    expect(await attempt(noProduct)).toMatchObject({ code: "BAD_REQUEST" });
    const tooMany = await attempt(body({ model_bundle_id: "bun_nope", resource_requests: { ...body().resource_requests, max_workers: 251 } }));
    expect(tooMany).toBeInstanceOf(UnmappedEndpointError);
    expect(await attempt(body({ model_bundle_id: "bun_other" }))).toMatchObject({
      code: "NOT_FOUND",
      message: "The specified model bundle could not be found.",
    });
    expect(await attempt(body(), other)).toBeInstanceOf(LaunchError);
    const tooBig = await attempt(body({ resource_requests: { ...body().resource_requests, memory: "40Gi" } }));
    expect(tooBig).toBeInstanceOf(UnmappedEndpointError);
    expect((tooBig as Error).message).toContain("Requested memory=");
    expect(started).toHaveLength(0);
  });

  it("answers GET with an ISO duration from the injected clock, and null progress while PENDING", async () => {
    const { job_id } = await service.create(me, body());
    await e.clock.advance(90_500);
    liveProgress = { pending: 3, completed: 4 };
    expect(service.get(me, job_id)).toEqual({ status: "PENDING", result: null, duration: "PT1M30.5S", num_tasks_pending: null, num_tasks_completed: null });
    const record = jobs.get(job_id);
    if (record === null) throw new Error("no record");
    jobs.update({ ...record, status: "RUNNING" });
    expect(service.get(me, job_id)).toMatchObject({ status: "RUNNING", num_tasks_pending: 3, num_tasks_completed: 4 });
    jobs.update({ ...record, status: "SUCCESS", completedAt: record.createdAt + 2000, progress: { pending: 0, completed: 7 }, resultLocation: "s3://b/r" });
    liveProgress = null;
    await e.clock.advance(60_000);
    expect(service.get(me, job_id)).toEqual({ status: "SUCCESS", result: "s3://b/r", duration: "PT2S", num_tasks_pending: 0, num_tasks_completed: 7 });
  });

  it("cancels only owned jobs, and always answers success", async () => {
    const { job_id } = await service.create(me, body());
    expect(await service.update(me, job_id, false)).toEqual({ success: true });
    expect(cancelled).toEqual([]);
    expect(await service.update(me, job_id, true)).toEqual({ success: true });
    expect(cancelled).toEqual([job_id]);
    await expect(service.update(other, job_id, true)).rejects.toMatchObject({ code: "NOT_FOUND", message: "The specified batch job could not be found." });
    expect(() => service.get(other, job_id)).toThrow("The specified batch job could not be found.");
  });
});
