/**
 * Start-up recovery on an existing data dir (DESIGN.md principle 4, "Nothing lost"): finish deletes
 * that were under way, redeploy every other endpoint (builds are cached by the runtime), and queue
 * every unfinished async task again in creation order; a task that was STARTED when the process died
 * goes back to PENDING (at-least-once, §4.4). Tasks of endpoints that no longer exist stay PENDING,
 * as on the real server, whose queue went with the endpoint.
 */
import type { SchedulerContext } from "./context.js";
import type { Deployer } from "./deployer.js";
import type { Dispatcher } from "./dispatcher.js";

export function recover(ctx: SchedulerContext, dispatcher: Dispatcher, deployer: Deployer): void {
  const { endpoints, tasks, taskLifecycle, endpointLifecycle, logs, logger } = ctx.deps;
  for (const record of endpoints.all()) {
    if (record.status === "DELETE_IN_PROGRESS") {
      endpointLifecycle.remove(record.id);
      logs.clear(record.id);
      logger.info("finished an interrupted endpoint delete", { endpointId: record.id });
      continue;
    }
    const state = ctx.stateFor(record.id);
    for (const task of tasks.unfinished(record.id)) {
      let attempts = task.attempts;
      if (task.status === "STARTED") {
        taskLifecycle.requeue(task);
        attempts++;
      }
      dispatcher.enqueueAsync(state, { kind: "async", task: { ...task, status: "PENDING", startedAt: null, attempts }, attempts }, false);
    }
    deployer.deploy(state, true);
  }
}
