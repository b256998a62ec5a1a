/**
 * The async task lifecycle (server-contract.md §2.3, §4.4): the only writer of task rows. Each
 * change is an allowed transition, made through the store's guarded statements, and announced on the
 * event bus (`task` events) once it holds, that is once its commit is on disk:
 *
 *     (none) ──create──► PENDING ──start──► STARTED ──finish──► SUCCESS | FAILURE
 *                           ▲                  │
 *                           └─────requeue──────┘      PENDING ──finish──► … (lost too often, internal error)
 *
 * A commit can fail (a full disk): the store rolls back every task write of that turn while the
 * scheduler has already moved on (the worker was called, the answer is in hand). Those writes are
 * held here and written again, in their order, until they hold (task-write-hold.ts), so that once
 * space returns every task reaches its status without a restart. A create is never held: its caller
 * answers the submit with the cause (500), so that task was never accepted.
 */
import type { Clock } from "../clock.js";
import { SystemError } from "../errors.js";
import type { LifecycleEvents, TaskKind } from "../events/lifecycle-events.js";
import type { Logger } from "../logger.js";
import type { CommitPort, TaskRepository } from "../ports.js";
import type { AsyncTaskRecord, TaskStatus } from "../task.js";
import { type HeldWrite, TaskWriteHold } from "./task-write-hold.js";

/** Every status a task may go to from each status (null: no row yet). SUCCESS and FAILURE are final. */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus | "none", readonly TaskStatus[]>> = {
  none: ["PENDING"],
  PENDING: ["STARTED", "SUCCESS", "FAILURE"],
  STARTED: ["PENDING", "SUCCESS", "FAILURE"],
  SUCCESS: [],
  FAILURE: [],
  UNDEFINED: [],
};

export function isAllowedTaskTransition(from: TaskStatus | null, to: TaskStatus): boolean {
  return TASK_TRANSITIONS[from ?? "none"].includes(to);
}

/** A transition the lifecycle does not allow: a bug in the caller, never a user error. */
export class TaskTransitionError extends SystemError {
  constructor(from: TaskStatus | null, to: TaskStatus) {
    super(`a task cannot go from ${from ?? "(no row)"} to ${to}`);
    this.name = "TaskTransitionError";
  }
}

export interface TaskOutcome {
  status: Extract<TaskStatus, "SUCCESS" | "FAILURE">;
  result: unknown;
  traceback: string | null;
  statusCode: number | null;
}

export interface TaskLifecycleDeps {
  tasks: TaskRepository;
  commits: CommitPort;
  events: LifecycleEvents;
  clock: Clock;
  logger: Logger;
}

export class TaskLifecycle {
  readonly #deps: TaskLifecycleDeps;
  readonly #hold: TaskWriteHold;
  /** Tasks that are rows of a v1 batch job (their events say `kind: "batch"`), until they finish. */
  readonly #batchTasks = new Set<string>();

  constructor(deps: TaskLifecycleDeps) {
    this.#deps = deps;
    this.#hold = new TaskWriteHold({
      commits: deps.commits,
      clock: deps.clock,
      logger: deps.logger,
      announce: (write) => this.#announce(write),
      statusInStore: (taskId) => deps.tasks.get(taskId)?.status ?? null,
    });
  }

  /**
   * POST /v1/async-tasks: the PENDING row, resolved once it is committed (accepted means committed,
   * DESIGN.md principle 4). Rejects with StoreWriteError when it could not be (nothing was accepted).
   */
  async create(task: AsyncTaskRecord): Promise<void> {
    this.#assert(null, task.status);
    this.#hold.writeHeldNow();
    this.#deps.tasks.insert(task);
    await this.#deps.commits.committed();
    this.#announce({ task, from: null, to: "PENDING", at: task.createdAt, apply: () => undefined });
  }

  /**
   * Rows another repository inserted with its own rows in the same transaction (a batch job's rows and
   * their links): resolved once committed, then announced. Rejects with StoreWriteError.
   */
  async created(tasks: readonly AsyncTaskRecord[], kind: Extract<TaskKind, "async" | "batch">): Promise<void> {
    await this.#deps.commits.committed();
    for (const task of tasks) {
      if (kind === "batch") this.#batchTasks.add(task.id);
      this.#announce({ task, from: null, to: "PENDING", at: task.createdAt, apply: () => undefined });
    }
  }

  /** A recovered or resumed batch row (after a restart): its events say `kind: "batch"` again. */
  adoptBatchTask(taskId: string): void {
    this.#batchTasks.add(taskId);
  }

  /** PENDING → STARTED as a slot takes the task; false when it is not PENDING (taken or finished). */
  start(task: AsyncTaskRecord): boolean {
    const at = this.#deps.clock.now();
    return this.#hold.write({ task, from: "PENDING", to: "STARTED", at, apply: () => this.#deps.tasks.markStarted(task.id, at) });
  }

  /** The final status; false when the task had already finished (a late answer, a duplicate). */
  finish(task: AsyncTaskRecord, from: "PENDING" | "STARTED", outcome: TaskOutcome): boolean {
    this.#assert(from, outcome.status);
    const at = this.#deps.clock.now();
    const { status, result, traceback, statusCode } = outcome;
    return this.#hold.write({ task, from, to: status, at, apply: () => this.#deps.tasks.complete(task.id, status, result, traceback, statusCode, at) });
  }

  /** STARTED → PENDING: its worker was lost, it is delivered again (at-least-once, §4.4). */
  requeue(task: AsyncTaskRecord): boolean {
    return this.#hold.write({ task, from: "STARTED", to: "PENDING", at: this.#deps.clock.now(), apply: () => this.#deps.tasks.requeue(task.id) });
  }

  /** Task writes waiting for the store to take them again (0 unless commits are failing). */
  get heldWrites(): number {
    return this.#hold.size;
  }

  /** Stops writing held writes again (close); the tasks they cover run again after a restart. */
  dispose(): void {
    this.#hold.dispose();
  }

  #assert(from: TaskStatus | null, to: TaskStatus): void {
    if (!isAllowedTaskTransition(from, to)) throw new TaskTransitionError(from, to);
  }

  #announce(write: HeldWrite): void {
    const { task, from, to, at } = write;
    const isFinal = to === "SUCCESS" || to === "FAILURE";
    const kind: TaskKind = this.#batchTasks.has(task.id) ? "batch" : "async";
    if (isFinal) this.#batchTasks.delete(task.id);
    const { events } = this.#deps;
    if (!events.has("task")) return;
    events.emit({
      type: "task",
      at,
      taskId: task.id,
      endpointId: task.endpointId,
      owner: task.owner,
      kind,
      from,
      to,
      ...(isFinal ? { durationMs: Math.max(0, at - task.createdAt) } : {}),
    });
  }
}
