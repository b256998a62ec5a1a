/**
 * The scheduler: per-endpoint queues, worker slots, the autoscaler and the deploy lifecycle, behind the
 * `EndpointScheduler` port (DESIGN.md "The flow of one request", "Autoscaling"). This file only wires
 * the parts together and owns the instance-wide lifecycle (ticks, recovery, dispose).
 */
import type { EndpointScheduler } from "../domain/ports.js";
import type { EndpointRecord } from "../domain/endpoint.js";
import type { PredictRequest, PredictResponse } from "../domain/task.js";
import { createAsyncExecutor } from "./async-executor.js";
import { createCallbackSender } from "./callbacks.js";
import type { SchedulerContext, SchedulerDeps } from "./context.js";
import { createDeployer } from "./deployer.js";
import { createDispatcher } from "./dispatcher.js";
import { type EndpointState, createEndpointState } from "./endpoint-state.js";
import { recover } from "./recovery.js";
import { createScaler } from "./scaler.js";
import { createStreamPredict } from "./stream-predict.js";
import { createSyncPredict } from "./sync-predict.js";
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
}

export interface Scheduler extends EndpointScheduler {
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
  /** `rawBody`: the request bytes as received, forwarded untouched to artifact workers when given. */
  predictSync(endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>, rawBody?: Uint8Array): Promise<PredictResponse>;
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
  const unbound = (): never => {
    throw new Error("scheduler context used before it was wired");
  };

  const ctx: SchedulerContext = {
    deps,
    maxTaskAttempts: deps.config.maxTaskAttempts ?? DEFAULT_MAX_TASK_ATTEMPTS,
    callbacks: createCallbackSender({ clock, logger: deps.logger.child("callbacks") }),
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
    pump: unbound,
    evaluate: unbound,
    stopWorker: unbound,
    condemnWorker: unbound,
    runAsync: unbound,
  };
  const dispatcher = createDispatcher(ctx);
  const pool = createWorkerPool(ctx);
  ctx.pump = dispatcher.pump;
  ctx.evaluate = createScaler(ctx, pool);
  ctx.stopWorker = pool.stop;
  ctx.condemnWorker = pool.condemn;
  ctx.runAsync = createAsyncExecutor(ctx, dispatcher, pool, track);
  const deployer = createDeployer(ctx, track);
  const predictSync = createSyncPredict(ctx, dispatcher, pool);
  const predictStream = createStreamPredict(ctx, dispatcher, pool);

  let cancelTick: (() => void) | null = null;
  const scheduleTick = (): void => {
    cancelTick = clock.setTimeout(() => {
      cancelTick = null;
      if (ctx.isDisposed) return;
      for (const state of states.values()) ctx.evaluate(state);
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
    predictSync,
    predictStream,
    listWorkers(endpointId) {
      const state = states.get(endpointId);
      if (state === undefined) return [];
      return Array.from(state.workers.values(), (worker) => ({
        id: worker.id,
        state: worker.state,
        inflight: worker.inflight,
        baseUrl: worker.handle?.baseUrl ?? "",
        pid: worker.handle?.pid ?? null,
      }));
    },
    killWorker(endpointId, workerId) {
      const state = states.get(endpointId);
      return state === undefined ? false : pool.kill(state, workerId);
    },
    scaleNow(endpointId) {
      const state = states.get(endpointId);
      if (state === undefined) return;
      state.history.reset();
      ctx.evaluate(state);
    },
    async idle() {
      await Promise.allSettled(Array.from(states.values(), (state) => state.chain));
    },
  };
}
