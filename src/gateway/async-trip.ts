/**
 * The gateway's half of an async task (server-contract.md §2.3, §4.3, §4.4), run when a slot takes
 * the task: PENDING → STARTED, one call to the worker (no retries: a worker lost mid-task condemns
 * it and the task is redelivered through the queue, Celery's late acks), the answer becomes the
 * stored outcome, and the `callback` hook fires on SUCCESS (§4.5). The lease is released here.
 */
import type { AsyncTaskRunner } from "../domain/gateway-ports.js";
import type { Logger } from "../domain/logger.js";
import type { TripObserver } from "../domain/observe-ports.js";
import type { TaskLifecycle } from "../domain/tasks/task-lifecycle.js";
import type { CallbackSender } from "./callbacks.js";
import { asyncOutcome, forwardModeOf, predictRouteOf, requestPayloadJson, runnableBody, serializeResultsAsString } from "./forwarding.js";
import { postTo } from "./trip.js";

export interface AsyncTripDeps {
  /** The task's status changes (domain/tasks/task-lifecycle.ts). */
  tasks: Pick<TaskLifecycle, "start" | "finish">;
  callbacks: CallbackSender;
  logger: Logger;
  /** Per-request metrics: one trip from STARTED to the stored outcome (a lost delivery is not one). */
  observer?: TripObserver | null;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createAsyncTrip(deps: AsyncTripDeps): AsyncTaskRunner {
  const { tasks, callbacks, logger } = deps;
  const observer = deps.observer ?? null;
  return async (task, lease) => {
    let from: "PENDING" | "STARTED" = "PENDING";
    try {
      if (!tasks.start(task)) return "done";
      from = "STARTED";
      const startedAt = observer === null ? 0 : observer.now();
      const { flavor } = lease.bundle;
      const mode = forwardModeOf(flavor);
      const request = task.request;
      // Artifact workers get the whole request; runnable images only `args` (§4.2).
      const body = mode === "artifact" ? requestPayloadJson(request) : runnableBody(request);
      const reply = await postTo(lease, predictRouteOf(flavor, null), body, null);
      if (reply === "connection") return "redeliver";
      const asString = serializeResultsAsString(null, request.args, true);
      const outcome = asyncOutcome(mode, reply.status, reply.text, asString);
      tasks.finish(task, "STARTED", outcome);
      observer?.ended(lease.endpoint, "async", outcome.status, startedAt);
      if (outcome.status === "SUCCESS") {
        // The hook sees the forwarder's response, status_code not yet lifted out (§4.5).
        const response =
          outcome.statusCode !== null && typeof outcome.result === "object" && outcome.result !== null
            ? { ...outcome.result, status_code: outcome.statusCode }
            : outcome.result;
        callbacks.send(lease.endpoint, request, response, task.id, task.owner);
      }
      return "done";
    } catch (error) {
      // Never leave a task STARTED forever: an unexpected failure ends it, as a Celery exception does.
      logger.error("async task failed inside the gateway", { taskId: task.id, error: describe(error) });
      tasks.finish(task, from, { status: "FAILURE", result: describe(error), traceback: null, statusCode: null });
      return "done";
    } finally {
      lease.release();
    }
  };
}
