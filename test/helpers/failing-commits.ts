/**
 * A store seam for full-disk tests: the connection's group commits (store/group-commit.ts) fail as
 * SQLite's COMMIT fails on a full disk (SqliteError SQLITE_FULL, the transaction still open, so the
 * group rolls it back and every write of that turn is gone) while `failing` says so. Install it on a
 * fresh connection, before its first task write (the group's statements are prepared then).
 */
import Database from "better-sqlite3";
import type { Db } from "../../src/store/database.js";

export interface FailingCommits {
  /** Fails the next `count` commits (Infinity: until `heal`). */
  fail(count: number): void;
  heal(): void;
  /** Commits that failed so far. */
  readonly failed: number;
}

export function failingCommits(db: Db): FailingCommits {
  let remaining = 0;
  let failed = 0;
  const prepare = db.prepare.bind(db);
  const patched = ((source: string) => {
    const statement = prepare(source);
    if (source !== "COMMIT") return statement;
    const run = statement.run.bind(statement);
    return Object.assign(Object.create(statement) as typeof statement, {
      run: (...args: unknown[]) => {
        if (remaining > 0) {
          remaining--;
          failed++;
          throw new Database.SqliteError("database or disk is full", "SQLITE_FULL");
        }
        return run(...(args as []));
      },
    });
  }) as Db["prepare"];
  db.prepare = patched;
  return {
    fail(count) {
      remaining = count;
    },
    heal() {
      remaining = 0;
    },
    get failed() {
      return failed;
    },
  };
}
