/**
 * Group commit for async task rows. A write of the task repository (a new task, STARTED, an
 * outcome, a requeue) opens a transaction that stays open until the end of the event-loop turn
 * (setImmediate), so every task written in that turn shares one commit.
 *
 * Why: each write used to be its own commit, about 30 µs of blocked event loop on the project's
 * 2-core machines plus WAL pages that the periodic checkpoint must fsync; three commits per async
 * task made SQLite a third of the server's time per task (issue 5, scripts/bench row 3).
 *
 * What keeps DESIGN.md principle 4: an HTTP answer leaves only after the commit of the group open
 * when it is ready (`pendingCommit`, awaited by http/app.ts and the fast lane before they answer):
 * a handler writes and answers in one turn, so that is the group holding its writes, and a task id is
 * answered only once its row is on disk. The connection commits before it closes (database.ts).
 * Any other statement run while a group is open joins it (one connection), better-sqlite3
 * transactions included (they nest as savepoints). A crash loses at most the open group, nothing of
 * which was acknowledged: those tasks are PENDING or STARTED after restart and run again
 * (at-least-once, §4.4).
 *
 * State per connection (WeakMaps keyed by it), so two instances never share a group.
 */
import type Database from "better-sqlite3";
import type { Db } from "./database.js";

interface Group {
  readonly committed: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

interface Statements {
  begin: Database.Statement;
  commit: Database.Statement;
  rollback: Database.Statement;
}

const groups = new WeakMap<Db, Group>();
const statements = new WeakMap<Db, Statements>();

function statementsOf(db: Db): Statements {
  let prepared = statements.get(db);
  if (prepared === undefined) {
    prepared = { begin: db.prepare("BEGIN"), commit: db.prepare("COMMIT"), rollback: db.prepare("ROLLBACK") };
    statements.set(db, prepared);
  }
  return prepared;
}

function newGroup(): Group {
  let settle = { resolve: (): void => undefined, reject: (_error: unknown): void => undefined };
  const committed = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A failure is reported to the answers waiting on the group; a group nobody waits on is no error.
  committed.catch(() => undefined);
  return { committed, resolve: () => settle.resolve(), reject: (error) => settle.reject(error) };
}

/** Makes the caller's next statements part of this turn's group, opening it if needed. */
export function joinGroupCommit(db: Db): void {
  // Inside another transaction (a batch job's rows), the statement commits with that one.
  if (groups.has(db) || db.inTransaction) return;
  statementsOf(db).begin.run();
  groups.set(db, newGroup());
  setImmediate(() => commitGroup(db));
}

/** Commits the open group now (end of the turn, or before the connection closes). */
export function commitGroup(db: Db): void {
  const group = groups.get(db);
  if (group === undefined) return;
  groups.delete(db);
  if (!db.inTransaction) {
    // SQLite rolls a transaction back by itself on some errors (I/O, full disk): its writes are gone.
    group.reject(new Error("The transaction holding the writes of this turn was rolled back."));
    return;
  }
  try {
    statementsOf(db).commit.run();
    group.resolve();
  } catch (error) {
    if (db.inTransaction) statementsOf(db).rollback.run();
    group.reject(error);
  }
}

/** What an answer must wait for: the commit of the open group, or null when none is open. */
export function pendingCommit(db: Db): Promise<void> | null {
  return groups.get(db)?.committed ?? null;
}
