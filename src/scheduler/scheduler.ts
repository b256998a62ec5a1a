/**
 * The scheduler: who runs where and when. Per-endpoint queues, worker slots, the autoscaler and the
 * deploy lifecycle, behind the `EndpointScheduler` port (what the domain asks) and the `WorkerSlots`
 * port (what the gateway asks: a slot on a ready worker). This file wires the parts together, each
 * given the functions of the others it calls, and owns the instance-wide lifecycle (ticks, recovery,
 * dispose).
 */
import type { WorkerQueue, WorkerSlots } from "../domain/gateway-ports.js";
import type { LoadReader } from "../domain/observe-ports.js";
import type { EndpointScheduler } from "../domain/ports.js";
import { createAsyncExecutor } from "./async-executor.js";
import type { SchedulerContext, SchedulerDeps } from "./context.js";
import { createDeployer } from "./deployer.js";
import { createDispatcher } from "./dispatcher.js";
import { type EndpointState, blockingStartFailure, createEndpointState, isServing } from "./endpoint-state.js";
import { recover } from "./recovery.js";
import { createScaler } from "./scaler.js";
import { createWorkerPool } from "./worker-pool.js";

export type { SchedulerConfig, SchedulerDeps } from "./context.js";

export interface WorkerInfo {
  id: string;
  state: "starting" | "ready" | "stopping";
  inflight: number;
  /** Empty while the runtime is still creating the worker. */
  baseUrl: string;
  /** Host process id (process runtime); null otherwise or while it is being created. */
  pid: number | null;
  /** The worker's token (a direct call must carry it); null: none, or while it is being created. */
  token: string | null;
}

export interface Scheduler extends EndpointScheduler, WorkerSlots, LoadReader {
  /** Recovery after a restart (recovery.ts), then the autoscaler ticks. Builds continue in the background. */
  start(): Promise<void>;
  /** Idempotent: stops ticks, answers waiting sync requests, stops every worker (runtime.dispose()). */
  dispose(): Promise<void>;
  listWorkers(endpointId: string): WorkerInfo[];
  /** Fault injection: hard-kills one worker (it is replaced like any crashed worker). */
  killWorker(endpointId: string, workerId: string): boolean;
  /** Forces a scale decision now, without waiting for the cool-down. */
  scaleNow(endpointId: string): void;
  /** Resolves once every deploy job queued so far has finished (tests, control routes). */
  idle(): Promise<void>;
}

const DEFAULT_MAX_TASK_ATTEMPTS = 5;

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { clock, runtime } = deps;
  const states = new Map<string, EndpointState>();
  const running = new Set<Promise<void>>();
  const track = (work: Promise<void>): void => {
    running.add(work);
    void work.finally(() => running.delete(work));
  };
  const ctx: SchedulerContext = {
    deps,
    maxTaskAttempts: deps.config.maxTaskAttempts ?? DEFAULT_MAX_TASK_ATTEMPTS,
    states,
    isDisposed: false,
    stateFor(endpointId) {
      let state = states.get(endpointId);
      if (state === undefined) {
        state = createEndpointState(endpointId, deps.config.scaleDownCooldownMs);
        states.set(endpointId, state);
      }
      return state;
    },
  };
  // The parts call one another in a ring (queued work → scale → a worker is ready → queued work
  // starts); each gets the functions it calls as arguments, defined right here.
  const dispatcher = createDispatcher(clock, {
    evaluate: (state) => evaluate(state),
    runAsync: (state, item, lease) => executeAsync(state, item, lease),
    stopWorker: (state, worker) => pool.stop(state, worker),
    // The status_reason is the result (str(exception) of a Celery FAILURE, §2.3); the whole error the traceback.
    refuseAsync: (item, failure) => {
      deps.taskLifecycle.finish(item.task, "PENDING", { status: "FAILURE", result: failure.statusReason, traceback: failure.detail, statusCode: null });
    },
  });
  const changed = (state: EndpointState): void => {
    evaluate(state);
    dispatcher.pump(state);
  };
  const pool = createWorkerPool(ctx, { release: (state, worker) => dispatcher.release(state, worker), changed });
  const evaluate = createScaler(ctx, pool);
  const executeAsync = createAsyncExecutor(ctx, dispatcher, track);
  const deployer = createDeployer(ctx, changed, track);

  /** The gateway's view of an endpoint's slots (WorkerQueue), one per endpoint state. */
  const queueOf = (state: EndpointState): WorkerQueue =>
    (state.queueView ??= {
      get isClosed() {
        return state.isClosed;
      },
      tryAcquire: () => dispatcher.tryAcquire(state),
      acquire: (until) => dispatcher.acquire(state, until),
      hasServingWorker: () => {
        for (const worker of state.workers.values()) if (isServing(worker)) return true;
        return false;
      },
      startFailure: () => blockingStartFailure(state)?.statusReason ?? null,
    });

  let cancelTick: (() => void) | null = null;
  const scheduleTick = (): void => {
    cancelTick = clock.setTimeout(() => {
      cancelTick = null;
      if (ctx.isDisposed) return;
      for (const state of states.values()) evaluate(state);
      scheduleTick();
    }, deps.config.autoscaleIntervalMs);
  };

  function close(state: EndpointState): void {
    state.isClosed = true;
    state.hasDeployment = false;
    state.deployToken++;
    state.cancelBackoffTimer?.();
    state.cancelBackoffTimer = null;
    // Waiting sync/streaming requests get FAILURE 503 "No healthy upstream"; queued async tasks stay
    // PENDING in the store.
    dispatcher.abandonQueue(state);
  }

  let disposing: Promise<void> | null = null;

  return {
    get isDisposed() {
      return ctx.isDisposed;
    },
    queueOf: (endpointId) => queueOf(ctx.stateFor(endpointId)),
    async start() {
      if (ctx.isDisposed || cancelTick !== null) return;
      recover(ctx, dispatcher, deployer);
      scheduleTick();
    },
    dispose() {
      disposing ??= (async () => {
        ctx.isDisposed = true;
        cancelTick?.();
        cancelTick = null;
        for (const state of states.values()) close(state);
        await runtime.dispose();
        // Async tasks cut off by the shutdown record their requeue before the store closes.
        await Promise.allSettled([...running]);
      })();
      return disposing;
    },
    deploy(endpointId) {
      if (!ctx.isDisposed) deployer.deploy(ctx.stateFor(endpointId), false);
    },
    async undeploy(endpointId) {
      const state = states.get(endpointId);
      if (state === undefined) return;
      states.delete(endpointId);
      close(state);
      await pool.stopAll(state);
    },
    async restart(endpointId) {
      const state = states.get(endpointId);
      if (state !== undefined && !state.isClosed) deployer.restart(state);
    },
    workerCounts(endpointId) {
      const state = states.get(endpointId);
      if (state === undefined || !state.hasDeployment) return null;
      let available = 0;
      let unavailable = 0;
      for (const worker of state.workers.values()) {
        if (worker.state === "ready") available++;
        else if (worker.state === "starting") unavailable++;
      }
      return { available, unavailable };
    },
    queueDepth(endpointId) {
      return states.get(endpointId)?.queuedAsync ?? 0;
    },
    enqueueAsync(task) {
      // After dispose the row stays PENDING and is picked up by the next start's recovery.
      if (ctx.isDisposed) return;
      dispatcher.enqueueAsync(ctx.stateFor(task.endpointId), { kind: "async", task, attempts: task.attempts }, false);
    },
    listWorkers(endpointId) {
      const state = states.get(endpointId);
      if (state === undefined) return [];
      return Array.from(state.workers.values(), (worker) => ({
        id: worker.id,
        state: worker.state,
        inflight: worker.inflight,
        baseUrl: worker.handle?.baseUrl ?? "",
        pid: worker.handle?.pid ?? null,
        token: worker.handle?.token ?? null,
      }));
    },
    loads() {
      return Array.from(states.values(), (state) => {
        const workers = { starting: 0, ready: 0, stopping: 0 };
        for (const worker of state.workers.values()) workers[worker.state]++;
        return { endpointId: state.id, queued: state.queuedAsync, waiting: state.waiting, active: state.active, workers };
      });
    },
    killWorker(endpointId, workerId) {
      const state = states.get(endpointId);
      return state === undefined ? false : pool.kill(state, workerId);
    },
    scaleNow(endpointId) {
      const state = states.get(endpointId);
      if (state === undefined) return;
      state.history.reset();
      evaluate(state);
    },
    async idle() {
      await Promise.allSettled(Array.from(states.values(), (state) => state.chain));
    },
  };
}
