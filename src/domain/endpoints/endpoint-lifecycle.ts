/**
 * The endpoint status lifecycle (server-contract.md §3.1): the only writer of an endpoint's status.
 * The services create, edit and delete; the scheduler moves the status as builds and workers go
 * (deploy: UPDATE_IN_PROGRESS, READY or UPDATE_FAILED; a crash loop: UPDATE_FAILED). Every change is
 * an allowed transition, and is announced on the event bus (`endpoint` events) once it is committed.
 *
 *     (none) ─► UPDATE_PENDING ─► UPDATE_IN_PROGRESS ─► READY ─► (edit) UPDATE_PENDING …
 *                     │                  │                │
 *                     └──────────────────┴────────────────┴─► UPDATE_FAILED      any ─► DELETE_IN_PROGRESS ─► gone
 */
import type { Clock } from "../clock.js";
import type { EndpointRecord, EndpointStatus } from "../endpoint.js";
import { SystemError } from "../errors.js";
import type { LifecycleEvents } from "../events/lifecycle-events.js";
import type { Logger } from "../logger.js";
import type { CommitPort, EndpointRepository } from "../ports.js";

/** Every status an endpoint may go to from each status (none: a new endpoint). */
export const ENDPOINT_TRANSITIONS: Readonly<Record<EndpointStatus | "none", readonly EndpointStatus[]>> = {
  none: ["UPDATE_PENDING"],
  UPDATE_PENDING: ["UPDATE_PENDING", "UPDATE_IN_PROGRESS", "UPDATE_FAILED", "DELETE_IN_PROGRESS"],
  UPDATE_IN_PROGRESS: ["UPDATE_PENDING", "UPDATE_IN_PROGRESS", "READY", "UPDATE_FAILED", "DELETE_IN_PROGRESS"],
  // READY → READY: a restart keeps a READY endpoint READY while it redeploys (a new status_reason).
  READY: ["UPDATE_PENDING", "UPDATE_IN_PROGRESS", "READY", "UPDATE_FAILED", "DELETE_IN_PROGRESS"],
  UPDATE_FAILED: ["UPDATE_PENDING", "UPDATE_IN_PROGRESS", "UPDATE_FAILED", "DELETE_IN_PROGRESS"],
  // A delete that could not stop the infrastructure leaves the endpoint UPDATE_FAILED (§2.2 DELETE).
  DELETE_IN_PROGRESS: ["UPDATE_FAILED"],
};

export function isAllowedEndpointTransition(from: EndpointStatus | null, to: EndpointStatus): boolean {
  return ENDPOINT_TRANSITIONS[from ?? "none"].includes(to);
}

/** What the scheduler changes with a status. */
export type StatusPatch = Partial<Pick<EndpointRecord, "statusReason" | "destination" | "hasInfraState">> & { status: EndpointStatus };

/** status_reason is a one-line user-safe message of at most 500 characters (§3.1). */
export function statusReason(message: string): string {
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > 500 ? line.slice(0, 500) : line;
}

export interface EndpointLifecycleDeps {
  endpoints: EndpointRepository;
  commits: CommitPort;
  events: LifecycleEvents;
  clock: Clock;
  logger: Logger;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 2000;

export class EndpointLifecycle {
  /** Writes a failed commit rolled back, in order, written again until they hold (a full disk). */
  #held: Array<() => void> = [];
  #cancelRetry: (() => void) | null = null;
  #retryMs = FIRST_RETRY_MS;
  /** Logged once when writes start failing, once when they hold again. */
  #isFailing = false;

  constructor(private readonly deps: EndpointLifecycleDeps) {}

  /** A new endpoint (UPDATE_PENDING). */
  create(record: EndpointRecord): void {
    this.#check(null, record.status);
    const { endpoints } = this.deps;
    endpoints.insert(record);
    this.#settle(record, null, () => {
      if (endpoints.get(record.id) === null) endpoints.insert(record);
    });
  }

  /** The services' edit of the whole record (PUT: back to UPDATE_PENDING). */
  edit(next: EndpointRecord): void {
    const current = this.deps.endpoints.get(next.id);
    this.#check(current?.status ?? null, next.status);
    this.deps.endpoints.update(next);
    this.#settle(next, current?.status ?? null, () => this.deps.endpoints.update(next));
  }

  /**
   * The scheduler's status change. The HTTP side may change other fields of the record at any time,
   * so the row is read again and only the status fields change, with no await between read and
   * write. False when the endpoint is gone or being deleted, or the transition is not allowed
   * (then nothing is written).
   */
  move(endpointId: string, patch: StatusPatch): boolean {
    const record = this.deps.endpoints.get(endpointId);
    if (record === null || record.status === "DELETE_IN_PROGRESS") return false;
    if (!isAllowedEndpointTransition(record.status, patch.status)) {
      this.deps.logger.warn(`refused an endpoint status change from ${record.status} to ${patch.status}`, { endpointId });
      return false;
    }
    const next = { ...record, ...patch };
    // Written again after a failed commit: the fields of the row as it is then, with this status.
    const rewrite = (): void => {
      const latest = this.deps.endpoints.get(endpointId);
      if (latest !== null && latest.status !== "DELETE_IN_PROGRESS") this.deps.endpoints.update({ ...latest, ...patch });
    };
    try {
      this.deps.endpoints.update(next);
    } catch (error) {
      this.#hold(rewrite, error);
      return true;
    }
    this.#settle(next, record.status, rewrite);
    return true;
  }

  /** DELETE: the endpoint stays DELETE_IN_PROGRESS until its workers are gone. */
  beginDelete(record: EndpointRecord): void {
    this.#check(record.status, "DELETE_IN_PROGRESS");
    const next: EndpointRecord = { ...record, status: "DELETE_IN_PROGRESS" };
    this.deps.endpoints.update(next);
    this.#settle(next, record.status, () => this.deps.endpoints.update(next));
  }

  /** A delete whose infrastructure could not be stopped (§2.2 DELETE). */
  deleteFailed(endpointId: string, reason: string): void {
    const record = this.deps.endpoints.get(endpointId);
    if (record === null) return;
    const next: EndpointRecord = { ...record, status: "UPDATE_FAILED", statusReason: reason };
    this.deps.endpoints.update(next);
    this.#settle(next, record.status, () => this.deps.endpoints.update(next));
  }

  /** The row goes (a finished delete, or one a restart finishes). */
  remove(endpointId: string): void {
    const record = this.deps.endpoints.get(endpointId);
    this.deps.endpoints.delete(endpointId);
    if (record !== null) this.#settle(record, record.status, () => this.deps.endpoints.delete(endpointId), true);
  }

  /** Stops writing held writes again (close). */
  dispose(): void {
    this.#cancelRetry?.();
    this.#cancelRetry = null;
  }

  #check(from: EndpointStatus | null, to: EndpointStatus): void {
    if (!isAllowedEndpointTransition(from, to)) throw new SystemError(`an endpoint cannot go from ${from ?? "(no row)"} to ${to}`);
  }

  /** Announces the change once committed; a rolled-back one is written again (then announced). */
  #settle(record: EndpointRecord, from: EndpointStatus | null, rewrite: () => void, isDeleted = false): void {
    const { events, commits, clock } = this.deps;
    const event = {
      type: "endpoint" as const,
      at: clock.now(),
      endpointId: record.id,
      owner: record.owner,
      from,
      to: record.status,
      reason: record.statusReason,
      ...(isDeleted ? { isDeleted: true } : {}),
    };
    void commits.committed().then(
      () => {
        if (this.#isFailing && this.#held.length === 0 && this.#cancelRetry === null) {
          this.#isFailing = false;
          this.deps.logger.info("endpoint status changes reach the database again");
        }
        if (events.has("endpoint")) events.emit(event);
      },
      (error: unknown) =>
        this.#hold(() => {
          rewrite();
          this.#settle(record, from, rewrite, isDeleted);
        }, error),
    );
  }

  #hold(write: () => void, error: unknown): void {
    if (!this.#isFailing) {
      this.#isFailing = true;
      this.deps.logger.error(
        `an endpoint status change did not reach the database (${error instanceof Error ? error.message : String(error)}); written again until it does`,
      );
    }
    this.#held.push(write);
    if (this.#cancelRetry !== null) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(MAX_RETRY_MS, delay * 2);
    this.#cancelRetry = this.deps.clock.setTimeout(() => {
      this.#cancelRetry = null;
      const writes = this.#held;
      this.#held = [];
      for (const [index, held] of writes.entries()) {
        try {
          held();
        } catch (failure) {
          for (const rest of writes.slice(index)) this.#hold(rest, failure);
          return;
        }
      }
      this.#retryMs = FIRST_RETRY_MS;
    }, delay);
  }
}
