/**
 * What the scheduler's parts share: the injected dependencies, the per-endpoint states, and the few
 * operations one part triggers in another (bound once in scheduler.ts, so no part imports a sibling's
 * instance and nothing is module-level).
 */
import type { CallbackSender } from "./callbacks.js";
import type { Clock } from "../domain/clock.js";
import type { FaultSource } from "../domain/control/fault-rules.js";
import type { IdGenerator } from "../domain/ids.js";
import type { Logger } from "../domain/logger.js";
import type { BlobAccess } from "../domain/blobs/blob-access.js";
import type {
  BundleRepository,
  EndpointLogRepository,
  EndpointRepository,
  TaskRepository,
  WorkerRuntime,
} from "../domain/ports.js";
import type { AsyncItem, EndpointState, WorkerEntry } from "./endpoint-state.js";

export interface SchedulerConfig {
  scaleDownCooldownMs: number;
  autoscaleIntervalMs: number;
  /** Default sync/streaming wait (the real gateway's 10 s, §2.3). */
  syncTimeoutSeconds: number;
  /** Deliveries of one async task lost to dying workers before it fails (default 5). */
  maxTaskAttempts?: number;
}

export interface SchedulerDeps {
  endpoints: EndpointRepository;
  bundles: BundleRepository;
  tasks: TaskRepository;
  logs: EndpointLogRepository;
  /** Artifact files for workers, read with the bundle owner's rights. */
  blobs: Pick<BlobAccess, "localPath">;
  runtime: WorkerRuntime;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  config: SchedulerConfig;
  /** Fault rules of the control API, consulted on every call to a worker; absent = none. */
  faults?: FaultSource;
}

export interface SchedulerContext {
  readonly deps: SchedulerDeps;
  readonly maxTaskAttempts: number;
  /** The `callback` post-inference hook (§4.5). */
  readonly callbacks: CallbackSender;
  readonly states: Map<string, EndpointState>;
  isDisposed: boolean;
  /** The endpoint's state, created on first use (a task may arrive before the first deploy). */
  stateFor(endpointId: string): EndpointState;
  /** Hands free slots to queued work. */
  pump(state: EndpointState): void;
  /** Runs the autoscaler for one endpoint now. */
  evaluate(state: EndpointState): void;
  /** Stops one worker (scale-down, drain, undeploy). */
  stopWorker(state: EndpointState, worker: WorkerEntry): void;
  /** Treats a worker that dropped a connection as dead: kills it so it is replaced. */
  condemnWorker(state: EndpointState, worker: WorkerEntry, reason: string): void;
  /** Executes one async task on a worker slot that the dispatcher has taken for it. */
  runAsync(state: EndpointState, item: AsyncItem, worker: WorkerEntry): void;
}
