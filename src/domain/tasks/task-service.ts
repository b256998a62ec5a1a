import { type BlobAccess, ownerActor } from "../blobs/blob-access.js";
import type { Clock } from "../clock.js";
import type { EndpointRecord } from "../endpoint.js";
import { badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { InferenceGateway } from "../gateway-ports.js";
import type { EndpointRepository, EndpointScheduler, TaskRepository } from "../ports.js";
import type { AsyncTaskRecord, PredictRequest, PredictResponse, TaskStatus } from "../task.js";
import type { TaskLifecycle } from "./task-lifecycle.js";

/** GetAsyncTaskV1Response: every key always present, in this order (§2.3). */
export interface GetAsyncTaskV1Response {
  task_id: string;
  status: TaskStatus;
  result: unknown;
  traceback: string | null;
  status_code: number | null;
}

export interface CreateAsyncTaskV1Response {
  task_id: string;
}

export interface TaskServiceDeps {
  endpoints: EndpointRepository;
  /** Reads of task rows; their writes go through `lifecycle`. */
  tasks: Pick<TaskRepository, "get">;
  /** Creates the PENDING row and resolves once it is committed (task-lifecycle.ts). */
  lifecycle: Pick<TaskLifecycle, "create">;
  /** Queues async tasks. */
  scheduler: Pick<EndpointScheduler, "enqueueAsync">;
  /** The trip to a worker for sync and streaming tasks (src/gateway/). */
  gateway: Pick<InferenceGateway, "predictSync" | "predictStream">;
  ids: IdGenerator;
  clock: Clock;
  /** A task's `url` is opened by the worker: the caller must be allowed to read it (input policy, owner). */
  blobs: Pick<BlobAccess, "assertReadable" | "claim">;
}

const ENDPOINT_NOT_FOUND = "The specified endpoint could not be found.";

/**
 * Which caller may run inference on an endpoint (§0.4): its owner, or anyone when the endpoint has
 * `public_inference` — except on the streaming route, which is owner-only even then.
 */
type Audience = "owner-or-public" | "owner-only";

/**
 * The three inference routes and the async task lookup (server-contract.md §2.3, §3.2). The endpoint's
 * `status` is deliberately not checked: the real server accepts tasks for an endpoint that is still
 * building (async ones wait in the queue, sync ones fail after their retries).
 */
export class TaskService {
  constructor(private readonly deps: TaskServiceDeps) {}

  /**
   * POST /v1/async-tasks: the PENDING row is committed before the task is queued and its id returned
   * (accepted means committed, DESIGN.md principle 4). A failed commit rejects with the cause
   * (StoreWriteError, a 500 naming it): that task was never accepted and never runs.
   */
  async createAsync(user: User, endpointId: string, request: PredictRequest): Promise<CreateAsyncTaskV1Response> {
    const endpoint = this.endpointFor(user, endpointId, "owner-or-public");
    if (endpoint.endpointType !== "async") {
      throw badRequest(`Unsupported inference type: Endpoint ${endpointId} is not an async endpoint.`);
    }
    this.checkUrl(user, request);
    const task: AsyncTaskRecord = {
      id: this.deps.ids.uuid(),
      endpointId: endpoint.id,
      owner: user.teamId,
      status: "PENDING",
      request,
      result: null,
      traceback: null,
      statusCode: null,
      createdAt: this.deps.clock.now(),
      startedAt: null,
      completedAt: null,
      attempts: 0,
    };
    await this.deps.lifecycle.create(task);
    this.deps.scheduler.enqueueAsync(task);
    return { task_id: task.id };
  }

  /**
   * GET /v1/async-tasks/{task_id}: no ownership check, and an unknown id reads as PENDING with nulls
   * (Celery semantics, §2.3 and §9 item 2). Result fields are only shown once the task finished.
   */
  getAsync(taskId: string): GetAsyncTaskV1Response {
    const task = this.deps.tasks.get(taskId);
    if (!task || (task.status !== "SUCCESS" && task.status !== "FAILURE")) {
      return { task_id: taskId, status: task?.status ?? "PENDING", result: null, traceback: null, status_code: null };
    }
    this.claimResult(task.owner, task.result);
    return {
      task_id: taskId,
      status: task.status,
      result: task.result,
      traceback: task.traceback,
      status_code: task.statusCode,
    };
  }

  /** POST /v1/sync-tasks: sync and streaming endpoints both serve it (§2.3 table). */
  async predictSync(user: User, endpointId: string, request: PredictRequest, raw: Record<string, unknown>, rawBody?: Uint8Array): Promise<PredictResponse> {
    const endpoint = this.endpointFor(user, endpointId, "owner-or-public");
    if (endpoint.endpointType !== "sync" && endpoint.endpointType !== "streaming") {
      throw badRequest(`Unsupported inference type: Endpoint ${endpointId} does not serve sync tasks.`);
    }
    this.checkUrl(user, request);
    const response = await this.deps.gateway.predictSync(endpoint, request, raw, rawBody);
    this.claimResult(user.teamId, response.result);
    return response;
  }

  /**
   * POST /v1/streaming-tasks. Synchronous on purpose: lookup and type errors are thrown before the
   * caller starts the event stream, so they become ordinary JSON errors (§2.3).
   */
  predictStream(user: User, endpointId: string, request: PredictRequest, raw: Record<string, unknown>): AsyncIterable<PredictResponse> {
    const endpoint = this.endpointFor(user, endpointId, "owner-only");
    if (endpoint.endpointType !== "streaming") {
      throw badRequest(`Unsupported inference type: Endpoint ${endpointId} is not a streaming endpoint.`);
    }
    this.checkUrl(user, request);
    return this.deps.gateway.predictStream(endpoint, request, raw);
  }

  private checkUrl(user: User, request: PredictRequest): void {
    if (request.url !== null) this.deps.blobs.assertReadable(ownerActor(user.teamId), request.url, "url");
  }

  /**
   * A `return_pickled` result is an object the worker wrote into the blob store (§4.3); it becomes
   * the task owner's before anyone learns its location.
   */
  private claimResult(owner: string, result: unknown): void {
    if (typeof result !== "object" || result === null || !("result_url" in result)) return;
    const location = result.result_url;
    if (typeof location === "string") this.deps.blobs.claim(owner, location);
  }

  /** Another team's endpoint is indistinguishable from a missing one (§0.4). */
  private endpointFor(user: User, endpointId: string, audience: Audience): EndpointRecord {
    const endpoint = this.deps.endpoints.get(endpointId);
    if (!endpoint) throw notFound(ENDPOINT_NOT_FOUND);
    const isOwner = endpoint.owner === user.teamId;
    const isPublic = audience === "owner-or-public" && endpoint.publicInference;
    if (!isOwner && !isPublic) throw notFound(ENDPOINT_NOT_FOUND);
    return endpoint;
  }
}
