/**
 * What the dashboard page reads (README "Dashboard"), per owner as the API is (§0.4): the caller's
 * endpoints with their live load, recent async tasks with their outcomes, v1 batch jobs with their
 * progress, docker-image batch jobs and triggers, and one endpoint's recent load for the plots.
 * Workers, logs and fault rules come from the control API's own routes.
 */
import type { BatchProgress } from "../batch/batch-job.js";
import type { Clock } from "../clock.js";
import type { FaultRegistry } from "../control/fault-rules.js";
import type { DockerBatchJobRepository, TriggerRepository } from "../job-ports.js";
import type { EndpointRepository } from "../ports.js";
import { notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { EndpointLoad, LoadHistory, LoadReader, LoadSample } from "../observe-ports.js";
import type { DashboardReads } from "./dashboard-ports.js";
import { type DashboardState, taskView } from "./dashboard-views.js";

export interface DashboardServiceDeps {
  endpoints: Pick<EndpointRepository, "list" | "get">;
  scheduler: LoadReader;
  history: LoadHistory;
  faults: Pick<FaultRegistry, "list">;
  reads: DashboardReads;
  batchProgress(jobId: string): BatchProgress | null;
  dockerJobs: Pick<DockerBatchJobRepository, "listByOwner">;
  triggers: Pick<TriggerRepository, "listByOwner">;
  clock: Clock;
}

const RECENT_TASKS = 25;
const RECENT_JOBS = 20;
const IDLE: Omit<EndpointLoad, "endpointId"> = { queued: 0, waiting: 0, active: 0, workers: { starting: 0, ready: 0, stopping: 0 } };

export class DashboardService {
  constructor(private readonly deps: DashboardServiceDeps) {}

  state(user: User): DashboardState {
    const { deps } = this;
    const owner = user.teamId;
    const loads = new Map(deps.scheduler.loads().map((load) => [load.endpointId, load]));
    const endpoints = deps.endpoints.list(owner, null, null);
    const names = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.name]));
    return {
      now: deps.clock.now(),
      owner,
      endpoints: endpoints.map((endpoint) => {
        const load = loads.get(endpoint.id) ?? IDLE;
        return {
          id: endpoint.id,
          name: endpoint.name,
          endpoint_type: endpoint.endpointType,
          status: endpoint.status,
          status_reason: endpoint.statusReason,
          min_workers: endpoint.scaling.minWorkers,
          max_workers: endpoint.scaling.maxWorkers,
          per_worker: endpoint.scaling.perWorker,
          workers: load.workers,
          queued: load.queued,
          waiting: load.waiting,
          in_flight: load.active,
          fault_rules: deps.faults.list(endpoint.id).length,
        };
      }),
      tasks: deps.reads.recentTasks(owner, RECENT_TASKS).map((task) => taskView(task, names.get(task.endpointId) ?? null)),
      batch_jobs: deps.reads.batchJobs(owner, RECENT_JOBS).map((job) => {
        const progress = job.status === "PENDING" ? null : (deps.batchProgress(job.id) ?? job.progress);
        return {
          id: job.id,
          status: job.status,
          created_at: job.createdAt,
          completed_at: job.completedAt,
          rows_total: job.numRows,
          rows_completed: progress?.completed ?? null,
          rows_pending: progress?.pending ?? null,
          result_location: job.resultLocation,
        };
      }),
      docker_image_batch_jobs: deps.dockerJobs
        .listByOwner(owner)
        .slice(-RECENT_JOBS)
        .reverse()
        .map((job) => ({
          id: job.id,
          status: job.status,
          created_at: job.createdAt,
          finished_at: job.finishedAt,
          trigger_id: job.triggerId,
          status_reason: job.statusReason,
        })),
      triggers: deps.triggers.listByOwner(owner).map((trigger) => ({
        id: trigger.id,
        name: trigger.name,
        cron_schedule: trigger.cronSchedule,
        bundle_id: trigger.bundleId,
        suspended: trigger.isSuspended,
      })),
    };
  }

  /** One of the caller's endpoints' recent load, oldest first (another owner's reads as missing, §0.4). */
  series(user: User, endpointId: string): { endpoint_id: string; samples: LoadSample[] } {
    const endpoint = this.deps.endpoints.get(endpointId);
    if (endpoint === null || endpoint.owner !== user.teamId) throw notFound("The specified endpoint could not be found.");
    return { endpoint_id: endpointId, samples: this.deps.history.samples(endpointId) };
  }
}
