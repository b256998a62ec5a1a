/**
 * Runs one async task on a worker slot (server-contract.md §2.3, §4.3, §4.4): PENDING → STARTED when a
 * slot takes it, then the worker's answer becomes the stored outcome. A worker lost mid-task sends the
 * task back to the front of the queue (Celery's late acks: at-least-once) until it has been lost
 * `maxTaskAttempts` times.
 */
import {
  asyncOutcome,
  forwardModeOf,
  predictRouteOf,
  requestPayloadJson,
  runnableBody,
  serializeResultsAsString,
} from "../domain/tasks/forwarding.js";
import type { SchedulerContext } from "./context.js";
import type { Dispatcher } from "./dispatcher.js";
import type { AsyncItem, EndpointState, WorkerEntry } from "./endpoint-state.js";
import type { WorkerPool } from "./worker-pool.js";
import { WorkerConnectionError } from "./worker-client.js";

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createAsyncExecutor(
  ctx: SchedulerContext,
  dispatcher: Dispatcher,
  pool: WorkerPool,
  track: (work: Promise<void>) => void,
): (state: EndpointState, item: AsyncItem, worker: WorkerEntry) => void {
  const { tasks, clock, logger } = ctx.deps;

  function lost(state: EndpointState, item: AsyncItem, worker: WorkerEntry, error: WorkerConnectionError): void {
    pool.condemn(state, worker, error.message);
    const attempts = item.attempts + 1;
    if (attempts >= ctx.maxTaskAttempts) {
      tasks.complete(item.task.id, "FAILURE", `Worker lost the task ${attempts} times`, null, null, clock.now());
      return;
    }
    tasks.requeue(item.task.id);
    item.attempts = attempts;
    if (!state.isClosed && !ctx.isDisposed) dispatcher.enqueueAsync(state, item, true);
  }

  async function execute(state: EndpointState, item: AsyncItem, worker: WorkerEntry): Promise<void> {
    const { task } = item;
    try {
      if (!tasks.markStarted(task.id, clock.now())) return;
      const { flavor } = worker.generation.bundle;
      const mode = forwardModeOf(flavor);
      const request = task.request;
      // Artifact workers get the whole request; runnable images only `args` (§4.2).
      const body = mode === "artifact" ? requestPayloadJson(request) : runnableBody(request);
      let reply;
      try {
        if (worker.client === null) throw new WorkerConnectionError(`worker ${worker.id} is not serving`);
        reply = await worker.client.post(predictRouteOf(flavor, null), body, null);
      } catch (error) {
        if (error instanceof WorkerConnectionError) {
          lost(state, item, worker, error);
          return;
        }
        throw error;
      }
      const asString = serializeResultsAsString(null, request.args, true);
      const outcome = asyncOutcome(mode, reply.status, reply.text, asString);
      tasks.complete(task.id, outcome.status, outcome.result, outcome.traceback, outcome.statusCode, clock.now());
      if (outcome.status === "SUCCESS") {
        // The hook sees the forwarder's response, status_code not yet lifted out (§4.5).
        const response =
          outcome.statusCode !== null && typeof outcome.result === "object" && outcome.result !== null
            ? { ...outcome.result, status_code: outcome.statusCode }
            : outcome.result;
        ctx.callbacks.send(worker.generation.endpoint, request, response, task.id, task.owner);
      }
    } catch (error) {
      // Never leave a task STARTED forever: an unexpected failure ends it, as a Celery exception does.
      logger.error("async task failed inside the scheduler", { taskId: task.id, error: describe(error) });
      tasks.complete(task.id, "FAILURE", describe(error), null, null, clock.now());
    } finally {
      dispatcher.release(state, worker);
    }
  }

  return (state, item, worker) => {
    track(
      execute(state, item, worker).catch((error: unknown) => {
        logger.error("async task bookkeeping failed", { taskId: item.task.id, error: describe(error) });
      }),
    );
  };
}
