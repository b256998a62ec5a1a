/**
 * The per-endpoint FIFO and the worker slots (DESIGN.md "The flow of one request"): every worker has
 * `concurrent_requests_per_worker` slots; a free slot takes the next queued item, async task or
 * waiting sync/streaming request alike, in arrival order. An endpoint whose workers cannot start
 * (blockingStartFailure) queues nothing: its async tasks end FAILURE with the start error and its
 * waiters are answered at once (README "Reliability"; the real platform would let them wait).
 */
import type { Clock } from "../domain/clock.js";
import type { WorkerLease } from "../domain/gateway-ports.js";
import {
  type AsyncItem,
  type EndpointState,
  type ServingWorker,
  type StartFailure,
  type WaiterItem,
  type WorkerEntry,
  blockingStartFailure,
  isServing,
} from "./endpoint-state.js";

/** What the dispatcher sets off in the scheduler's other parts (wired in scheduler.ts). */
export interface DispatcherHooks {
  /** Runs the autoscaler for the endpoint (more queued work, or a cold endpoint woken, §5.2). */
  evaluate(state: EndpointState): void;
  /** Starts an async task on the slot just taken for it. */
  runAsync(state: EndpointState, item: AsyncItem, lease: WorkerLease): void;
  /** Stops a worker that was draining once its last slot comes back. */
  stopWorker(state: EndpointState, worker: WorkerEntry): void;
  /** Ends a PENDING async task that no worker can take: FAILURE with the start error. */
  refuseAsync(item: AsyncItem, failure: StartFailure): void;
}

export interface Dispatcher {
  /** Queues an async task (a redelivered one goes back to the front, §4.4) and wakes the endpoint. */
  enqueueAsync(state: EndpointState, item: AsyncItem, isRedelivery: boolean): void;
  /** A worker slot at once, when one is free and nobody is queued; else null (nothing is queued). */
  tryAcquire(state: EndpointState): WorkerLease | null;
  /**
   * A worker slot for a sync/streaming request: at once when one is free and nobody is queued, else
   * after waiting in the queue until `until` (clock ms); null when none came (or the endpoint went away,
   * or its workers cannot start: null at once).
   */
  acquire(state: EndpointState, until: number): Promise<WorkerLease | null>;
  /** Gives a slot back (the work on it finished, whatever the outcome). */
  release(state: EndpointState, worker: WorkerEntry): void;
  pump(state: EndpointState): void;
  /** Answers every waiter with "no worker" and forgets the queue (undeploy, dispose). */
  abandonQueue(state: EndpointState): void;
}

/** A ready worker with a free slot: the least loaded one, the current deployment first on a tie. */
function pickWorker(state: EndpointState): ServingWorker | null {
  let best: ServingWorker | null = null;
  for (const worker of state.workers.values()) {
    if (!isServing(worker) || worker.inflight >= worker.slots) continue;
    if (
      best === null ||
      worker.inflight < best.inflight ||
      (worker.inflight === best.inflight && worker.generation === state.current && best.generation !== state.current)
    ) {
      best = worker;
    }
  }
  return best;
}

function take(state: EndpointState, worker: ServingWorker): WorkerLease {
  worker.inflight++;
  worker.hasTakenWork = true;
  state.active++;
  return worker.lease;
}

export function createDispatcher(clock: Clock, hooks: DispatcherHooks): Dispatcher {
  /** Settled waiters stay in the deque until shifted; drop them once nothing live is queued. */
  const compact = (state: EndpointState): void => {
    if (state.waiting === 0 && state.queuedAsync === 0 && state.queue.length > 0) state.queue.drain();
  };

  /** Nothing can serve the endpoint: every queued item is answered now, in order. */
  const refuseQueue = (state: EndpointState): void => {
    const failure = blockingStartFailure(state);
    if (failure === null || state.queue.length === 0) return;
    for (const item of state.queue.drain()) {
      if (item.kind === "waiter") item.abandon();
      else {
        state.queuedAsync--;
        hooks.refuseAsync(item, failure);
      }
    }
  };

  const pump = (state: EndpointState): void => {
    if (state.isPumping) {
      state.pumpAgain = true;
      return;
    }
    state.isPumping = true;
    try {
      do {
        state.pumpAgain = false;
        compact(state);
        while (state.queue.length > 0) {
          const worker = pickWorker(state);
          if (worker === null) break;
          const item = state.queue.shift();
          if (item === undefined) break;
          if (item.kind === "waiter") {
            if (item.isSettled) continue;
            state.waiting--;
            item.grant(take(state, worker));
          } else {
            state.queuedAsync--;
            hooks.runAsync(state, item, take(state, worker));
          }
        }
        refuseQueue(state);
      } while (state.pumpAgain);
    } finally {
      state.isPumping = false;
    }
  };

  const tryAcquire = (state: EndpointState): WorkerLease | null => {
    if (state.queue.length > 0) return null;
    const worker = pickWorker(state);
    return worker === null ? null : take(state, worker);
  };

  return {
    pump,
    enqueueAsync(state, item, isRedelivery) {
      const failure = blockingStartFailure(state);
      if (failure !== null) {
        hooks.refuseAsync(item, failure);
        return;
      }
      if (isRedelivery) state.queue.unshift(item);
      else state.queue.push(item);
      state.queuedAsync++;
      hooks.evaluate(state);
      pump(state);
    },
    tryAcquire,
    acquire(state, until) {
      const free = tryAcquire(state);
      if (free !== null) return Promise.resolve(free);
      const now = clock.now();
      if (until <= now || state.isClosed || blockingStartFailure(state) !== null) return Promise.resolve(null);
      return new Promise<WorkerLease | null>((resolve) => {
        let cancelTimer: (() => void) | null = null;
        const settle = (lease: WorkerLease | null): void => {
          item.isSettled = true;
          cancelTimer?.();
          resolve(lease);
        };
        const item: WaiterItem = {
          kind: "waiter",
          isSettled: false,
          grant: (lease) => settle(lease),
          abandon: () => {
            if (item.isSettled) return;
            state.waiting--;
            settle(null);
          },
        };
        state.queue.push(item);
        state.waiting++;
        cancelTimer = clock.setTimeout(() => {
          if (item.isSettled) return;
          state.waiting--;
          settle(null);
          compact(state);
        }, until - now);
        // Scale-from-zero: a waiting request wakes the endpoint at once (§5.2).
        hooks.evaluate(state);
        pump(state);
      });
    },
    release(state, worker) {
      worker.inflight--;
      state.active--;
      if (worker.state === "stopping" && worker.inflight === 0) hooks.stopWorker(state, worker);
      if (!state.isClosed) pump(state);
    },
    abandonQueue(state) {
      for (const item of state.queue.drain()) if (item.kind === "waiter") item.abandon();
      state.queuedAsync = 0;
      state.waiting = 0;
    },
  };
}
