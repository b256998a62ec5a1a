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
  /** The result as JSON text, cut to RESULT_CHARS. */
  result: string | null;
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
  docker_image_batch_jobs: { id: string; status: string; created_at: number; finished_at: number | null; trigger_id: string | null; status_reason: string | null }[];
  triggers: { id: string; name: string; cron_schedule: string; bundle_id: string; suspended: boolean }[];
}

/** A page shows a glimpse; the whole result is at GET /v1/async-tasks/{id}. */
const RESULT_CHARS = 2000;

const cut = (text: string, limit: number): string => (text.length > limit ? `${text.slice(0, limit)}…` : text);

export function taskView(task: RecentTask, endpointName: string | null): TaskView {
  return {
    id: task.id,
    endpoint_id: task.endpointId,
    endpoint_name: endpointName,
    status: task.status,
    created_at: task.createdAt,
    completed_at: task.completedAt,
    result: task.result === null ? null : cut(JSON.stringify(task.result), RESULT_CHARS),
    traceback: task.traceback === null ? null : cut(task.traceback, RESULT_CHARS * 4),
  };
}
