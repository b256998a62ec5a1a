/**
 * The interfaces the domain needs from the outside (DESIGN.md "Layout"): `store`, `blobs`, `runtime`
 * and `scheduler` implement them (the gateway's are in gateway-ports.ts; docker-image batch jobs',
 * triggers' and files' in job-ports.ts); `instance.ts` wires implementations in. None of these
 * throw HTTP errors: they return values, or throw LaunchError codes / SystemError.
 */
import type { BatchJobRecord, BatchRowLink } from "./batch/batch-job.js";
import type { BundleRecord } from "./bundle.js";
import type { EndpointRecord, GpuType } from "./endpoint.js";
import type { SignedMethod } from "./signed-urls.js";
import type { AsyncTaskRecord, TaskStatus } from "./task.js";

export type OrderBy = "newest" | "oldest";

// ---------------------------------------------------------------------------------------------- store

export interface BundleRepository {
  insert(bundle: BundleRecord): void;
  get(id: string): BundleRecord | null;
  /** The owner's bundles, optionally with an exact name; DB insertion order unless `orderBy`. */
  list(owner: string, name: string | null, orderBy: OrderBy | null): BundleRecord[];
  latest(owner: string, name: string): BundleRecord | null;
}

export interface EndpointRepository {
  insert(endpoint: EndpointRecord): void;
  update(endpoint: EndpointRecord): void;
  delete(id: string): void;
  get(id: string): EndpointRecord | null;
  findByName(owner: string, name: string): EndpointRecord | null;
  list(owner: string, name: string | null, orderBy: OrderBy | null): EndpointRecord[];
  /** Every endpoint of every owner (start-up recovery). */
  all(): EndpointRecord[];
  /** Every owner's endpoints of that name, in insertion order (the LLM routes: own and public ones). */
  named(name: string): EndpointRecord[];
}

/**
 * "Accepted means committed" (DESIGN.md principle 4), as a port the domain awaits: the store may hold
 * writes in an open transaction for the rest of the event-loop turn (store/group-commit.ts), and
 * `committed()` settles when every write made so far is on disk.
 */
export interface CommitPort {
  /**
   * Resolves once every write made so far has committed; rejects with a StoreWriteError
   * (store-failure.ts) naming the cause when the transaction holding them failed and was rolled back.
   */
  committed(): Promise<void>;
}

/**
 * Async task rows. Written only by the task lifecycle (domain/tasks/task-lifecycle.ts); every write
 * is guarded in SQL so that it never moves a finished task backwards, and may be repeated (the
 * lifecycle writes again what a failed commit rolled back). Writes throw StoreWriteError.
 */
export interface TaskRepository {
  insert(task: AsyncTaskRecord): void;
  get(id: string): AsyncTaskRecord | null;
  /** PENDING → STARTED; returns false when the task was not PENDING (already taken or finished). */
  markStarted(id: string, at: number): boolean;
  /** Terminal write of an unfinished task; false when it was already finished (or is unknown). */
  complete(
    id: string,
    status: Extract<TaskStatus, "SUCCESS" | "FAILURE">,
    result: unknown,
    traceback: string | null,
    statusCode: number | null,
    at: number,
  ): boolean;
  /** STARTED → PENDING (worker lost the task; at-least-once redelivery); false when it was not STARTED. */
  requeue(id: string): boolean;
  /** Tasks of an endpoint still PENDING or STARTED, oldest first (recovery and queue rebuild). */
  unfinished(endpointId: string): AsyncTaskRecord[];
  countUnfinished(endpointId: string): number;
}

/** Where a retention sweep has read up to, in completion order (`seq`: the row's insertion order). */
export interface ExpiryCursor {
  completedAt: number;
  seq: number;
}

/** A finished task the retention sweep may delete: its id, owner and stored result (which may name a blob). */
export interface ExpiredTask {
  id: string;
  owner: string;
  result: unknown;
}

/** The retention sweep's reads and deletes of finished task rows (store/task-expiry.ts). */
export interface TaskExpiryStore {
  /**
   * Reads up to `limit` finished tasks completed at or before `cutoff`, after `after`, in completion
   * order; returns those that may go and the cursor to read on from (null: none left). Rows of a v1
   * batch job still PENDING or RUNNING are read past, never returned: its result file reads them.
   */
  scan(cutoff: number, after: ExpiryCursor | null, limit: number): { tasks: ExpiredTask[]; next: ExpiryCursor | null };
  /** Deletes these finished rows and their batch row links in one transaction; returns how many went. */
  remove(ids: readonly string[]): number;
}

/** Append-only logs per endpoint: build output ("creation logs") and worker output. */
export interface EndpointLogRepository {
  append(endpointId: string, stream: "build" | "worker", line: string): void;
  read(endpointId: string, stream: "build" | "worker", limit?: number): string[];
  clear(endpointId: string): void;
}

// ---------------------------------------------------------------------------------------------- blobs

export interface SignedUpload {
  bucket: string;
  key: string;
  /** `s3://bucket/key`, what the client records as the location (client-contract.md §4). */
  location: string;
  /** An http URL that accepts an unauthenticated PUT until it expires. */
  signedUrl: string;
}

export interface BlobStore {
  readonly bucket: string;
  /** Folder whose layout is `<root>/<bucket>/<key>`; workers read and write it directly. */
  readonly root: string;
  /** Writes an `s3://` object (nothing else is ever written). */
  put(location: string, data: Uint8Array): Promise<void>;
  /**
   * Deletes an `s3://` object's file; a missing one is no error. Its folders stay: a worker makes its
   * results folder once and writes into it for as long as it runs.
   */
  remove(location: string): Promise<void>;
  /**
   * Reads `s3://`, and the `file://` or `http(s)://` locations the input policy allows (400 otherwise,
   * domain/blobs/input-policy.ts); throws NOT_FOUND for a missing object. No owner check: callers
   * on a user's behalf go through domain/blobs/blob-access.ts.
   */
  read(location: string): Promise<Buffer>;
  /** Throws BAD_REQUEST for a location this store could never hold or read (unsafe keys, the input policy). */
  assertValidLocation(location: string): void;
  /**
   * A local file holding the object's bytes: the blob file itself for `s3://`, the path for
   * `file://`, a cached download for `http(s)://`.
   */
  localPath(location: string): Promise<string>;
  /** A fresh upload slot under `prefix` (e.g. "model-bundles/<owner>"). `baseUrl` = this server's URL. */
  createSignedUpload(prefix: string, baseUrl: string): SignedUpload;
  /** A signed GET URL for a stored `s3://` object. */
  createSignedDownload(location: string, baseUrl: string): string;
  /** Throws LaunchError FORBIDDEN unless the signature matches the object and method and has not expired. */
  verifySignedUrl(method: SignedMethod, bucket: string, key: string, expires: string | undefined, signature: string | undefined): void;
}

/** Who an object of the blob store belongs to (domain/blobs/blob-access.ts holds the rule). */
export interface BlobOwner {
  owner: string;
  /** Readable by every caller (seeded test fixtures); writable still only by the owner. */
  isPublic: boolean;
}

/** One row per `s3://bucket/key` location; a location without a row belongs to nobody. */
export interface BlobOwnerRepository {
  get(location: string): BlobOwner | null;
  /** Records, or replaces, the owner of `location`. */
  set(location: string, owner: BlobOwner, at: number): void;
  /** Records `owner` only where no owner is recorded yet. */
  claim(location: string, owner: string, at: number): void;
  delete(locations: readonly string[]): void;
}

// ---------------------------------------------------------------------------------------------- scheduler

export interface WorkerCounts {
  available: number;
  unavailable: number;
}

/**
 * What the domain asks of the scheduler. Deploy/undeploy are serialized per endpoint inside the
 * scheduler (STYLE.md §12).
 */
export interface EndpointScheduler {
  /** Build (environment/image) and roll out the endpoint's current record; drives the status lifecycle. */
  deploy(endpointId: string): void;
  /** Stops every worker of the endpoint and forgets its queues. */
  undeploy(endpointId: string): Promise<void>;
  /** Replaces every worker (rolling restart). */
  restart(endpointId: string): Promise<void>;
  /** Live worker states; null while the endpoint has no deployment. */
  workerCounts(endpointId: string): WorkerCounts | null;
  /** Async queue depth (num_queued_items). */
  queueDepth(endpointId: string): number;
  /** An async task row was committed; schedule it. */
  enqueueAsync(task: AsyncTaskRecord): void;
}

// ---------------------------------------------------------------------------------------------- runtime

export interface WorkerExit {
  code: number | null;
  signal: string | null;
}

export interface WorkerLaunchSpec {
  endpointId: string;
  endpointName: string;
  /** Unique per worker, e.g. `<endpointId>-w3`. */
  workerId: string;
  bundle: BundleRecord;
  /** Local file with the artifact (pickle or zip) for artifact flavors; null for runnable images. */
  artifactPath: string | null;
  /** Requests one worker serves at once (concurrent_requests_per_worker). */
  concurrency: number;
  cpus: string | number;
  memory: string | number;
  gpus: number;
  /** The endpoint's gpu_type (the Ray runtime asks its node for that accelerator type). */
  gpuType?: GpuType | null;
  /** The endpoint type, so a runtime can pick streaming_command for streaming endpoints. */
  endpointType: "async" | "sync" | "streaming";
}

export interface WorkerHandle {
  readonly id: string;
  /** e.g. http://127.0.0.1:40123 — requests go to `${baseUrl}${route}`. */
  readonly baseUrl: string;
  /** Resolves once the health route answers 200; rejects if the worker exits first or times out. */
  readonly ready: Promise<void>;
  /** Resolves when the worker process/container is gone, for whatever reason. */
  readonly exited: Promise<WorkerExit>;
  /** SIGTERM, then SIGKILL after a grace period; idempotent. */
  stop(): Promise<void>;
  /** Immediate hard kill (fault injection and tests). */
  kill(): void;
  /** The worker's process id, where it is a host process (shown by the control API). */
  readonly pid?: number;
  /**
   * What every request to the worker carries in `x-launch-worker-token` (gateway-ports.ts
   * WORKER_TOKEN_HEADER): set for the Python worker and the LLM engine, which check it; absent or
   * null for a runnable image's own server.
   */
  readonly token?: string | null;
}

/** What a prepared environment tells the endpoint. */
export interface PreparedRuntime {
  /** The endpoint's status_reason while READY, e.g. why `--runtime auto` chose local processes. */
  note: string | null;
}

export interface WorkerRuntime {
  /** "auto": the runtime router, which picks docker or process per endpoint (runtime-router.ts). */
  readonly name: "process" | "docker" | "ray" | "auto";
  /**
   * Makes sure the bundle's environment (virtualenv or image) exists, building it when needed.
   * Build output goes to `log`. Throws a LaunchError("BAD_REQUEST", <status_reason>) on a failed build.
   */
  prepare(bundle: BundleRecord, gpus: number, log: (line: string) => void): Promise<PreparedRuntime | void>;
  /** Starts one worker; its output lines go to `log`. */
  start(spec: WorkerLaunchSpec, log: (line: string) => void): Promise<WorkerHandle>;
  /** Stops every worker this runtime started. Idempotent. */
  dispose(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------- batch jobs (v1)

/** One input row to submit: its link to the job and the async task that runs it. */
export interface BatchRowSubmission {
  link: BatchRowLink;
  task: AsyncTaskRecord;
}

/** A submitted row with its task's current status (null when the task row is gone). */
export interface BatchRowState extends BatchRowLink {
  status: TaskStatus | null;
}

export interface BatchJobRepository {
  insert(job: BatchJobRecord): void;
  get(id: string): BatchJobRecord | null;
  update(job: BatchJobRecord): void;
  /** PENDING and RUNNING jobs, oldest first (resumed when the server starts). */
  active(): BatchJobRecord[];
  /** Inserts the rows' async tasks and their links to the job in one transaction: all or none. */
  submitRows(jobId: string, rows: readonly BatchRowSubmission[]): void;
  /** The job's submitted rows with their tasks' statuses, in input order. */
  rowStates(jobId: string): BatchRowState[];
}
