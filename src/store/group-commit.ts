/**
 * Group commit for async task rows. A write of the task repository (a new task, STARTED, an
 * outcome, a requeue) opens a transaction that stays open until the end of the event-loop turn
 * (setImmediate), so every task written in that turn shares one commit.
 *
 * Why: each write used to be its own commit, about 30 µs of blocked event loop on the project's
 * 2-core machines plus WAL pages that the periodic checkpoint must fsync; three commits per async
 * task made SQLite a third of the server's time per task (issue 5, scripts/bench row 3).
 *
 * What keeps DESIGN.md principle 4 is the commit port (`createCommitPort`, domain/ports.ts
 * `CommitPort`): the domain awaits the group's commit before it calls a task accepted
 * (domain/tasks/task-lifecycle.ts), and the HTTP pipeline awaits it before any answer leaves, for
 * the other writes that joined the group (http/app.ts step 0). Any other statement run while a group
 * is open joins it (one connection), better-sqlite3 transactions included (they nest as savepoints).
 * The connection commits before it closes. A crash loses at most the open group, nothing of which
 * was acknowledged: those tasks are PENDING or STARTED after restart and run again (at-least-once,
 * §4.4). A failed commit (a full disk) rejects the group's promise with the cause; the task
 * lifecycle then writes its rolled-back writes again.
 *
 * State per connection (WeakMaps keyed by it), so two instances never share a group.
 */
import type Database from "better-sqlite3";
import type { CommitPort } from "../domain/ports.js";
import { asWriteError } from "./write-errors.js";

type Db = Database.Database;

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
/** Connections whose close() commits the open group first. */
const closesCommitted = new WeakSet<Db>();
/** The last failed statement of a group, so a group SQLite rolled back names its cause. */
const lastFailure = new WeakMap<Db, unknown>();

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
  // A failure is reported to those waiting on the group; a group nobody waits on is no error.
  committed.catch(() => undefined);
  return { committed, resolve: () => settle.resolve(), reject: (error) => settle.reject(error) };
}

/** The open group of writes is committed before the connection goes. */
function commitOnClose(db: Db): void {
  if (closesCommitted.has(db)) return;
  closesCommitted.add(db);
  const close = db.close.bind(db);
  db.close = () => {
    try {
      commitGroup(db);
    } finally {
      close();
    }
    return db;
  };
}

const rolledBack = (db: Db): unknown => {
  const cause = lastFailure.get(db);
  lastFailure.delete(db);
  return cause ?? asWriteError(new Error("The transaction holding the writes of this turn was rolled back."));
};

/** A grouped write failed: its error in the domain's words, remembered as the group's cause. */
export function groupWriteFailed(db: Db, error: unknown): unknown {
  const mapped = asWriteError(error);
  lastFailure.set(db, mapped);
  return mapped;
}

/** Makes the caller's next statements part of this turn's group, opening it if needed. */
export function joinGroupCommit(db: Db): void {
  const open = groups.get(db);
  if (open !== undefined) {
    if (db.inTransaction) return;
    // SQLite rolled the group back by itself after a failed statement (I/O, full disk): its writes
    // are gone, and what follows must not run outside a transaction.
    groups.delete(db);
    open.reject(rolledBack(db));
  } else if (db.inTransaction) {
    // Inside another transaction (a migration, a reset), the statement commits with that one.
    return;
  }
  commitOnClose(db);
  statementsOf(db).begin.run();
  groups.set(db, newGroup());
  setImmediate(() => commitGroup(db));
}

/** Commits the open group now (end of the turn, or before the connection closes). */
export function commitGroup(db: Db): void {
  const group = groups.get(db);
  if (group === undefined) return;
  groups.delete(db);
  if (!db.open || !db.inTransaction) {
    group.reject(rolledBack(db));
    return;
  }
  lastFailure.delete(db);
  try {
    statementsOf(db).commit.run();
    group.resolve();
  } catch (error) {
    if (db.inTransaction) statementsOf(db).rollback.run();
    group.reject(asWriteError(error));
  }
}

/** What an answer must wait for: the commit of the open group, or null when none is open. */
export function pendingCommit(db: Db): Promise<void> | null {
  return groups.get(db)?.committed ?? null;
}

/** The port the domain awaits: the commit of everything written so far on this connection. */
export function createCommitPort(db: Db): CommitPort {
  return { committed: () => groups.get(db)?.committed ?? Promise.resolve() };
}
