/**
 * Submitting a batch job's rows (server-contract.md §6.1 step 2): one async task per row, with
 * `return_pickled` false, through the same path as POST /v1/async-tasks — a PENDING row in SQLite,
 * then `enqueueAsync`. Rows are committed in chunks, each chunk in one transaction together with the
 * job's row links, and the event loop is given back between chunks so HTTP stays responsive while
 * a large file is submitted. Rows already submitted before a restart are skipped. A chunk is queued
 * only once its commit holds; a chunk the store could not take (a full disk) is submitted again after
 * a back-off until it can, and the job carries on.
 */
import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import type { Logger } from "../logger.js";
import { isStoreWriteError } from "../store-failure.js";
import type { TaskLifecycle } from "../tasks/task-lifecycle.js";
import type { BatchJobRepository, BatchRowSubmission, EndpointScheduler } from "../ports.js";
import type { AsyncTaskRecord } from "../task.js";
import type { ActiveJob } from "./active-job.js";
import type { BatchInput } from "./batch-inputs.js";

export interface SubmitDeps {
  jobs: Pick<BatchJobRepository, "submitRows">;
  tasks: Pick<TaskLifecycle, "created">;
  scheduler: Pick<EndpointScheduler, "enqueueAsync">;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
}

export interface SubmitTarget {
  endpointId: string;
  owner: string;
}

export interface SubmitOptions {
  chunkRows: number;
  /** Starts following a task's completion (called before the task is queued). */
  follow(taskId: string): void;
  /** Checked before each chunk: the job was cancelled or the server is stopping. */
  shouldStop(): boolean;
}

/** Lets pending I/O (HTTP, worker answers) run between two chunks. Not a timer: nothing to advance. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/** Submits every row not yet submitted; false when it stopped early. */
export async function submitRows(
  deps: SubmitDeps,
  job: ActiveJob,
  inputs: readonly BatchInput[],
  target: SubmitTarget,
  options: SubmitOptions,
): Promise<boolean> {
  const { jobs, tasks, scheduler, clock, ids, logger } = deps;
  let chunk: BatchRowSubmission[] = [];

  /** Commits the chunk (again after a back-off while the store refuses it), then queues its tasks. */
  const flush = async (): Promise<boolean> => {
    if (chunk.length === 0) return true;
    const rows = chunk.map(({ task }) => task);
    for (let delay = FIRST_RETRY_MS, isLogged = false; ; delay = Math.min(MAX_RETRY_MS, delay * 2)) {
      try {
        jobs.submitRows(job.id, chunk);
        await tasks.created(rows, "batch");
        if (isLogged) logger.info("batch job rows reach the database again", { jobId: job.id });
        break;
      } catch (error) {
        if (!isStoreWriteError(error)) throw error;
        if (!isLogged) logger.error(`batch job rows could not be stored: ${error.message} Submitting again until they can.`, { jobId: job.id });
        isLogged = true;
        await clock.sleep(delay);
        if (options.shouldStop()) return false;
      }
    }
    for (const task of rows) options.follow(task.id);
    for (const task of rows) scheduler.enqueueAsync(task);
    chunk = [];
    return true;
  };

  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index];
    if (input === undefined || job.submittedRows.has(index)) continue;
    const task: AsyncTaskRecord = {
      id: ids.uuid(),
      endpointId: target.endpointId,
      owner: target.owner,
      status: "PENDING",
      request: input.request,
      result: null,
      traceback: null,
      statusCode: null,
      createdAt: clock.now(),
      startedAt: null,
      completedAt: null,
      attempts: 0,
    };
    chunk.push({ link: { index, referenceId: input.referenceId, taskId: task.id }, task });
    if (chunk.length >= options.chunkRows) {
      if (options.shouldStop() || !(await flush())) return false;
      await nextTurn();
    }
  }
  if (options.shouldStop()) return false;
  return flush();
}
