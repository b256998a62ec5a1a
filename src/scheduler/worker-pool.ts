/**
 * Worker lifecycles: start through the runtime, "starting" until ready, "ready" while serving,
 * "stopping" while draining; an unexpected exit removes the worker (its in-flight calls fail over
 * through their connection errors) and the autoscaler replaces it. Start failures back off (1 s, 2 s…)
 * and after three in a row the endpoint is UPDATE_FAILED until the next deploy: no silent crash loop;
 * with no worker left to serve it, its queued and later work is answered FAILURE at once (dispatcher.ts).
 * A worker that dies on its own soon after becoming ready, before any work reached it, counts as a
 * failed start too (a bundle that crashes right after loading would otherwise restart forever).
 */
import { isLaunchError } from "../domain/errors.js";
import type { WorkerState } from "../domain/events/lifecycle-events.js";
import type { WorkerExit, WorkerHandle, WorkerLaunchSpec } from "../domain/ports.js";
import type { SchedulerContext } from "./context.js";
import type { EndpointState, WorkerEntry } from "./endpoint-state.js";
import { statusReason } from "../domain/endpoints/endpoint-lifecycle.js";

export const MAX_START_FAILURES = 3;
const FIRST_BACKOFF_MS = 1000;
/** An unprompted exit this soon after ready, with no work taken, is a failed start. */
export const EARLY_CRASH_WINDOW_MS = 10_000;

export interface WorkerPool {
  /** Starts one worker of the endpoint's current deployment. */
  start(state: EndpointState): void;
  /** Graceful stop (scale-down, end of a drain). Idempotent. */
  stop(state: EndpointState, worker: WorkerEntry): void;
  /** Takes the worker out of rotation; it stops once its in-flight work is done. */
  drain(state: EndpointState, worker: WorkerEntry): void;
  /** Fault injection: hard-kills one worker; false when there is no such (started) worker. */
  kill(state: EndpointState, workerId: string): boolean;
  /** Stops every worker of the endpoint and waits for them. */
  stopAll(state: EndpointState): Promise<void>;
}

/** What the pool sets off in the scheduler's other parts (wired in scheduler.ts). */
export interface WorkerPoolHooks {
  /** Gives back a slot taken on the worker (the dispatcher's release). */
  release(state: EndpointState, worker: WorkerEntry): void;
  /** The worker set changed (a worker is ready or gone): scale, then hand free slots to queued work. */
  changed(state: EndpointState): void;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createWorkerPool(ctx: SchedulerContext, hooks: WorkerPoolHooks): WorkerPool {
  const { runtime, logs, logger, clock, endpointLifecycle, connect, events } = ctx.deps;

  /** The worker's lifecycle event (domain/events/), one end ("stopped" or "failed") per worker. */
  const announce = (state: EndpointState, worker: WorkerEntry, to: WorkerState, extra: { startMs?: number; reason?: string } = {}): void => {
    if (to === "stopped" || to === "failed") {
      if (worker.hasEnded) return;
      worker.hasEnded = true;
    }
    if (events === undefined || !events.has("worker")) return;
    const owner = worker.generation.endpoint.owner;
    events.emit({ type: "worker", at: clock.now(), endpointId: state.id, owner, workerId: worker.id, state: to, ...extra });
  };

  // Worker output may still arrive while the scheduler is disposed (the store may be closed by then).
  const workerLog = (state: EndpointState, worker: WorkerEntry, line: string): void => {
    if (!ctx.isDisposed) logs.append(state.id, "worker", `[${worker.id}] ${line}`);
  };

  function specOf(state: EndpointState, worker: WorkerEntry): WorkerLaunchSpec {
    const { endpoint, bundle, artifactPath } = worker.generation;
    return {
      endpointId: state.id,
      endpointName: endpoint.name,
      workerId: worker.id,
      bundle,
      artifactPath,
      concurrency: worker.slots,
      cpus: endpoint.resources.cpus,
      memory: endpoint.resources.memory,
      gpus: endpoint.resources.gpus,
      gpuType: endpoint.resources.gpuType,
      endpointType: endpoint.endpointType,
    };
  }

  async function launch(state: EndpointState, worker: WorkerEntry): Promise<void> {
    let handle: WorkerHandle;
    try {
      handle = await runtime.start(specOf(state, worker), (line) => workerLog(state, worker, line));
    } catch (error) {
      startFailed(state, worker, error);
      return;
    }
    worker.handle = handle;
    void handle.exited.then(
      (exit) => onExit(state, worker, exit),
      (error: unknown) => onExit(state, worker, { code: null, signal: describe(error) }),
    );
    if (worker.isStopRequested) {
      await handle.stop();
      return;
    }
    try {
      await handle.ready;
    } catch (error) {
      startFailed(state, worker, error);
      return;
    }
    if (worker.isStopRequested || worker.isGone) return;
    const client = connect({
      endpointId: state.id,
      workerId: worker.id,
      baseUrl: handle.baseUrl,
      token: handle.token ?? null,
      slots: worker.slots,
      kill: () => handle.kill(),
    });
    worker.lease = {
      workerId: worker.id,
      bundle: worker.generation.bundle,
      // An update that changes only scaling settings swaps the record under running workers (deployer.ts).
      get endpoint() {
        return worker.generation.endpoint;
      },
      client,
      release: () => hooks.release(state, worker),
      condemn: (reason) => condemn(state, worker, reason),
    };
    worker.state = "ready";
    // The failure count is reset once this start has proved itself (isProven), not merely on ready.
    worker.readyAt = clock.now();
    workerLog(state, worker, `ready at ${handle.baseUrl}`);
    announce(state, worker, "ready", { startMs: worker.readyAt - worker.startedAt });
    // A new worker may let the autoscaler drain an old deployment's worker; queued work can start.
    hooks.changed(state);
  }

  function startFailed(state: EndpointState, worker: WorkerEntry, error: unknown): void {
    if (worker.isStopRequested) return;
    worker.isStopRequested = true;
    if (state.workers.get(worker.id) === worker) state.workers.delete(worker.id);
    void worker.handle?.stop().catch(() => undefined);
    const reason = describe(error);
    workerLog(state, worker, `failed to start: ${reason}`);
    announce(state, worker, "failed", { reason: `failed to start: ${reason}` });
    if (state.isClosed || worker.generation !== state.current) return;
    countStartFailure(state, isLaunchError(error) ? error.message : reason);
  }

  /** Served work, or outlived the early-crash window: its start was a success. */
  function isProven(worker: WorkerEntry): boolean {
    return worker.readyAt !== null && (worker.hasTakenWork || clock.now() - worker.readyAt >= EARLY_CRASH_WINDOW_MS);
  }

  /** One more failed start in a row (after any proven worker of the deployment reset the count). */
  function countStartFailure(state: EndpointState, reason: string): void {
    for (const other of state.workers.values()) {
      if (other.generation === state.current && other.state === "ready" && isProven(other)) state.startFailures = 0;
    }
    state.startFailures++;
    if (state.startFailures >= MAX_START_FAILURES) {
      const detail = `Worker failed to start: ${reason}`;
      state.startFailure = { statusReason: statusReason(detail), detail };
      logger.warn("worker crash loop; endpoint marked UPDATE_FAILED", { endpointId: state.id, reason });
      endpointLifecycle.move(state.id, { status: "UPDATE_FAILED", statusReason: state.startFailure.statusReason });
      // Queued work is answered now (dispatcher.ts), unless an older deployment's workers still serve.
      hooks.changed(state);
      return;
    }
    const delay = FIRST_BACKOFF_MS * 2 ** (state.startFailures - 1);
    state.nextStartAt = clock.now() + delay;
    state.cancelBackoffTimer?.();
    state.cancelBackoffTimer = clock.setTimeout(() => {
      state.cancelBackoffTimer = null;
      if (!state.isClosed) hooks.changed(state);
    }, delay);
  }

  function onExit(state: EndpointState, worker: WorkerEntry, exit: WorkerExit): void {
    if (worker.isGone) return;
    if (worker.state === "starting") {
      // Runtimes reject `ready` (with their own reason) before `exited` resolves, so this is usually a
      // no-op; an exit that comes first still counts as a failed start (no silent restart loop).
      startFailed(state, worker, new Error(`worker exited before it became ready (code ${String(exit.code)}, signal ${String(exit.signal)})`));
    }
    worker.isGone = true;
    // In-flight calls on this worker now fail with connection errors; their owners requeue or retry.
    worker.lease?.client.destroy();
    if (state.workers.get(worker.id) === worker) state.workers.delete(worker.id);
    // During dispose the runtime stops every worker at once; those exits are expected, not news.
    if (!worker.isStopRequested && worker.state !== "starting" && !ctx.isDisposed) {
      workerLog(state, worker, `exited unexpectedly (code ${String(exit.code)}, signal ${String(exit.signal)})`);
      announce(state, worker, "failed", { reason: `exited unexpectedly (code ${String(exit.code)}, signal ${String(exit.signal)})` });
      logger.warn("worker exited unexpectedly", { endpointId: state.id, workerId: worker.id, code: exit.code, signal: exit.signal });
      if (!state.isClosed && worker.generation === state.current) {
        if (isProven(worker)) state.startFailures = 0;
        else if (!worker.isKilledOnPurpose && worker.readyAt !== null) {
          const afterMs = clock.now() - worker.readyAt;
          countStartFailure(state, `Worker exited ${afterMs} ms after becoming ready (code ${String(exit.code)}, signal ${String(exit.signal)})`);
        }
      }
    }
    announce(state, worker, "stopped");
    if (state.isClosed) return;
    hooks.changed(state);
  }

  function stop(state: EndpointState, worker: WorkerEntry): void {
    if (worker.isStopRequested) return;
    worker.isStopRequested = true;
    worker.state = "stopping";
    workerLog(state, worker, "stopping");
    announce(state, worker, "stopping");
    // A worker still inside runtime.start() is stopped by launch() once its handle exists.
    worker.handle?.stop().catch((error: unknown) => logger.warn("worker stop failed", { workerId: worker.id, error: describe(error) }));
  }

  /** A worker that dropped a connection is treated as dead: hard kill, then it is replaced. */
  function condemn(state: EndpointState, worker: WorkerEntry, reason: string): void {
    if (worker.isGone || worker.isStopRequested) return;
    workerLog(state, worker, `lost a connection (${reason}); replacing it`);
    worker.state = "stopping";
    announce(state, worker, "stopping", { reason: `lost a connection (${reason})` });
    worker.handle?.kill();
  }

  return {
    start(state) {
      const generation = state.current;
      if (generation === null) return;
      const worker: WorkerEntry = {
        id: `${state.id}-w${++state.workerSeq}`,
        generation,
        slots: Math.max(1, generation.endpoint.scaling.concurrentRequestsPerWorker),
        state: "starting",
        inflight: 0,
        handle: null,
        lease: null,
        isStopRequested: false,
        isGone: false,
        readyAt: null,
        hasTakenWork: false,
        isKilledOnPurpose: false,
        startedAt: clock.now(),
        hasEnded: false,
      };
      state.workers.set(worker.id, worker);
      announce(state, worker, "starting");
      launch(state, worker).catch((error: unknown) => {
        logger.error("worker launch failed", { workerId: worker.id, error: describe(error) });
      });
    },
    stop,
    drain(state, worker) {
      worker.state = "stopping";
      if (worker.inflight === 0) stop(state, worker);
    },
    kill(state, workerId) {
      const worker = state.workers.get(workerId);
      if (worker === undefined || worker.handle === null) return false;
      worker.isKilledOnPurpose = true;
      worker.handle.kill();
      return true;
    },
    async stopAll(state) {
      const stopping: Promise<void>[] = [];
      for (const worker of state.workers.values()) {
        worker.isStopRequested = true;
        worker.state = "stopping";
        if (worker.handle !== null) stopping.push(worker.handle.stop());
      }
      await Promise.allSettled(stopping);
    },
  };
}
