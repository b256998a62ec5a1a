import type { BatchJobRecord } from "../domain/batch/batch-job.js";
import type { DashboardReads } from "../domain/dashboard/dashboard-ports.js";
import { type Db, parseStored } from "./database.js";

interface RecentTaskRow {
  id: string;
  endpoint_id: string;
  status: string;
  created_at: number;
  completed_at: number | null;
  result: string | null;
  traceback: string | null;
}

/**
 * How many of the newest task rows a dashboard read scans for the owner's: async_tasks has no index
 * by owner (its inserts are the hot path), so the read is bounded instead.
 */
const TASK_SCAN = 2000;

/** The dashboard's reads (GET /_launch_local/ui/state), each bounded and per owner. */
export function createDashboardReads(db: Db): DashboardReads {
  const recentTasks = db.prepare<[number, string, number], RecentTaskRow>(
    `SELECT id, endpoint_id, status, created_at, completed_at, result, traceback
       FROM (SELECT * FROM async_tasks ORDER BY rowid DESC LIMIT ?) WHERE owner = ? LIMIT ?`,
  );
  const batchJobs = db.prepare<[string, number], { data: string }>("SELECT data FROM batch_jobs WHERE owner = ? ORDER BY seq DESC LIMIT ?");
  return {
    recentTasks(owner, limit) {
      return recentTasks.all(TASK_SCAN, owner, limit).map((row) => ({
        id: row.id,
        endpointId: row.endpoint_id,
        status: row.status,
        createdAt: row.created_at,
        completedAt: row.completed_at,
        result: row.result === null ? null : parseStored<unknown>(row.result),
        traceback: row.traceback,
      }));
    },
    batchJobs(owner, limit) {
      return batchJobs.all(owner, limit).map((row) => parseStored<BatchJobRecord>(row.data));
    },
  };
}
