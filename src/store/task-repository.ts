import type { TaskRepository } from "../domain/ports.js";
import type { AsyncTaskRecord, PredictRequest, TaskStatus } from "../domain/task.js";
import { type Db, parseStored } from "./database.js";
import { groupWriteFailed, joinGroupCommit } from "./group-commit.js";

/** One row of `async_tasks` (migration 1). `request` and `result` are JSON text written by this module. */
interface TaskRow {
  id: string;
  endpoint_id: string;
  owner: string;
  status: TaskStatus;
  request: string;
  result: string | null;
  traceback: string | null;
  status_code: number | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  attempts: number;
}

const COLUMNS = "id, endpoint_id, owner, status, request, result, traceback, status_code, created_at, started_at, completed_at, attempts";

/**
 * The `WHERE` term of the partial index `async_tasks_unfinished`: SQLite only uses a partial index
 * when the query repeats its condition, so every "unfinished" query spells it exactly this way.
 */
const UNFINISHED = "status IN ('PENDING', 'STARTED')";

function toRecord(row: TaskRow): AsyncTaskRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    owner: row.owner,
    status: row.status,
    request: parseStored<PredictRequest>(row.request),
    result: row.result === null ? null : parseStored<unknown>(row.result),
    traceback: row.traceback,
    statusCode: row.status_code,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    attempts: row.attempts,
  };
}

/** `undefined` (no result at all) is stored as NULL, like JSON null; both read back as null. */
const resultText = (result: unknown): string | null => (result === undefined ? null : JSON.stringify(result));

/**
 * Async task rows (server-contract.md §2.3, §3.2). This is the hot path of async creation: one
 * INSERT per task, statements prepared once. Transitions are guarded in SQL so concurrent writers
 * (a late worker answer, a requeue after a worker loss) can never move a finished task backwards.
 * Writes share one commit per event-loop turn (group-commit.ts); the task lifecycle awaits it, and
 * writes again what a failed commit rolled back (the guards make every write safe to repeat).
 */
export function createTaskRepository(db: Db): TaskRepository {
  const insert = db.prepare<[TaskRow]>(
    `INSERT INTO async_tasks (${COLUMNS}) VALUES (@id, @endpoint_id, @owner, @status, @request, @result, @traceback,
       @status_code, @created_at, @started_at, @completed_at, @attempts)`,
  );
  const select = db.prepare<[string], TaskRow>(`SELECT ${COLUMNS} FROM async_tasks WHERE id = ?`);
  const markStarted = db.prepare<[number, string]>("UPDATE async_tasks SET status = 'STARTED', started_at = ? WHERE id = ? AND status = 'PENDING'");
  const complete = db.prepare<[string, string | null, string | null, number | null, number, string]>(
    `UPDATE async_tasks SET status = ?, result = ?, traceback = ?, status_code = ?, completed_at = ?
       WHERE id = ? AND ${UNFINISHED}`,
  );
  // A redelivered task starts over: STARTED → PENDING, one more attempt recorded (§4.4 at-least-once).
  const requeue = db.prepare<[string]>(
    "UPDATE async_tasks SET status = 'PENDING', started_at = NULL, attempts = attempts + 1 WHERE id = ? AND status = 'STARTED'",
  );
  // rowid breaks ties between tasks created in the same millisecond, keeping insertion order; the
  // partial index holds (endpoint_id, created_at, rowid), so this needs no sort step.
  const unfinished = db.prepare<[string], TaskRow>(`SELECT ${COLUMNS} FROM async_tasks WHERE endpoint_id = ? AND ${UNFINISHED} ORDER BY created_at, rowid`);
  const countUnfinished = db.prepare<[string], { count: number }>(`SELECT COUNT(*) AS count FROM async_tasks WHERE endpoint_id = ? AND ${UNFINISHED}`);

  /** Every write joins the turn's group; a failure is thrown as the domain's StoreWriteError. */
  const write = <T>(run: () => T): T => {
    try {
      joinGroupCommit(db);
      return run();
    } catch (error) {
      throw groupWriteFailed(db, error);
    }
  };

  return {
    insert(task) {
      write(() =>
        insert.run({
          id: task.id,
          endpoint_id: task.endpointId,
          owner: task.owner,
          status: task.status,
          request: JSON.stringify(task.request),
          result: resultText(task.result),
          traceback: task.traceback,
          status_code: task.statusCode,
          created_at: task.createdAt,
          started_at: task.startedAt,
          completed_at: task.completedAt,
          attempts: task.attempts,
        }),
      );
    },
    get(id) {
      const row = select.get(id);
      return row ? toRecord(row) : null;
    },
    markStarted(id, at) {
      return write(() => markStarted.run(at, id).changes === 1);
    },
    complete(id, status, result, traceback, statusCode, at) {
      return write(() => complete.run(status, resultText(result), traceback, statusCode, at, id).changes === 1);
    },
    requeue(id) {
      return write(() => requeue.run(id).changes === 1);
    },
    unfinished(endpointId) {
      return unfinished.all(endpointId).map(toRecord);
    },
    countUnfinished(endpointId) {
      return countUnfinished.get(endpointId)?.count ?? 0;
    },
  };
}
