/**
 * Task retention (issue 13 item 11; README "Task retention"): a finished async task (SUCCESS or
 * FAILURE) is deleted `retentionHours` after it completed, with the pickled result its worker wrote, so
 * the history and the database stay bounded. Afterwards GET /v1/async-tasks/{id} answers as for an
 * id that never existed (200 PENDING with nulls, §2.3), as the real server does once Celery's result
 * backend has expired the result. PENDING and STARTED tasks are never touched, nor the rows of a v1
 * batch job still running: its result file reads them when it ends (store/task-expiry.ts).
 *
 * Off the hot path: a sweep every `intervalMs` on the injected clock deletes in batches of at most
 * `batchRows` rows, one transaction each, and yields to the event loop between batches, so a submit
 * never waits for more than one batch. The pages freed are reused by later rows (SQLite's free
 * list), which keeps the file at the size of the history it holds.
 */
import type { BlobAccess } from "../blobs/blob-access.js";
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import type { ExpiryCursor, TaskExpiryStore } from "../ports.js";

export interface TaskRetentionDeps {
  store: TaskExpiryStore;
  results: Pick<BlobAccess, "removeResult">;
  clock: Clock;
  logger: Logger;
  /** How long after its completion a task goes (hours, fractions allowed; Infinity: never). */
  retentionHours: number;
  /** Time between sweeps (default one minute). */
  intervalMs?: number;
  /** Rows deleted per transaction (default 500). */
  batchRows?: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_INTERVAL_MS = 60_000;
const DEFAULT_BATCH_ROWS = 500;

/** The location a `return_pickled` result names (§4.3: `{"result_url": "s3://…"}`), or null. */
function resultLocation(result: unknown): string | null {
  if (typeof result !== "object" || result === null || !("result_url" in result)) return null;
  return typeof result.result_url === "string" ? result.result_url : null;
}

/** One turn of the event loop: what the server was waiting to do runs before the next batch. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class TaskRetention {
  readonly #deps: TaskRetentionDeps;
  #cancelTimer: (() => void) | null = null;
  #sweeping: Promise<number> | null = null;
  #isDisposed = false;

  constructor(deps: TaskRetentionDeps) {
    this.#deps = deps;
  }

  /** Sweeps every `intervalMs` from now on; returns `dispose`, for the instance's lifetime. */
  start(): () => Promise<void> {
    this.#schedule();
    return () => this.dispose();
  }

  /** Deletes every task that has expired by now; resolves with how many went. One sweep at a time. */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweepAll()
      .catch((error: unknown) => {
        // A failed delete (a full disk) leaves the rest for the next sweep.
        this.#deps.logger.warn("expiring finished tasks failed; the next sweep tries again", { error: String(error) });
        return 0;
      })
      .finally(() => (this.#sweeping = null));
    return this.#sweeping;
  }

  async dispose(): Promise<void> {
    this.#isDisposed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    await this.#sweeping;
  }

  #schedule(): void {
    if (this.#isDisposed || !Number.isFinite(this.#deps.retentionHours)) return;
    this.#cancelTimer = this.#deps.clock.setTimeout(() => {
      void this.sweep().finally(() => this.#schedule());
    }, this.#deps.intervalMs ?? DEFAULT_INTERVAL_MS);
  }

  async #sweepAll(): Promise<number> {
    const { store, results, clock, logger } = this.#deps;
    const batchRows = this.#deps.batchRows ?? DEFAULT_BATCH_ROWS;
    const cutoff = clock.now() - this.#deps.retentionHours * HOUR_MS;
    let after: ExpiryCursor | null = null;
    let removed = 0;
    do {
      const scanned = store.scan(cutoff, after, batchRows);
      // Blobs first: a sweep stopped between the two steps leaves a row to delete again, never a
      // result file that no row names any more.
      await Promise.all(
        scanned.tasks.map(({ owner, result }) => {
          const location = resultLocation(result);
          return location === null ? undefined : results.removeResult(owner, location);
        }),
      );
      if (scanned.tasks.length > 0) removed += store.remove(scanned.tasks.map((task) => task.id));
      after = scanned.next;
      await nextTurn();
    } while (after !== null && !this.#isDisposed);
    if (removed > 0) logger.debug("expired finished tasks", { removed, completedBefore: cutoff });
    return removed;
  }
}
