/**
 * Autoscaling decisions (server-contract.md §5, DESIGN.md "Autoscaling"), as pure functions so the
 * math is tested on its own. The scheduler feeds in live worker states and applies the plan.
 */
import type { EndpointScaling } from "../domain/endpoint.js";
import { MAX_ENDPOINT_SIZE } from "../domain/endpoints/resource-limits.js";

/**
 * `ceil(inflight / per_worker)` clamped to [min_workers, max_workers]; min wins when min > max (§5.1).
 * min_workers has no upper bound on the API, so the result is also capped at the largest endpoint the
 * API allows (250, §5.3): a huge min_workers must not start workers without end (README "Parity").
 */
export function wantedWorkers(inflight: number, scaling: Pick<EndpointScaling, "minWorkers" | "maxWorkers" | "perWorker">): number {
  const raw = Math.ceil(inflight / Math.max(1, scaling.perWorker));
  return Math.min(MAX_ENDPOINT_SIZE, Math.max(scaling.minWorkers, Math.min(scaling.maxWorkers, raw)));
}

export interface WorkerView {
  id: string;
  /** Runs the endpoint's current deployment (false: an older one, being replaced). */
  isCurrent: boolean;
  state: "starting" | "ready" | "stopping";
  inflight: number;
}

export interface ScalePlan {
  /** New workers of the current deployment to start. */
  start: number;
  /** Idle workers to stop now. */
  stop: string[];
  /** Workers of an older deployment to take out of rotation (stopped once their in-flight work ends). */
  drain: string[];
}

/**
 * Moves the worker set towards `target` workers of the current deployment:
 * - scale up at once (when starting is allowed);
 * - scale down only idle ready workers: never a starting one, never one with in-flight work;
 * - a rolling replacement keeps old workers serving until enough new ones are ready (§3.1: the old
 *   deployment serves during an update), idle ones first out.
 */
export function planScale(workers: readonly WorkerView[], target: number, canStart: boolean): ScalePlan {
  const current = workers.filter((w) => w.isCurrent && w.state !== "stopping");
  const stop: string[] = [];
  const excess = current.length - target;
  if (excess > 0) {
    for (const worker of current) {
      if (stop.length === excess) break;
      if (worker.state === "ready" && worker.inflight === 0) stop.push(worker.id);
    }
  }
  const start = canStart ? Math.max(0, target - current.length) : 0;

  // Old workers that never became ready carry no work: stop them.
  for (const worker of workers) if (!worker.isCurrent && worker.state === "starting") stop.push(worker.id);
  const readyCurrent = current.filter((w) => w.state === "ready").length - stop.filter((id) => current.some((w) => w.id === id)).length;
  const oldServing = workers.filter((w) => !w.isCurrent && w.state === "ready").sort((a, b) => a.inflight - b.inflight);
  const keepOld = Math.max(0, target - readyCurrent);
  const drain = oldServing.slice(0, Math.max(0, oldServing.length - keepOld)).map((w) => w.id);
  return { start, stop, drain };
}
