/** What the dashboard reads from the store besides the repositories' own queries (store/dashboard-reads.ts). */
import type { BatchJobRecord } from "../batch/batch-job.js";

/** A recent async task, without its request (the page shows outcomes, not inputs). */
export interface RecentTask {
  id: string;
  endpointId: string;
  status: string;
  createdAt: number;
  completedAt: number | null;
  result: unknown;
  traceback: string | null;
}

export interface DashboardReads {
  /** The owner's newest async tasks (batch rows included), newest first, among the store's latest tasks. */
  recentTasks(owner: string, limit: number): RecentTask[];
  /** The owner's newest v1 batch jobs, newest first. */
  batchJobs(owner: string, limit: number): BatchJobRecord[];
}
