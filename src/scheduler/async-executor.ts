/**
 * Hands an async task to the gateway once a slot has taken it (gateway/async-trip.ts makes the call
 * and records the outcome), and redelivers a task whose worker was lost under it: back to the front
 * of the queue (Celery's late acks: at-least-once, server-contract.md §4.4) until it has been lost
 * `maxTaskAttempts` times, then FAILURE.
 */
import type { WorkerLease } from "../domain/gateway-ports.js";
import type { SchedulerContext } from "./context.js";
import type { Dispatcher } from "./dispatcher.js";
import type { AsyncItem, EndpointState } from "./endpoint-state.js";

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createAsyncExecutor(
  ctx: SchedulerContext,
  dispatcher: Dispatcher,
  track: (work: Promise<void>) => void,
): (state: EndpointState, item: AsyncItem, lease: WorkerLease) => void {
  const { taskLifecycle, logger, runAsync } = ctx.deps;

  function redeliver(state: EndpointState, item: AsyncItem): void {
    const attempts = item.attempts + 1;
    if (attempts >= ctx.maxTaskAttempts) {
      taskLifecycle.finish(item.task, "STARTED", { status: "FAILURE", result: `Worker lost the task ${attempts} times`, traceback: null, statusCode: null });
      return;
    }
    taskLifecycle.requeue(item.task);
    item.attempts = attempts;
    if (!state.isClosed && !ctx.isDisposed) dispatcher.enqueueAsync(state, item, true);
  }

  return (state, item, lease) => {
    track(
      runAsync(item.task, lease).then(
        (end) => {
          if (end === "redeliver") redeliver(state, item);
        },
        (error: unknown) => logger.error("async task bookkeeping failed", { taskId: item.task.id, error: describe(error) }),
      ),
    );
  };
}
