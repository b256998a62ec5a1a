/**
 * Applies the autoscaler (autoscaler.ts) to one endpoint: samples the wanted count into the cool-down
 * window, then starts, stops and drains workers. Only an endpoint with a rolled-out deployment scales
 * (a build in progress leaves the previous deployment serving, §3.1).
 */
import { inflightOf, type EndpointState } from "./endpoint-state.js";
import { planScale, wantedWorkers } from "./autoscaler.js";
import type { SchedulerContext } from "./context.js";
import type { WorkerPool } from "./worker-pool.js";

export function createScaler(ctx: SchedulerContext, pool: WorkerPool): (state: EndpointState) => void {
  const { clock } = ctx.deps;
  return (state) => {
    const generation = state.current;
    if (generation === null || state.isClosed || ctx.isDisposed) return;
    const now = clock.now();
    const wanted = wantedWorkers(inflightOf(state), generation.endpoint.scaling);
    const target = state.history.record(now, wanted);
    const canStart = state.startFailure === null && now >= state.nextStartAt;
    const views = Array.from(state.workers.values(), (worker) => ({
      id: worker.id,
      isCurrent: worker.generation === generation,
      state: worker.state,
      inflight: worker.inflight,
    }));
    const plan = planScale(views, target, canStart);
    for (const id of plan.stop) {
      const worker = state.workers.get(id);
      if (worker !== undefined) pool.stop(state, worker);
    }
    for (const id of plan.drain) {
      const worker = state.workers.get(id);
      if (worker !== undefined) pool.drain(state, worker);
    }
    for (let i = 0; i < plan.start; i++) pool.start(state);
  };
}
