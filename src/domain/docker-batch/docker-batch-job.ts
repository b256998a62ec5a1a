/**
 * Docker-image batch jobs (server-contract.md §2.5, §3.3, §6.2): a bundle's command run once with a
 * `job_config` file. On the real platform the status is read from the Kubernetes Job each time; here
 * it is a column moved by the job executor: PENDING → RUNNING → SUCCESS (exit 0) / FAILURE
 * (non-zero exit, a start failure, or killed at the maximum runtime — never TIMEOUT, §3.3).
 * Cancel deletes the job (never CANCELLED).
 */
import { isoTimestamp } from "../clock.js";
import type { GpuType } from "../endpoint.js";
import type { JobGrant } from "./job-grant.js";

export type DockerBatchJobStatus = "PENDING" | "RUNNING" | "SUCCESS" | "FAILURE";

/** Where `job_config` is written when the bundle names no mount_location (§6.2). */
export const DEFAULT_MOUNT_LOCATION = "/restricted_launch/batch_payload.json";
/** activeDeadlineSeconds when the request does not override it: 7 days (§6.2). */
export const DEFAULT_MAX_RUNTIME_SECONDS = 86_400 * 7;
/** ttlSecondsAfterFinished: a finished job disappears 3 days later (§2.5 "garbage-collected"). */
export const FINISHED_JOB_TTL_MS = 86_400 * 3 * 1000;

/** The real gateway answers "not found" for ids outside this pattern, without a lookup (§2.5). */
const JOB_ID_PATTERN = /^[a-z0-9\-_]*$/;
export const isWellFormedJobId = (id: string): boolean => JOB_ID_PATTERN.test(id);

/** The merged resources the job runs with (§2.5 merge rules applied). */
export interface DockerBatchJobResources {
  cpus: string | number;
  memory: string | number;
  storage: string | number | null;
  gpus: number | null;
  gpuType: GpuType | null;
}

/** Everything a runner needs, frozen at creation: later bundle versions do not change a job. */
export interface DockerBatchJobSpec {
  imageRepository: string;
  imageTag: string;
  command: string[];
  env: Record<string, string>;
  mountLocation: string;
  resources: DockerBatchJobResources;
}

export interface DockerBatchJobRecord {
  id: string;
  owner: string;
  createdBy: string;
  createdAt: number;
  bundleId: string;
  /** Set when a trigger spawned the job (its `trigger_id` label, §6.2). */
  triggerId: string | null;
  labels: Record<string, string>;
  /** Kubernetes annotations of the real Job: a fine-tune's `fine_tuned_model`, batch completions' metadata. */
  annotations: Record<string, string> | null;
  jobConfig: Record<string, unknown> | null;
  overrideJobMaxRuntimeS: number | null;
  spec: DockerBatchJobSpec;
  status: DockerBatchJobStatus;
  startedAt: number | null;
  /** When the job reached SUCCESS or FAILURE. */
  finishedAt: number | null;
  /** Why a job failed (emulator only; shown by the job-logs control route). */
  statusReason: string | null;
  /** The runner's handle on a started job (a process group, a container), to reap it after a crash. */
  runnerRef: string | null;
  /** Set for the jobs launch-local starts on the owner's behalf: what their credentials allow (job-grant.ts). */
  grant: JobGrant | null;
}

export const isFinished = (job: DockerBatchJobRecord): boolean => job.status === "SUCCESS" || job.status === "FAILURE";

/** Past ttlSecondsAfterFinished, a finished job is gone for every route (§2.5). */
export const isExpired = (job: DockerBatchJobRecord, now: number): boolean => job.finishedAt !== null && now - job.finishedAt >= FINISHED_JOB_TTL_MS;

/**
 * DockerImageBatchJob as the list route shows it (§2.5): `annotations` always null,
 * `override_job_max_runtime_s` always null and `num_workers` 1. `completed_at` is the Kubernetes
 * Job's completionTime, which Kubernetes sets only when a job succeeds.
 */
export function dockerBatchJobView(job: DockerBatchJobRecord): Record<string, unknown> {
  return {
    id: job.id,
    created_by: job.createdBy,
    owner: job.owner,
    created_at: isoTimestamp(job.createdAt),
    completed_at: job.status === "SUCCESS" && job.finishedAt !== null ? isoTimestamp(job.finishedAt) : null,
    status: job.status,
    annotations: null,
    override_job_max_runtime_s: null,
    num_workers: 1,
  };
}
