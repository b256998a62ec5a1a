/** The wire shape of GET /_launch_local/ui/state (snake_case, as the rest of the API). */
import type { RecentTask } from "./dashboard-ports.js";

export interface EndpointView {
  id: string;
  name: string;
  endpoint_type: string;
  status: string;
  status_reason: string | null;
  min_workers: number;
  max_workers: number;
  per_worker: number;
  workers: { starting: number; ready: number; stopping: number };
  queued: number;
  waiting: number;
  in_flight: number;
  fault_rules: number;
}

export interface TaskView {
  id: string;
  endpoint_id: string;
  endpoint_name: string | null;
  status: string;
  created_at: number;
  completed_at: number | null;
  /** The result as JSON text, cut to RESULT_CHARS; null when it is a worker's traceback (below). */
  result: string | null;
  /** The task's traceback, or the one an artifact worker answered for an exception (stored as the result, §4.3). */
  traceback: string | null;
}

export interface DashboardState {
  now: number;
  owner: string;
  endpoints: EndpointView[];
  tasks: TaskView[];
  batch_jobs: {
    id: string;
    status: string;
    created_at: number;
    completed_at: number | null;
    rows_total: number | null;
    rows_completed: number | null;
    rows_pending: number | null;
    result_location: string | null;
  }[];
  docker_image_batch_jobs: {
    id: string;
    status: string;
    created_at: number;
    finished_at: number | null;
    trigger_id: string | null;
    status_reason: string | null;
  }[];
  triggers: { id: string; name: string; cron_schedule: string; bundle_id: string; suspended: boolean }[];
}

/** A page shows a glimpse; the whole result is at GET /v1/async-tasks/{id}. */
const RESULT_CHARS = 2000;

const cut = (text: string, limit: number): string => (text.length > limit ? `${text.slice(0, limit)}…` : text);

/**
 * An artifact bundle's exception is a SUCCESS whose result is `{"detail": {"traceback": "…"}}`, as
 * model-engine stores it (server-contract.md §4.3): the page shows that text as a traceback.
 */
function raisedTraceback(result: unknown): string | null {
  if (typeof result !== "object" || result === null || !("detail" in result)) return null;
  const detail: unknown = result.detail;
  if (typeof detail !== "object" || detail === null || !("traceback" in detail)) return null;
  return typeof detail.traceback === "string" ? detail.traceback : null;
}

export function taskView(task: RecentTask, endpointName: string | null): TaskView {
  const raised = task.traceback === null ? raisedTraceback(task.result) : null;
  const traceback = task.traceback ?? raised;
  return {
    id: task.id,
    endpoint_id: task.endpointId,
    endpoint_name: endpointName,
    status: task.status,
    created_at: task.createdAt,
    completed_at: task.completedAt,
    result: task.result === null || raised !== null ? null : cut(JSON.stringify(task.result), RESULT_CHARS),
    traceback: traceback === null ? null : cut(traceback, RESULT_CHARS * 4),
  };
}
