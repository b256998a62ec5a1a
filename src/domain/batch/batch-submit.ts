/**
 * Submitting a batch job's rows (server-contract.md §6.1 step 2): one async task per row, with
 * `return_pickled` false, through the same path as POST /v1/async-tasks — a PENDING row in SQLite,
 * then `enqueueAsync`. Rows are committed in chunks, each chunk in one transaction together with the
 * job's row links, and the event loop is given back between chunks so HTTP stays responsive while
 * a large file is submitted. Rows already submitted before a restart are skipped.
 */
import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import type { BatchJobRepository, BatchRowSubmission, EndpointScheduler } from "../ports.js";
import type { AsyncTaskRecord } from "../task.js";
import type { ActiveJob } from "./active-job.js";
import type { BatchInput } from "./batch-inputs.js";

export interface SubmitDeps {
  jobs: Pick<BatchJobRepository, "submitRows">;
  scheduler: Pick<EndpointScheduler, "enqueueAsync">;
  clock: Clock;
  ids: IdGenerator;
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

/** Submits every row not yet submitted; false when it stopped early. */
export async function submitRows(
  deps: SubmitDeps,
  job: ActiveJob,
  inputs: readonly BatchInput[],
  target: SubmitTarget,
  options: SubmitOptions,
): Promise<boolean> {
  const { jobs, scheduler, clock, ids } = deps;
  let chunk: BatchRowSubmission[] = [];

  const flush = (): void => {
    if (chunk.length === 0) return;
    jobs.submitRows(job.id, chunk);
    for (const { task } of chunk) options.follow(task.id);
    for (const { task } of chunk) scheduler.enqueueAsync(task);
    chunk = [];
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
      if (options.shouldStop()) return false;
      flush();
      await nextTurn();
    }
  }
  if (options.shouldStop()) return false;
  flush();
  return true;
}
