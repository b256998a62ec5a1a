/**
 * The ports of docker-image batch jobs, triggers and files (§2.5, §2.6, §6.2, §7.1): what their
 * domain services need from `store`, `scheduler/jobs` and `runtime` (a job's container or process).
 * The rest of the domain's ports are in ports.ts.
 */
import type { DockerBatchBundleRecord } from "./docker-batch/docker-batch-bundle.js";
import type { DockerBatchJobRecord, DockerBatchJobSpec } from "./docker-batch/docker-batch-job.js";
import type { StoredFile, StoredFileInfo } from "./files/stored-file.js";
import type { OrderBy } from "./ports.js";
import type { TriggerRecord } from "./triggers/trigger.js";

export interface DockerBatchBundleRepository {
  insert(bundle: DockerBatchBundleRecord): void;
  get(id: string): DockerBatchBundleRecord | null;
  /** The owner's bundles, optionally with an exact name; insertion order unless `orderBy`. */
  list(owner: string, name: string | null, orderBy: OrderBy | null): DockerBatchBundleRecord[];
  latest(owner: string, name: string): DockerBatchBundleRecord | null;
}

export interface DockerBatchJobRepository {
  insert(job: DockerBatchJobRecord): void;
  get(id: string): DockerBatchJobRecord | null;
  /** The owner's jobs, oldest first. */
  listByOwner(owner: string): DockerBatchJobRecord[];
  /** The jobs a trigger spawned, oldest first. */
  listByTrigger(triggerId: string): DockerBatchJobRecord[];
  /** PENDING → RUNNING; false when the job is gone (cancelled) or no longer PENDING. */
  markRunning(id: string, at: number, runnerRef: string | null): boolean;
  /** Replaces the job's annotations (v2 batch completions' priority). */
  setAnnotations(id: string, annotations: Record<string, string>): void;
  /** PENDING/RUNNING → SUCCESS/FAILURE; a finished or deleted job is left alone. */
  finish(id: string, status: "SUCCESS" | "FAILURE", at: number, reason: string | null): void;
  delete(id: string): void;
  /** Every PENDING or RUNNING job, oldest first (start-up recovery). */
  unfinished(): DockerBatchJobRecord[];
  /** Deletes the jobs that finished before `at`; returns their ids. */
  deleteFinishedBefore(at: number): string[];
}

/** Output lines of docker-image batch jobs, bounded per job. */
export interface DockerBatchJobLogRepository {
  append(jobId: string, line: string): void;
  read(jobId: string, limit?: number): string[];
  clear(jobId: string): void;
}

/** What the domain asks of the job executor (src/scheduler/jobs). */
export interface DockerBatchJobExecutor {
  /** The job's row is committed as PENDING: run it. */
  submit(job: DockerBatchJobRecord): void;
  /** Ends the job's process or container if it runs; its row is already deleted. */
  cancel(jobId: string): Promise<void>;
}

export interface JobRunSpec {
  jobId: string;
  owner: string;
  spec: DockerBatchJobSpec;
  /** The text to place at `spec.mountLocation` before the command starts (job-config.ts). */
  jobConfigText: string;
  /** For a job launch-local started on its owner's behalf: this server's URL and the job's token (job-credentials.ts). */
  credentials: { url: string; token: string } | null;
}

export interface JobExit {
  code: number | null;
  signal: string | null;
  /** Set when the command could not be started at all (e.g. its executable does not exist). */
  error: string | null;
}

export interface JobHandle {
  /** Opaque and persisted, so that `JobRunner.reap` can find the job after launch-local restarts. */
  readonly ref: string;
  readonly exited: Promise<JobExit>;
  /** Graceful stop, then a hard kill after a grace period; idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs one docker-image batch job to completion: as a host process under the process runtime
 * (runtime/process/job-runner.ts), as a container of the bundle's image under the Docker runtime
 * (runtime/docker/job-runner.ts, whose `imageExists` answers §2.5's 404).
 */
export interface JobRunner {
  readonly name: "process" | "docker" | "ray";
  run(job: JobRunSpec, log: (line: string) => void): Promise<JobHandle>;
  /** Ends whatever a job started before launch-local stopped uncleanly, and removes its files. */
  reap(jobId: string, ref: string | null): Promise<void>;
  /** Whether `repository:tag` exists (§2.5's 404); absent when the runner runs no images. */
  imageExists?(repository: string, tag: string): Promise<boolean>;
  /** Stops every job it started. Idempotent. */
  dispose(): Promise<void>;
}

export interface TriggerRepository {
  /** False when the owner already has a trigger of that name (the real unique constraint). */
  insert(trigger: TriggerRecord): boolean;
  get(id: string): TriggerRecord | null;
  /** The owner's triggers, oldest first. */
  listByOwner(owner: string): TriggerRecord[];
  update(trigger: TriggerRecord): void;
  delete(id: string): boolean;
  /** Every trigger of every owner (schedules are rebuilt at start). */
  all(): TriggerRecord[];
}

/** What the domain asks of the cron clock (src/scheduler/triggers). */
export interface TriggerScheduler {
  /** (Re)computes the trigger's next firing from its stored schedule; suspended triggers do not fire. */
  schedule(trigger: TriggerRecord): void;
  unschedule(triggerId: string): void;
}

/** Files API storage, per owner (§7.1). */
export interface FileRepository {
  /** Inserts or overwrites (owner, id). */
  put(file: StoredFile): void;
  get(owner: string, id: string): StoredFile | null;
  /** Metadata of the owner's files, by id in byte order (as S3 lists keys). */
  list(owner: string): StoredFileInfo[];
  delete(owner: string, id: string): boolean;
}
