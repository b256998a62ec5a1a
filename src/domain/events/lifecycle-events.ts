/**
 * The lifecycle event bus (ARCHITECTURE.md "Where each invariant is held"): the domain's lifecycles
 * announce each change they make here, after it holds; the batch orchestrator, metrics and the
 * dashboard subscribe instead of wrapping the store or polling the scheduler.
 *
 * Emitting is synchronous and cheap when nobody listens (one map lookup). A listener must not throw
 * into the lifecycle that emitted: its error is handed to `onListenerError` and the others still run.
 */
import type { EndpointStatus } from "../endpoint.js";
import type { TaskStatus } from "../task.js";

/** How a task reached the gateway. Sync and streaming requests have no row; they are announced as they end. */
export type TaskKind = "sync" | "streaming" | "async" | "batch";

export type WorkerState = "starting" | "ready" | "stopping" | "stopped" | "failed";

export type LifecycleEvent =
  /** A task's status changed (`from` null: created). Sync and streaming: one event at the end. */
  | {
      type: "task";
      at: number;
      taskId: string | null;
      endpointId: string;
      owner: string;
      kind: TaskKind;
      from: TaskStatus | null;
      to: TaskStatus;
      durationMs?: number;
    }
  /** An endpoint's status changed (`from` null: created; `isDeleted`: its row is gone, `to` the last status). */
  | {
      type: "endpoint";
      at: number;
      endpointId: string;
      owner: string;
      from: EndpointStatus | null;
      to: EndpointStatus;
      reason: string | null;
      isDeleted?: boolean;
    }
  /** A worker of an endpoint changed state; `startMs` on "ready" (from start to ready). */
  | { type: "worker"; at: number; endpointId: string; owner: string; workerId: string; state: WorkerState; startMs?: number; reason?: string }
  /** A batch job's progress or status changed. */
  | { type: "batch-job"; at: number; jobId: string; owner: string; status: string; rowsDone: number; rowsTotal: number }
  /** A virtualenv or image build ended. */
  | { type: "build"; at: number; endpointId: string; owner: string; kind: "virtualenv" | "image"; ok: boolean; durationMs: number };

export type LifecycleEventType = LifecycleEvent["type"];
export type EventOf<T extends LifecycleEventType> = Extract<LifecycleEvent, { type: T }>;
export type Listener<T extends LifecycleEventType> = (event: EventOf<T>) => void;

export class LifecycleEvents {
  readonly #listeners = new Map<LifecycleEventType, Set<(event: LifecycleEvent) => void>>();

  constructor(private readonly onListenerError: (error: unknown, event: LifecycleEvent) => void = () => {}) {}

  /** Subscribes to one type of event; returns the unsubscribe function. */
  on<T extends LifecycleEventType>(type: T, listener: Listener<T>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) this.#listeners.set(type, (set = new Set()));
    const wrapped = listener as (event: LifecycleEvent) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** True when someone listens to `type` (lets a hot path skip building an event nobody reads). */
  has(type: LifecycleEventType): boolean {
    return (this.#listeners.get(type)?.size ?? 0) > 0;
  }

  emit(event: LifecycleEvent): void {
    const set = this.#listeners.get(event.type);
    if (set === undefined) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event);
      }
    }
  }
}
