/**
 * The task lifecycle's writes between the statement and the commit (task-lifecycle.ts). Each write
 * is followed to its commit, and announced once it holds. When a commit fails (a full disk, a
 * database that went read-only), the store has rolled back every write of that turn: those writes
 * are held here, in order, and written again (their statements are guarded and repeatable) after a
 * back-off, or at once when a submit comes, until a commit takes them. Meanwhile new writes queue
 * behind them, checked against the status the held writes will give their task. The failure is
 * logged once per episode, with its cause, and its end once everything is written.
 */
import type { Clock } from "../clock.js";
import type { Logger } from "../logger.js";
import type { CommitPort } from "../ports.js";
import { isStoreWriteError } from "../store-failure.js";
import type { AsyncTaskRecord, TaskStatus } from "../task.js";

export interface HeldWrite {
  task: AsyncTaskRecord;
  from: TaskStatus | null;
  to: TaskStatus;
  at: number;
  /** The guarded statement: false when the row's status refused it. Safe to run again. */
  apply(): boolean | void;
}

export interface TaskWriteHoldDeps {
  commits: CommitPort;
  clock: Clock;
  logger: Logger;
  /** Called once per write, after its commit. */
  announce(write: HeldWrite): void;
  /** The task's status as the store has it (read only while writes are held). */
  statusInStore(taskId: string): TaskStatus | null;
}

interface Group {
  readonly commit: Promise<void>;
  writes: HeldWrite[];
}

/** The statuses a task's row must have for a write to `to` to take (what the SQL guards check). */
const TAKES_FROM: Readonly<Partial<Record<TaskStatus, readonly TaskStatus[]>>> = {
  STARTED: ["PENDING"],
  PENDING: ["STARTED"],
  SUCCESS: ["PENDING", "STARTED"],
  FAILURE: ["PENDING", "STARTED"],
};

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;

const causeOf = (error: unknown): string => (isStoreWriteError(error) ? error.message : error instanceof Error ? error.message : String(error));

export class TaskWriteHold {
  readonly #deps: TaskWriteHoldDeps;
  /** The writes of the store's open group (one event-loop turn). */
  #group: Group | null = null;
  /** Writes rolled back, or made while commits fail, in order: written again by `writeHeldNow`. */
  #held: HeldWrite[] = [];
  /** The held writes being written again, until their commit settles. */
  #retry: Group | null = null;
  /** The status each task will have once the held writes hold (read only during an episode). */
  readonly #statusAfter = new Map<string, TaskStatus>();
  #episode: { since: number; cause: string; writes: number } | null = null;
  #cancelTimer: (() => void) | null = null;
  #delayMs = FIRST_RETRY_MS;
  #isDisposed = false;

  constructor(deps: TaskWriteHoldDeps) {
    this.#deps = deps;
  }

  get size(): number {
    return this.#held.length + (this.#retry?.writes.length ?? 0);
  }

  /** Makes one write: true when it took (or is held until it can), false when the task's status refused it. */
  write(write: HeldWrite): boolean {
    if (this.#episode !== null) {
      const status = this.#statusAfter.get(write.task.id) ?? this.#deps.statusInStore(write.task.id);
      if (status === null || !(TAKES_FROM[write.to] ?? []).includes(status)) return false;
      this.#hold([write], false);
      return true;
    }
    let took: boolean;
    try {
      took = write.apply() !== false;
    } catch (error) {
      // The statement failed; SQLite may have rolled back the whole turn with it.
      this.#fail(error, [...this.#release(this.#group), write]);
      return true;
    }
    if (!took) return false;
    this.#follow(write);
    return true;
  }

  /** Writes the held writes again now, in the store's open group (a submit joins them). */
  writeHeldNow(): void {
    if (this.#held.length === 0 || this.#retry !== null || this.#isDisposed) return;
    const writes = this.#held;
    this.#held = [];
    try {
      for (const write of writes) write.apply();
    } catch (error) {
      this.#fail(error, writes);
      return;
    }
    const retry: Group = { commit: this.#deps.commits.committed(), writes };
    this.#retry = retry;
    void retry.commit.then(
      () => {
        this.#retry = null;
        for (const write of retry.writes) this.#deps.announce(write);
        if (this.#held.length > 0) this.writeHeldNow();
        else this.#endEpisode();
      },
      (error: unknown) => {
        this.#retry = null;
        this.#fail(error, retry.writes);
      },
    );
  }

  dispose(): void {
    this.#isDisposed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    if (this.size > 0) {
      this.#deps.logger.warn(`${this.size} task status write(s) never reached the database; those tasks run again after a restart`);
    }
  }

  #follow(write: HeldWrite): void {
    const commit = this.#deps.commits.committed();
    let group = this.#group;
    if (group === null || group.commit !== commit) {
      const fresh: Group = { commit, writes: [] };
      this.#group = group = fresh;
      void commit.then(
        () => {
          for (const done of this.#release(fresh)) this.#deps.announce(done);
        },
        (error: unknown) => this.#fail(error, this.#release(fresh)),
      );
    }
    group.writes.push(write);
  }

  /** Takes the writes out of a group (whose outcome then concerns nobody). */
  #release(group: Group | null): HeldWrite[] {
    if (group === null) return [];
    if (this.#group === group) this.#group = null;
    const writes = group.writes;
    group.writes = [];
    return writes;
  }

  #fail(error: unknown, writes: HeldWrite[]): void {
    if (this.#isDisposed || writes.length === 0) return;
    this.#hold(writes, true);
    if (this.#episode === null) {
      const cause = causeOf(error);
      this.#episode = { since: this.#deps.clock.now(), cause, writes: 0 };
      this.#deps.logger.error(`task status writes are not reaching the database: ${cause} They are held and written again until the database takes them.`, {
        heldWrites: this.size,
      });
    }
    this.#schedule();
  }

  /** Older writes (rolled back) go before the ones already held; newer ones after. */
  #hold(writes: HeldWrite[], areOlder: boolean): void {
    this.#held = areOlder ? [...writes, ...this.#held] : [...this.#held, ...writes];
    if (this.#episode !== null) this.#episode.writes += writes.length;
    if (areOlder) for (const write of this.#held) this.#statusAfter.set(write.task.id, write.to);
    else for (const write of writes) this.#statusAfter.set(write.task.id, write.to);
  }

  #schedule(): void {
    if (this.#cancelTimer !== null || this.#isDisposed) return;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(MAX_RETRY_MS, delay * 2);
    this.#cancelTimer = this.#deps.clock.setTimeout(() => {
      this.#cancelTimer = null;
      this.writeHeldNow();
    }, delay);
  }

  #endEpisode(): void {
    const episode = this.#episode;
    if (episode === null) return;
    this.#episode = null;
    this.#statusAfter.clear();
    this.#delayMs = FIRST_RETRY_MS;
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    const seconds = ((this.#deps.clock.now() - episode.since) / 1000).toFixed(1);
    this.#deps.logger.info(`task status writes reach the database again after ${seconds} s`, { writtenAgain: episode.writes });
  }
}
