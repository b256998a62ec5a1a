/** v1 batch jobs (server-contract.md §2.4, §3.3, §6.1). */
import type { GpuType } from "../endpoint.js";

/** BatchJobStatus (§3.3). UNDEFINED is part of the enum but never set by launch-local. */
export type BatchJobStatus = "PENDING" | "RUNNING" | "SUCCESS" | "FAILURE" | "CANCELLED" | "UNDEFINED" | "TIMEOUT";
export const BATCH_JOB_STATUSES: readonly BatchJobStatus[] = ["PENDING", "RUNNING", "SUCCESS", "FAILURE", "CANCELLED", "UNDEFINED", "TIMEOUT"];

export type SerializationFormat = "JSON" | "PICKLE";
export const SERIALIZATION_FORMATS: readonly SerializationFormat[] = ["JSON", "PICKLE"];

/** The orchestrator only works on these; every other status is final. */
export const isActiveStatus = (status: BatchJobStatus): boolean => status === "PENDING" || status === "RUNNING";

/** CreateBatchJobResourceRequests as sent (every key optional, §2.4). */
export interface BatchResourceRequests {
  cpus: string | number | null;
  memory: string | number | null;
  gpus: number | null;
  gpu_type: GpuType | null;
  storage: string | number | null;
  max_workers: number | null;
  per_worker: number | null;
  concurrent_requests_per_worker: number | null;
}

/** POST /v1/batch-jobs after type validation (the HTTP schema produces it). */
export interface CreateBatchJobRequest {
  model_bundle_id: string;
  input_path: string;
  serialization_format: SerializationFormat;
  labels: Record<string, string>;
  resource_requests: BatchResourceRequests;
  timeout_seconds: number;
}

export interface BatchProgress {
  pending: number;
  completed: number;
}

export interface BatchJobRecord {
  id: string;
  owner: string;
  createdBy: string;
  createdAt: number;
  status: BatchJobStatus;
  bundleId: string;
  /** The temporary async endpoint; null once it was deleted (finished or cancelled, §6.1). */
  endpointId: string | null;
  inputPath: string;
  serializationFormat: SerializationFormat;
  labels: Record<string, string>;
  timeoutSeconds: number;
  /** createdAt + timeout_seconds: kept in the record so a restarted server keeps the same deadline. */
  deadlineAt: number;
  /** Rows in the input file, known once it was read; null before. */
  numRows: number | null;
  /** Final progress written when the job stops; live progress comes from the orchestrator. */
  progress: BatchProgress | null;
  /** `s3://<bucket>/launch/batch-jobs/<id>/result.json` once written (§2.4). */
  resultLocation: string | null;
  completedAt: number | null;
  /** Why a job failed (logged and kept for debugging; not on the wire). */
  failureReason: string | null;
}

/** One submitted input row: its position in the file, its `id` cell and its async task. */
export interface BatchRowLink {
  index: number;
  referenceId: string | null;
  taskId: string;
}

/** The visible temporary endpoint's name (§2.4): `<bundle_id>-batch-task-<job_id>` with `_` → `-`. */
export const batchEndpointName = (bundleId: string, jobId: string): string => `${bundleId}-batch-task-${jobId}`.replace(/_/g, "-");

/** Where the result file goes (§2.4, §6.1 step 4); the name ends in .json for both formats. */
export const resultLocationFor = (bucket: string, jobId: string): string => `s3://${bucket}/launch/batch-jobs/${jobId}/result.json`;
