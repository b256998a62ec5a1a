/**
 * The interfaces the domain needs from the outside (DESIGN.md "Layout"): `store`, `blobs`, `runtime`
 * and `scheduler` implement them; `instance.ts` wires implementations in. None of these throw HTTP
 * errors: they return values, or throw LaunchError codes / SystemError.
 */
import type { BundleRecord } from "./bundle.js";
import type { EndpointRecord } from "./endpoint.js";
import type { SignedMethod } from "./signed-urls.js";
import type { AsyncTaskRecord, PredictRequest, PredictResponse, TaskStatus } from "./task.js";

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
}

export interface TaskRepository {
  insert(task: AsyncTaskRecord): void;
  get(id: string): AsyncTaskRecord | null;
  /** PENDING → STARTED; returns false when the task was not PENDING (already taken or finished). */
  markStarted(id: string, at: number): boolean;
  /** Terminal write; never moves a finished task backwards. */
  complete(id: string, status: Extract<TaskStatus, "SUCCESS" | "FAILURE">, result: unknown, traceback: string | null, statusCode: number | null, at: number): void;
  /** STARTED → PENDING (worker lost the task; at-least-once redelivery). */
  requeue(id: string): void;
  /** Tasks of an endpoint still PENDING or STARTED, oldest first (recovery and queue rebuild). */
  unfinished(endpointId: string): AsyncTaskRecord[];
  countUnfinished(endpointId: string): number;
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
  put(location: string, data: Uint8Array): Promise<void>;
  /** Reads `s3://`, `file://` or `http(s)://` locations; throws NOT_FOUND for a missing object. */
  read(location: string): Promise<Buffer>;
  exists(location: string): Promise<boolean>;
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
  /** Sync predict with the gateway's retry/timeout semantics (§2.3). */
  predictSync(endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>): Promise<PredictResponse>;
  /** Streaming predict; each item is one SSE event (§2.3, §4.6). */
  predictStream(endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>): AsyncIterable<PredictResponse>;
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
}

export interface WorkerRuntime {
  readonly name: "process" | "docker";
  /**
   * Makes sure the bundle's environment (virtualenv or image) exists, building it when needed.
   * Build output goes to `log`. Throws a LaunchError("BAD_REQUEST", <status_reason>) on a failed build.
   */
  prepare(bundle: BundleRecord, gpus: number, log: (line: string) => void): Promise<void>;
  /** Starts one worker; its output lines go to `log`. */
  start(spec: WorkerLaunchSpec, log: (line: string) => void): Promise<WorkerHandle>;
  /** Stops every worker this runtime started. Idempotent. */
  dispose(): Promise<void>;
}
