/**
 * Runs v1 batch jobs (server-contract.md §6.1, §3.3): wait for the temporary endpoint to be READY,
 * read the input file, submit one async task per row through the ordinary async path, follow the
 * tasks through the lifecycle's `task` events (no polling), write the result file, delete the endpoint and set
 * the final status. Every step is recorded in SQLite first, so `resume` carries a job on after a
 * restart: submitted rows are not submitted again, and their tasks are recovered by the scheduler.
 */
import { type BlobAccess, ownerActor } from "../blobs/blob-access.js";
import type { Clock } from "../clock.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { Logger } from "../logger.js";
import { longTimeout } from "../long-timeout.js";
import type { BatchJobRepository, EndpointRepository, EndpointScheduler } from "../ports.js";
import type { LifecycleEvents } from "../events/lifecycle-events.js";
import type { TaskLifecycle } from "../tasks/task-lifecycle.js";
import type { GetAsyncTaskV1Response } from "../tasks/task-service.js";
import { ActiveJob } from "./active-job.js";
import { type BatchJobRecord, type BatchJobStatus, type BatchProgress, isActiveStatus, resultLocationFor } from "./batch-job.js";
import { type BatchInput, decodeBatchInputs } from "./batch-inputs.js";
import { serializeResults } from "./batch-results.js";
import { submitRows } from "./batch-submit.js";
import { waitForEndpoint } from "./endpoint-wait.js";

export interface BatchOrchestratorDeps {
  jobs: BatchJobRepository;
  endpoints: Pick<EndpointRepository, "get">;
  /** Deletes the temporary endpoint as its owner (EndpointService.delete: workers stopped, row removed). */
  deleteEndpoint(owner: User, endpointId: string): Promise<unknown>;
  /** GET /v1/async-tasks/{id}'s view of a task: what each result line holds (§6.1 step 4). */
  readTask(taskId: string): GetAsyncTaskV1Response;
  /** The rows' `task` events, announced once each change is committed (tasks/task-lifecycle.ts). */
  events: Pick<LifecycleEvents, "on">;
  /** Announces submitted rows once committed; marks resumed rows as batch rows. */
  tasks: Pick<TaskLifecycle, "created" | "adoptBatchTask">;
  scheduler: Pick<EndpointScheduler, "enqueueAsync">;
  /** Reads the input and checks row urls as the job's owner; the result file becomes theirs. */
  blobs: Pick<BlobAccess, "read" | "writeFor" | "assertReadable">;
  bucket: string;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  /** How often a job waiting for its endpoint looks at it (default 100 ms; the real orchestrator: 5 s). */
  endpointPollMs?: number;
  /** Rows committed per transaction (default 1000). */
  submitChunkRows?: number;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const ownerOf = (record: BatchJobRecord): User => ({ userId: record.createdBy, teamId: record.owner });

export class BatchOrchestrator {
  private readonly active = new Map<string, ActiveJob>();
  /** Unfinished task id → its job, for the completion events. */
  private readonly byTask = new Map<string, ActiveJob>();
  private readonly running = new Set<Promise<void>>();
  private readonly unsubscribe: () => void;
  private isDisposed = false;

  constructor(private readonly deps: BatchOrchestratorDeps) {
    this.unsubscribe = deps.events.on("task", (event) => {
      if (event.taskId !== null && (event.to === "SUCCESS" || event.to === "FAILURE")) this.onTaskFinished(event.taskId);
    });
  }

  /** A job was just committed as PENDING: run it in the background. */
  start(record: BatchJobRecord): void {
    const job = this.track(record.id);
    this.launch(job, () => this.run(job, record));
  }

  /**
   * Server start: every PENDING or RUNNING job carries on. Synchronous up to the point where its
   * tasks are followed, so no completion event can slip between reading the rows and listening.
   */
  resume(): void {
    const { jobs, clock } = this.deps;
    for (const record of jobs.active()) {
      const job = this.track(record.id);
      for (const row of jobs.rowStates(record.id)) {
        job.submittedRows.add(row.index);
        if (row.status === "PENDING" || row.status === "STARTED") {
          this.deps.tasks.adoptBatchTask(row.taskId);
          this.follow(job, row.taskId);
        } else job.completed++;
      }
      if (record.resultLocation !== null) {
        // The result file was written before the restart: only the clean-up is left.
        this.launch(job, () => job.serialize(() => this.finishUp(job, record)));
      } else if (record.status === "RUNNING") {
        job.isSubmitted = true;
        this.armDeadline(job, record);
        if (job.pending.size === 0 || clock.now() >= record.deadlineAt) this.launch(job, () => this.finalize(job));
      } else {
        this.launch(job, () => this.run(job, record));
      }
      this.deps.logger.info("resumed batch job", { jobId: record.id, status: record.status, submitted: job.submittedRows.size });
    }
  }

  /** Live progress of a running job; null when it is not running here or not fully submitted. */
  progress(jobId: string): BatchProgress | null {
    return this.active.get(jobId)?.progress() ?? null;
  }

  /**
   * PUT cancel=true (§6.1): a no-op for a CANCELLED or SUCCESS job or one whose endpoint is already
   * gone; otherwise the job stops, its endpoint is deleted and it becomes CANCELLED.
   */
  async cancel(jobId: string): Promise<void> {
    const job = this.active.get(jobId) ?? new ActiveJob(jobId);
    await job.serialize(async () => {
      const record = this.deps.jobs.get(jobId);
      if (record === null || record.endpointId === null || record.status === "CANCELLED" || record.status === "SUCCESS") return;
      const progress = job.progress() ?? record.progress;
      this.detach(job);
      await this.removeEndpoint(record, record.endpointId);
      this.settle(job, "CANCELLED", { progress });
    });
  }

  /** Stops following every job (reset); their records stay as they are. */
  stopAll(): void {
    for (const job of this.active.values()) this.detach(job);
    this.active.clear();
  }

  async dispose(): Promise<void> {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.unsubscribe();
    this.stopAll();
    await Promise.allSettled([...this.running]);
  }

  // ------------------------------------------------------------------------------------- the run

  private async run(job: ActiveJob, record: BatchJobRecord): Promise<void> {
    const { blobs, clock } = this.deps;
    this.armDeadline(job, record);
    const wait = await waitForEndpoint(this.deps, job, record.endpointId, record.deadlineAt, this.deps.endpointPollMs ?? 100);
    if (wait.kind === "failed") this.fail(job, wait.reason);
    if (wait.kind === "timeout") {
      // Before any row ran: TIMEOUT without a result file, the endpoint left in place (§6.1 step 1).
      this.detach(job);
      this.settle(job, "TIMEOUT", {});
    }
    if (wait.kind !== "ready") return;
    let bytes: Uint8Array;
    try {
      bytes = await blobs.read(ownerActor(record.owner), record.inputPath, "input_path");
    } catch (error) {
      this.fail(job, `Could not read the input file ${record.inputPath}: ${describe(error)}`);
      return;
    }
    if (job.isStopped) return;
    let inputs: BatchInput[];
    try {
      inputs = decodeBatchInputs(bytes);
      // Workers open row urls themselves: each must be one the owner may read (README "Parity").
      inputs.forEach(({ request }, index) => {
        if (request.url !== null) blobs.assertReadable(ownerActor(record.owner), request.url, `Row ${index + 1}: url`);
      });
    } catch (error) {
      this.fail(job, describe(error));
      return;
    }
    const endpointId = record.endpointId;
    if (endpointId === null) return;
    const isComplete = await submitRows(
      this.deps,
      job,
      inputs,
      { endpointId, owner: record.owner },
      {
        chunkRows: this.deps.submitChunkRows ?? 1000,
        follow: (taskId) => this.follow(job, taskId),
        shouldStop: () => job.isStopped || this.isDisposed,
      },
    );
    if (!isComplete) return;
    // All rows are in SQLite: RUNNING, and progress becomes visible (§3.3).
    const latest = this.deps.jobs.get(job.id);
    if (latest === null || latest.status !== "PENDING") return;
    this.deps.jobs.update({ ...latest, status: "RUNNING", numRows: inputs.length });
    job.isSubmitted = true;
    if (job.pending.size === 0 || clock.now() >= record.deadlineAt) await this.finalize(job);
  }

  /** §6.1 steps 4-5: the result file in input order (remaining tasks as they are after a deadline). */
  private finalize(job: ActiveJob): Promise<void> {
    return job.serialize(async () => {
      const { jobs, blobs, readTask, bucket } = this.deps;
      const record = jobs.get(job.id);
      if (job.isStopped || record === null || !isActiveStatus(record.status)) return;
      const progress = job.progress() ?? { pending: job.pending.size, completed: job.completed };
      // From here on the job no longer counts completions: late ones stay in their task rows only.
      this.detach(job);
      const location = resultLocationFor(bucket, job.id);
      try {
        const items = jobs.rowStates(job.id).map((row) => ({ ...readTask(row.taskId), id: row.referenceId }));
        await blobs.writeFor(record.owner, location, serializeResults(items, record.serializationFormat));
      } catch (error) {
        this.settle(job, "FAILURE", { failureReason: `Could not write the result file: ${describe(error)}`, progress });
        return;
      }
      const latest = jobs.get(job.id);
      if (this.isDisposed || latest === null) return;
      const written = { ...latest, resultLocation: location, progress };
      jobs.update(written);
      await this.finishUp(job, written);
    });
  }

  /** After the result file: delete the temporary endpoint, then SUCCESS (TIMEOUT past the deadline). */
  private async finishUp(job: ActiveJob, record: BatchJobRecord): Promise<void> {
    if (this.isDisposed) return;
    this.detach(job);
    if (record.endpointId !== null) await this.removeEndpoint(record, record.endpointId);
    this.settle(job, this.deps.clock.now() >= record.deadlineAt ? "TIMEOUT" : "SUCCESS", {});
  }

  // ------------------------------------------------------------------------------------- helpers

  private track(jobId: string): ActiveJob {
    const job = new ActiveJob(jobId);
    this.active.set(jobId, job);
    return job;
  }

  /**
   * Stops following a job: timers off, its remaining tasks no longer counted. The job stays in
   * `active` until `settle`, so a cancel arriving meanwhile still queues behind the running step.
   */
  private detach(job: ActiveJob): void {
    job.stop();
    for (const taskId of job.pending) this.byTask.delete(taskId);
  }

  private follow(job: ActiveJob, taskId: string): void {
    job.pending.add(taskId);
    this.byTask.set(taskId, job);
  }

  private onTaskFinished(taskId: string): void {
    const job = this.byTask.get(taskId);
    if (job === undefined) return;
    this.byTask.delete(taskId);
    if (job.finish(taskId) && job.isSubmitted && job.pending.size === 0) this.launch(job, () => this.finalize(job));
  }

  private armDeadline(job: ActiveJob, record: BatchJobRecord): void {
    const { clock } = this.deps;
    const onDeadline = (): void => {
      // Before RUNNING the waiting loop notices the deadline; after, the job finishes as it stands.
      if (job.isSubmitted) this.launch(job, () => this.finalize(job));
      else job.wakeUp();
    };
    // A deadline days away is beyond one Node timer: longTimeout reaches it in steps.
    job.setDeadlineTimer(longTimeout(clock, onDeadline, record.deadlineAt - clock.now()));
  }

  private fail(job: ActiveJob, reason: string): void {
    // A cancel that already stopped the job decides its status.
    if (job.isStopped) return;
    this.detach(job);
    this.deps.logger.warn("batch job failed", { jobId: job.id, reason });
    this.settle(job, "FAILURE", { failureReason: reason });
  }

  /**
   * Writes a final status and lets the job go. The endpoint id is cleared only when the endpoint was
   * deleted: a FAILURE, or a TIMEOUT while waiting, leaves it as the real server does (§6.1).
   */
  private settle(job: ActiveJob, status: BatchJobStatus, fields: Partial<BatchJobRecord>): void {
    if (this.active.get(job.id) === job) this.active.delete(job.id);
    if (this.isDisposed) return;
    const latest = this.deps.jobs.get(job.id);
    if (latest === null) return;
    const deleted = status === "SUCCESS" || status === "CANCELLED" || latest.resultLocation !== null;
    this.deps.jobs.update({
      ...latest,
      ...fields,
      status,
      endpointId: deleted ? null : latest.endpointId,
      completedAt: this.deps.clock.now(),
    });
  }

  private async removeEndpoint(record: BatchJobRecord, endpointId: string): Promise<void> {
    if (this.deps.endpoints.get(endpointId) === null) return;
    try {
      await this.deps.deleteEndpoint(ownerOf(record), endpointId);
    } catch (error) {
      this.deps.logger.warn("could not delete a batch job's endpoint", { jobId: record.id, endpointId, error: describe(error) });
    }
  }

  /** Runs background work for a job; an unexpected error fails the job rather than vanishing. */
  private launch(job: ActiveJob, work: () => Promise<void>): void {
    const promise = work().catch((error: unknown) => {
      this.deps.logger.error("batch job step failed", { jobId: job.id, error: describe(error) });
      if (!this.isDisposed && !job.isStopped) this.fail(job, `Internal error: ${describe(error)}`);
    });
    this.running.add(promise);
    void promise.finally(() => this.running.delete(promise));
  }
}
