/**
 * The scheduler's in-memory picture of one endpoint: its deployment (generation), workers, queue and
 * scaling history. One object per endpoint, owned by the scheduler instance (no module state).
 */
import type { BundleRecord } from "../domain/bundle.js";
import type { EndpointRecord } from "../domain/endpoint.js";
import type { WorkerLease, WorkerQueue } from "../domain/gateway-ports.js";
import type { WorkerHandle } from "../domain/ports.js";
import type { AsyncTaskRecord } from "../domain/task.js";
import { Deque } from "./deque.js";
import { SlidingMax } from "./sliding-max.js";

/** One rolled-out deployment: what its workers run. Replaced as a whole by deploy/restart. */
export interface Generation {
  seq: number;
  endpoint: EndpointRecord;
  bundle: BundleRecord;
  artifactPath: string | null;
}

export interface WorkerEntry {
  readonly id: string;
  readonly generation: Generation;
  readonly slots: number;
  state: "starting" | "ready" | "stopping";
  inflight: number;
  handle: WorkerHandle | null;
  /** What a call on one of its slots gets (its connection pool included); set once it is ready. */
  lease: WorkerLease | null;
  /** We asked it to stop (scale-down, drain, undeploy): its exit is expected. */
  isStopRequested: boolean;
  /** Its process is gone; it is no longer in the endpoint's worker map. */
  isGone: boolean;
  /** When it became ready (clock ms); null while starting. */
  readyAt: number | null;
  /** Some work has been handed to it (an exit after that is not a start-up crash). */
  hasTakenWork: boolean;
  /** Killed through the control API: its exit does not count towards a crash loop. */
  isKilledOnPurpose: boolean;
  /** When its start was asked for (clock ms): the start time of its "ready" event. */
  readonly startedAt: number;
  /** Its "stopped" or "failed" event went out (the lifecycle events announce one end per worker). */
  hasEnded: boolean;
}

/** An async task waiting for a slot; `attempts` = deliveries lost so far (the row's counter). */
export interface AsyncItem {
  kind: "async";
  task: AsyncTaskRecord;
  attempts: number;
}

/** A worker that has been ready: it has a lease to hand out. */
export interface ServingWorker extends WorkerEntry {
  lease: WorkerLease;
}

export const isServing = (worker: WorkerEntry): worker is ServingWorker => worker.state === "ready" && worker.lease !== null;

/** A sync or streaming request waiting for a slot. */
export interface WaiterItem {
  kind: "waiter";
  isSettled: boolean;
  grant(lease: WorkerLease): void;
  /** Called when the endpoint goes away under the waiter (undeploy, dispose). */
  abandon(): void;
}

export type QueueItem = AsyncItem | WaiterItem;

/** Why the endpoint's workers cannot start: the crash-loop rule's verdict (worker-pool.ts). */
export interface StartFailure {
  /** The endpoint's status_reason: `Worker failed to start: …` (at most 500 characters). */
  statusReason: string;
  /** The whole start error, as a refused async task's traceback. */
  detail: string;
}

export interface EndpointState {
  readonly id: string;
  /** The rolled-out deployment; null until the first successful deploy in this process. */
  current: Generation | null;
  /** deploy() has been called since the last undeploy: worker counts are reported. */
  hasDeployment: boolean;
  workers: Map<string, WorkerEntry>;
  queue: Deque<QueueItem>;
  /** Live async items in the queue (num_queued_items). */
  queuedAsync: number;
  /** Live waiters in the queue. */
  waiting: number;
  /** Items holding a worker slot. */
  active: number;
  history: SlidingMax;
  workerSeq: number;
  /** Consecutive worker start failures; reset when a worker becomes ready or on deploy. */
  startFailures: number;
  /** Set after too many start failures (worker-pool.ts): no new workers until the next deploy. */
  startFailure: StartFailure | null;
  /** No worker start before this time (back-off after a failure). */
  nextStartAt: number;
  cancelBackoffTimer: (() => void) | null;
  /** Bumped by deploy/undeploy: a running deploy job whose token is stale stops writing. */
  deployToken: number;
  /** Per-endpoint serialisation of deploy jobs (STYLE.md §12). */
  chain: Promise<void>;
  /** Set by undeploy/dispose: late callbacks for this object do nothing. */
  isClosed: boolean;
  /** Re-entrancy guard of the dispatcher's pump. */
  isPumping: boolean;
  pumpAgain: boolean;
  /** The gateway's view of this endpoint's slots (scheduler.ts), made on first use. */
  queueView: WorkerQueue | null;
}

export function createEndpointState(id: string, cooldownMs: number): EndpointState {
  return {
    id,
    current: null,
    hasDeployment: false,
    workers: new Map(),
    queue: new Deque(),
    queuedAsync: 0,
    waiting: 0,
    active: 0,
    history: new SlidingMax(cooldownMs),
    workerSeq: 0,
    startFailures: 0,
    startFailure: null,
    nextStartAt: 0,
    cancelBackoffTimer: null,
    deployToken: 0,
    chain: Promise.resolve(),
    isClosed: false,
    isPumping: false,
    pumpAgain: false,
    queueView: null,
  };
}

/** Queued + active work (§5.1 inflight = queued + active + reserved). */
export const inflightOf = (state: EndpointState): number => state.queuedAsync + state.waiting + state.active;

/**
 * The start failure that leaves nothing to serve the endpoint: its crash loop stopped new starts and
 * no worker is ready or starting (an older deployment's ready workers keep serving through a failed
 * update). Then queued work is answered at once instead of waiting for a worker that never comes.
 */
export function blockingStartFailure(state: EndpointState): StartFailure | null {
  if (state.startFailure === null) return null;
  for (const worker of state.workers.values()) if (worker.state !== "stopping") return null;
  return state.startFailure;
}
