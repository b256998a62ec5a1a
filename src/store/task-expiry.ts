import type { ExpiryCursor, TaskExpiryStore } from "../domain/ports.js";
import { type Db, parseStored } from "./database.js";
import { commitGroup } from "./group-commit.js";
import { writing } from "./write-errors.js";

interface ScannedRow {
  seq: number;
  id: string;
  owner: string;
  result: string | null;
  completed_at: number;
}

/**
 * The `WHERE` term of the partial index `async_tasks_finished` (migration 5), spelled exactly as the
 * index spells it: SQLite uses a partial index only for a query that repeats its condition.
 */
const FINISHED = "status IN ('SUCCESS', 'FAILURE')";

/**
 * Finished task rows for the retention sweep (domain/tasks/task-retention.ts). Reads walk the
 * `async_tasks_finished` index from a cursor, so each read costs its `limit`, however many rows lie
 * before it or are kept (a running batch job's, looked up by `batch_job_rows_by_task`). Deletes run
 * in their own transaction, never inside the group commit of task writes (group-commit.ts).
 */
export function createTaskExpiryStore(db: Db): TaskExpiryStore {
  const scan = db.prepare<{ cutoff: number; afterAt: number; afterSeq: number; limit: number }, ScannedRow>(
    `SELECT rowid AS seq, id, owner, result, completed_at FROM async_tasks
       WHERE ${FINISHED} AND completed_at <= @cutoff
         AND (completed_at > @afterAt OR (completed_at = @afterAt AND rowid > @afterSeq))
       ORDER BY completed_at, rowid LIMIT @limit`,
  );
  const isHeldByBatch = db.prepare<[string], { held: number }>(
    `SELECT 1 AS held FROM batch_job_rows r JOIN batch_jobs j ON j.id = r.job_id
       WHERE r.task_id = ? AND j.status IN ('PENDING', 'RUNNING') LIMIT 1`,
  );
  const deleteTask = db.prepare<[string]>(`DELETE FROM async_tasks WHERE id = ? AND ${FINISHED}`);
  const deleteLinks = db.prepare<[string]>("DELETE FROM batch_job_rows WHERE task_id = ?");
  const removeAll = db.transaction((ids: readonly string[]) => {
    let removed = 0;
    for (const id of ids) {
      const { changes } = deleteTask.run(id);
      if (changes === 0) continue;
      removed += changes;
      deleteLinks.run(id);
    }
    return removed;
  });

  return {
    scan(cutoff, after, limit) {
      const from: ExpiryCursor = after ?? { completedAt: Number.MIN_SAFE_INTEGER, seq: 0 };
      const rows = scan.all({ cutoff, afterAt: from.completedAt, afterSeq: from.seq, limit });
      const last = rows.at(-1);
      return {
        tasks: rows
          .filter((row) => isHeldByBatch.get(row.id) === undefined)
          .map((row) => ({ id: row.id, owner: row.owner, result: row.result === null ? null : parseStored<unknown>(row.result) })),
        next: last === undefined || rows.length < limit ? null : { completedAt: last.completed_at, seq: last.seq },
      };
    },
    remove(ids) {
      // The turn's task writes commit first, a little sooner than at the end of the turn, so that the
      // deletes are their own transaction: never part of a group, they cannot roll one back.
      commitGroup(db);
      return writing(() => removeAll(ids));
    },
  };
}
