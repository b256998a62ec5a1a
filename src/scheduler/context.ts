/**
 * What the scheduler's parts share: the injected dependencies and the per-endpoint states. The parts
 * call one another through functions handed to them where scheduler.ts builds them (nothing is
 * bound after construction, and nothing is module-level).
 */
import type { Clock } from "../domain/clock.js";
import type { AsyncTaskRunner, WorkerConnector } from "../domain/gateway-ports.js";
import type { IdGenerator } from "../domain/ids.js";
import type { Logger } from "../domain/logger.js";
import type { BlobAccess } from "../domain/blobs/blob-access.js";
import type { LifecycleEvents } from "../domain/events/lifecycle-events.js";
import type { EndpointLifecycle } from "../domain/endpoints/endpoint-lifecycle.js";
import type { TaskLifecycle } from "../domain/tasks/task-lifecycle.js";
import type { BundleRepository, EndpointLogRepository, EndpointRepository, TaskRepository, WorkerRuntime } from "../domain/ports.js";
import type { EndpointState } from "./endpoint-state.js";

export interface SchedulerConfig {
  scaleDownCooldownMs: number;
  autoscaleIntervalMs: number;
  /** Deliveries of one async task lost to dying workers before it fails (default 5). */
  maxTaskAttempts?: number;
}

export interface SchedulerDeps {
  endpoints: EndpointRepository;
  bundles: BundleRepository;
  /** Reads of task rows (recovery); their status changes go through `taskLifecycle`. */
  tasks: Pick<TaskRepository, "unfinished">;
  /** Every task status change (domain/tasks/task-lifecycle.ts). */
  taskLifecycle: Pick<TaskLifecycle, "finish" | "requeue">;
  /** Every endpoint status change (domain/endpoints/endpoint-lifecycle.ts). */
  endpointLifecycle: Pick<EndpointLifecycle, "move" | "remove">;
  logs: EndpointLogRepository;
  /** Artifact files for workers, read with the bundle owner's rights. */
  blobs: Pick<BlobAccess, "localPath">;
  runtime: WorkerRuntime;
  /** The gateway's connection pool for a worker that became ready (gateway/connect.ts). */
  connect: WorkerConnector;
  /** The gateway's half of an async task, called when a slot takes one (gateway/async-trip.ts). */
  runAsync: AsyncTaskRunner;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  config: SchedulerConfig;
  /** Worker and build events (domain/events/); absent in tests that do not read them. */
  events?: LifecycleEvents;
}

export interface SchedulerContext {
  readonly deps: SchedulerDeps;
  readonly maxTaskAttempts: number;
  readonly states: Map<string, EndpointState>;
  isDisposed: boolean;
  /** The endpoint's state, created on first use (a task may arrive before the first deploy). */
  stateFor(endpointId: string): EndpointState;
}
