import type { BatchJobRecord, BatchJobStatus } from "../domain/batch/batch-job.js";
import type { BatchJobRepository, BatchRowState, BatchRowSubmission, TaskRepository } from "../domain/ports.js";
import type { TaskStatus } from "../domain/task.js";
import { type Db, parseStored } from "./database.js";
import { writing } from "./write-errors.js";

/** `batch_jobs` and `batch_job_rows` (migration 2). The record is one JSON document per row. */
interface JobRow {
  data: string;
}

interface RowStateRow {
  row_index: number;
  reference_id: string | null;
  task_id: string;
  status: TaskStatus | null;
}

/** The `WHERE` term of the partial index `batch_jobs_active`, spelled exactly as the index does. */
const ACTIVE = "status IN ('PENDING', 'RUNNING')";

/**
 * v1 batch jobs (server-contract.md §2.4, §6.1). `submitRows` writes the async task rows through the
 * task repository and the job's row links in one transaction on the same connection: thousands of
 * rows commit at once, and after a crash a row is either fully submitted or not at all.
 */
export function createBatchJobRepository(db: Db, tasks: Pick<TaskRepository, "insert">): BatchJobRepository {
  const insert = db.prepare<[string, string, BatchJobStatus, number, string]>(
    "INSERT INTO batch_jobs (id, owner, status, created_at, data) VALUES (?, ?, ?, ?, ?)",
  );
  const update = db.prepare<[BatchJobStatus, string, string]>("UPDATE batch_jobs SET status = ?, data = ? WHERE id = ?");
  const select = db.prepare<[string], JobRow>("SELECT data FROM batch_jobs WHERE id = ?");
  const active = db.prepare<[], JobRow>(`SELECT data FROM batch_jobs WHERE ${ACTIVE} ORDER BY created_at, seq`);
  const insertLink = db.prepare<[string, number, string | null, string]>(
    "INSERT INTO batch_job_rows (job_id, row_index, reference_id, task_id) VALUES (?, ?, ?, ?)",
  );
  // Reads only the status column of async_tasks: the task repository owns the rest of that row.
  const rowStates = db.prepare<[string], RowStateRow>(
    `SELECT r.row_index, r.reference_id, r.task_id, t.status FROM batch_job_rows r
       LEFT JOIN async_tasks t ON t.id = r.task_id WHERE r.job_id = ? ORDER BY r.row_index`,
  );

  const submitRows = db.transaction((jobId: string, rows: readonly BatchRowSubmission[]) => {
    for (const { link, task } of rows) {
      tasks.insert(task);
      insertLink.run(jobId, link.index, link.referenceId, link.taskId);
    }
  });

  return {
    insert(job) {
      insert.run(job.id, job.owner, job.status, job.createdAt, JSON.stringify(job));
    },
    get(id) {
      const row = select.get(id);
      return row ? parseStored<BatchJobRecord>(row.data) : null;
    },
    update(job) {
      update.run(job.status, JSON.stringify(job), job.id);
    },
    active() {
      return active.all().map((row) => parseStored<BatchJobRecord>(row.data));
    },
    submitRows(jobId, rows) {
      writing(() => submitRows(jobId, rows));
    },
    rowStates(jobId): BatchRowState[] {
      // Task writes of this turn may be uncommitted (group-commit.ts); this connection reads them all the same.
      return rowStates.all(jobId).map((row) => ({
        index: row.row_index,
        referenceId: row.reference_id,
        taskId: row.task_id,
        status: row.status,
      }));
    },
  };
}
