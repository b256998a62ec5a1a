/**
 * Write-behind for writes that no caller waits on: an async task's outcome and its requeue. They are
 * queued and committed together, once per event-loop turn, or earlier inside the transaction of the
 * next write that must commit at once (an insert, STARTED) or before a read (`flushWrites`).
 *
 * Why: each commit blocks the event loop (about 30 µs on the project's 2-core machines) and adds WAL
 * pages that the periodic checkpoint must fsync; three commits per async task were a third of the
 * server's time per task (issue 5, scripts/bench). Nothing observable changes: every read of the
 * task repository flushes first, and the database flushes before it closes (database.ts). A crash can
 * lose at most one turn of queued writes, which leaves those tasks STARTED in the store, to run again
 * after restart (at-least-once, §4.4), exactly as a crash one turn earlier would have.
 *
 * The queue belongs to the connection (a WeakMap keyed by it), so two instances never share one.
 */
import type { Db } from "./database.js";

interface Queue {
  writes: (() => void)[];
  isFlushScheduled: boolean;
  /** Runs `write` (if any) and the queued writes in one transaction. */
  commit: (write: (() => unknown) | null) => unknown;
}

const queues = new WeakMap<Db, Queue>();

function queueOf(db: Db): Queue {
  let queue = queues.get(db);
  if (queue === undefined) {
    const writes: (() => void)[] = [];
    const commit = db.transaction((write: (() => unknown) | null) => {
      // Taken before running them: a failed transaction puts them back (see `apply`).
      for (const queued of writes.splice(0)) queued();
      return write === null ? undefined : write();
    });
    queue = { writes, isFlushScheduled: false, commit };
    queues.set(db, queue);
  }
  return queue;
}

/** Runs the transaction; on failure the queued writes are kept for the next attempt and the error thrown. */
function apply(queue: Queue, write: (() => unknown) | null): unknown {
  const pending = queue.writes.slice();
  try {
    return queue.commit(write);
  } catch (error) {
    queue.writes.splice(0, queue.writes.length, ...pending, ...queue.writes);
    throw error;
  }
}

/** Queues a write for the end of this event-loop turn. */
export function deferWrite(db: Db, write: () => void): void {
  const queue = queueOf(db);
  queue.writes.push(write);
  if (queue.isFlushScheduled) return;
  queue.isFlushScheduled = true;
  setImmediate(() => {
    queue.isFlushScheduled = false;
    if (queue.writes.length === 0 || !db.open) return;
    if (db.inTransaction) {
      deferWrite(db, () => undefined);
      return;
    }
    try {
      apply(queue, null);
    } catch {
      // Kept queued: the next read or immediate write retries them and reports the error to its caller.
    }
  });
}

/**
 * Inside another transaction (a batch job's row submission) the queue is left alone: its writes
 * would be lost if that transaction rolled back.
 */
const hasQueued = (db: Db, queue: Queue | undefined): queue is Queue => queue !== undefined && queue.writes.length > 0 && !db.inTransaction;

/** Commits the queued writes now (before reading rows they touch, or closing). */
export function flushWrites(db: Db): void {
  const queue = queues.get(db);
  if (hasQueued(db, queue)) apply(queue, null);
}

/** Runs `write` so that it is committed when this returns, in one transaction with the queued writes. */
export function writeNow<T>(db: Db, write: () => T): T {
  const queue = queues.get(db);
  return hasQueued(db, queue) ? (apply(queue, write) as T) : write();
}
