/**
 * Runs docker-image batch jobs (server-contract.md §3.3, §6.2) behind the DockerBatchJobExecutor
 * port: each submitted job is started at once on the JobRunner (no queue: a cluster runs every Job
 * it is given), moves PENDING → RUNNING when its process or container has started, and ends
 * SUCCESS on exit code 0, else FAILURE. The max runtime (override or 7 days, counted from start,
 * like activeDeadlineSeconds) reads the injected clock; a job stopped there is a FAILURE, never
 * TIMEOUT. Output lines go to the job's log.
 *
 * Restart (DESIGN.md principle 4): a job RUNNING when launch-local stopped cannot be re-attached, so
 * it becomes FAILURE with a reason and whatever it left running is ended; PENDING jobs run. Jobs
 * finished more than 3 days ago are deleted (ttlSecondsAfterFinished).
 */
import type { Clock } from "../../domain/clock.js";
import { DEFAULT_MAX_RUNTIME_SECONDS, type DockerBatchJobRecord, FINISHED_JOB_TTL_MS } from "../../domain/docker-batch/docker-batch-job.js";
import { jobConfigFileText } from "../../domain/docker-batch/job-config.js";
import type { Logger } from "../../domain/logger.js";
import type { DockerBatchJobExecutor, DockerBatchJobLogRepository, DockerBatchJobRepository, JobExit, JobHandle, JobRunner } from "../../domain/job-ports.js";
import { longTimeout } from "../../domain/long-timeout.js";

export interface JobExecutorDeps {
  jobs: DockerBatchJobRepository;
  logs: DockerBatchJobLogRepository;
  runner: JobRunner;
  clock: Clock;
  logger: Logger;
  /** The URL and token given to a job with a grant (domain/docker-batch/job-credentials.ts). */
  credentialsFor?: (job: DockerBatchJobRecord) => { url: string; token: string };
}

export interface JobExecutor extends DockerBatchJobExecutor {
  /** Recovery of the jobs a previous run left, then the TTL sweep. */
  start(): Promise<void>;
  /** Stops every running job (reset); their rows are gone or become FAILURE. */
  stopAll(reason: string): Promise<void>;
  /** Idempotent: stops every running job, recording FAILURE with a reason. */
  dispose(): Promise<void>;
  /** Resolves once every job started so far has been recorded as finished (tests). */
  idle(): Promise<void>;
}

const LOST_REASON = "launch-local stopped while the job was running; the job was ended and cannot be resumed.";
const CLOSED_REASON = "launch-local was closed while the job was running.";
const SWEEP_INTERVAL_MS = 3_600_000;

const describeExit = (exit: JobExit): string => exit.error ?? (exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`);

export function createJobExecutor(deps: JobExecutorDeps): JobExecutor {
  const { jobs, logs, runner, clock, logger } = deps;
  const running = new Map<string, { handle: JobHandle; stopReason: string | null }>();
  /** Jobs whose runner has not answered yet → whether they were cancelled meanwhile. */
  const starting = new Map<string, boolean>();
  const work = new Set<Promise<void>>();
  let cancelSweep: () => void = () => undefined;
  let disposing: Promise<void> | null = null;

  const note = (jobId: string, line: string) => logs.append(jobId, `[launch-local] ${line}`);

  async function execute(job: DockerBatchJobRecord): Promise<void> {
    const log = (line: string) => logs.append(job.id, line);
    let handle: JobHandle;
    let isCancelled: boolean;
    starting.set(job.id, false);
    try {
      const credentials = job.grant !== null && deps.credentialsFor !== undefined ? deps.credentialsFor(job) : null;
      handle = await runner.run({ jobId: job.id, owner: job.owner, spec: job.spec, jobConfigText: jobConfigFileText(job.jobConfig), credentials }, log);
    } catch (error) {
      const reason = `The job could not be started: ${error instanceof Error ? error.message : String(error)}`;
      note(job.id, reason);
      jobs.finish(job.id, "FAILURE", clock.now(), reason);
      return;
    } finally {
      isCancelled = starting.get(job.id) === true;
      starting.delete(job.id);
    }
    const entry = { handle, stopReason: null as string | null };
    running.set(job.id, entry);
    if (disposing) entry.stopReason = CLOSED_REASON;
    if (isCancelled || disposing) void handle.stop();
    else if (!jobs.markRunning(job.id, clock.now(), handle.ref)) void handle.stop();

    const maxRuntimeS = job.overrideJobMaxRuntimeS ?? DEFAULT_MAX_RUNTIME_SECONDS;
    const cancelDeadline = longTimeout(
      clock,
      () => {
        entry.stopReason = `The job exceeded its maximum runtime of ${maxRuntimeS} s and was stopped.`;
        note(job.id, entry.stopReason);
        void handle.stop();
      },
      maxRuntimeS * 1000,
    );
    const exit = await handle.exited;
    cancelDeadline();
    running.delete(job.id);
    const isSuccess = exit.code === 0 && entry.stopReason === null;
    const reason = isSuccess ? null : (entry.stopReason ?? `The job's command ${describeExit(exit)}.`);
    if (exit.error !== null) note(job.id, exit.error);
    // A cancelled job's row is gone already; finish() leaves a missing or finished row alone.
    jobs.finish(job.id, isSuccess ? "SUCCESS" : "FAILURE", clock.now(), reason);
    logger.debug("job finished", { jobId: job.id, ...exit, reason });
  }

  const track = (promise: Promise<void>): void => {
    const tracked = promise.catch((error: unknown) => logger.error("job executor error", { error: String(error) }));
    work.add(tracked);
    void tracked.finally(() => work.delete(tracked));
  };

  function sweepExpired(): void {
    for (const id of jobs.deleteFinishedBefore(clock.now() - FINISHED_JOB_TTL_MS)) logs.clear(id);
    cancelSweep = longTimeout(clock, sweepExpired, SWEEP_INTERVAL_MS);
  }

  async function stopEvery(reason: string): Promise<void> {
    await Promise.all(
      [...running.values()].map((entry) => {
        entry.stopReason ??= reason;
        return entry.handle.stop();
      }),
    );
    await Promise.all([...work]);
  }

  return {
    submit(job) {
      if (disposing) return;
      track(execute(job));
    },

    async cancel(jobId) {
      const entry = running.get(jobId);
      if (entry) await entry.handle.stop();
      else if (starting.has(jobId)) starting.set(jobId, true);
    },

    async start() {
      for (const job of jobs.unfinished()) {
        if (job.status === "RUNNING") {
          await runner.reap(job.id, job.runnerRef);
          note(job.id, LOST_REASON);
          jobs.finish(job.id, "FAILURE", clock.now(), LOST_REASON);
        } else {
          track(execute(job));
        }
      }
      sweepExpired();
    },

    stopAll: (reason) => stopEvery(reason),

    dispose() {
      disposing ??= (async () => {
        cancelSweep();
        await stopEvery(CLOSED_REASON);
      })();
      return disposing;
    },

    async idle() {
      while (work.size > 0) await Promise.all([...work]);
    },
  };
}
