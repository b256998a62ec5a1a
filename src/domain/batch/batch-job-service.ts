/**
 * /v1/batch-jobs (server-contract.md §2.4, `ME/domain/use_cases/batch_job_use_cases.py`,
 * `ME/infra/services/live_batch_job_service.py`): create, get, cancel. Running a job is the
 * orchestrator's (batch-orchestrator.ts).
 */
import { type InputPolicy, checkInputLocation } from "../blobs/input-policy.js";
import type { Clock } from "../clock.js";
import type { EndpointService } from "../endpoints/endpoint-service.js";
import { UnmappedEndpointError, validateLabels } from "../endpoints/endpoint-rules.js";
import { MAX_ENDPOINT_SIZE } from "../endpoints/resource-limits.js";
import { isLaunchError, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { Logger } from "../logger.js";
import type { BatchJobRepository, BundleRepository } from "../ports.js";
import { type BatchJobRecord, type BatchJobStatus, type CreateBatchJobRequest, batchEndpointName } from "./batch-job.js";
import { hiddenEndpointRequest } from "./batch-endpoint.js";
import type { BatchOrchestrator } from "./batch-orchestrator.js";
import { isoDuration } from "./iso-duration.js";
import { validateResourceRequests } from "../endpoints/resource-limits.js";

export interface BatchJobServiceDeps {
  jobs: BatchJobRepository;
  bundles: BundleRepository;
  endpoints: Pick<EndpointService, "create" | "findOwnedByName">;
  orchestrator: Pick<BatchOrchestrator, "start" | "cancel" | "progress">;
  ids: IdGenerator;
  clock: Clock;
  logger: Logger;
  /** Upper bound on the temporary endpoint's max_workers on this machine (README "Parity"). */
  maxWorkersCap: number;
  /** GPUs this host has; decides the default when `gpus` is omitted (README "Parity"). */
  hostGpuCount(): Promise<number>;
  /** Where input files may live (a 400 at create for anything else, README "Parity"). */
  inputs: InputPolicy;
}

/** GetBatchJobV1Response, keys in the contract's order (§2.4). */
export interface GetBatchJobV1Response {
  status: BatchJobStatus;
  result: string | null;
  /** ISO-8601, as pydantic serialises a timedelta (§0.1, §9 item 12). */
  duration: string;
  num_tasks_pending: number | null;
  num_tasks_completed: number | null;
}

const BUNDLE_NOT_FOUND = "The specified model bundle could not be found.";
const JOB_NOT_FOUND = "The specified batch job could not be found.";

export class BatchJobService {
  constructor(private readonly deps: BatchJobServiceDeps) {}

  /**
   * POST /v1/batch-jobs, checks in the real order: labels (400), max_workers (500: the route does not
   * map that exception), the bundle (404), then its resources (500 likewise).
   */
  async create(user: User, request: CreateBatchJobRequest): Promise<{ job_id: string }> {
    const { jobs, bundles, endpoints, orchestrator, ids, clock, logger } = this.deps;
    const resources = request.resource_requests;
    validateLabels(request.labels);
    if (resources.max_workers !== null && resources.max_workers > MAX_ENDPOINT_SIZE) {
      throw new UnmappedEndpointError(`Requested max workers ${resources.max_workers} too high`);
    }
    const bundle = bundles.get(request.model_bundle_id);
    if (!bundle || bundle.owner !== user.teamId) throw notFound(BUNDLE_NOT_FOUND);
    try {
      validateResourceRequests(bundle.flavor, {
        cpus: resources.cpus,
        memory: resources.memory,
        storage: null,
        gpus: resources.gpus,
        gpuType: resources.gpu_type,
      });
    } catch (error) {
      throw isLaunchError(error) ? new UnmappedEndpointError(error.message) : error;
    }
    // The real server fails the job later on an unreadable input; a source launch-local must not read is refused now.
    checkInputLocation(request.input_path, this.deps.inputs, "input_path");

    const jobId = ids.xid("bat_");
    const name = batchEndpointName(bundle.id, jobId);
    const hostGpus = resources.gpus === null ? await this.deps.hostGpuCount() : 0;
    const endpointRequest = hiddenEndpointRequest(name, bundle.id, request, { hostGpus, maxWorkersCap: this.deps.maxWorkersCap });
    if (resources.gpus === null && endpointRequest.gpus === 0) {
      logger.info("batch job endpoint runs without the default GPU: this host has none", { jobId });
    }
    endpoints.create(user, endpointRequest);
    const endpoint = endpoints.findOwnedByName(user, name);
    if (endpoint === null) throw new Error(`the batch job endpoint ${name} was not created`);

    const now = clock.now();
    const record: BatchJobRecord = {
      id: jobId,
      owner: user.teamId,
      createdBy: user.userId,
      createdAt: now,
      status: "PENDING",
      bundleId: bundle.id,
      endpointId: endpoint.id,
      inputPath: request.input_path,
      serializationFormat: request.serialization_format,
      labels: request.labels,
      timeoutSeconds: request.timeout_seconds,
      deadlineAt: now + request.timeout_seconds * 1000,
      numRows: null,
      progress: null,
      resultLocation: null,
      completedAt: null,
      failureReason: null,
    };
    jobs.insert(record);
    orchestrator.start(record);
    return { job_id: jobId };
  }

  /** GET /v1/batch-jobs/{id}: progress is null while PENDING (§2.4). */
  get(user: User, jobId: string): GetBatchJobV1Response {
    const record = this.owned(user, jobId);
    const end = record.completedAt ?? this.deps.clock.now();
    const progress = record.status === "PENDING" ? null : (this.deps.orchestrator.progress(jobId) ?? record.progress);
    return {
      status: record.status,
      result: record.resultLocation,
      duration: isoDuration(end - record.createdAt),
      num_tasks_pending: progress?.pending ?? null,
      num_tasks_completed: progress?.completed ?? null,
    };
  }

  /** PUT /v1/batch-jobs/{id}: `{"success": true}` for any owned job, whatever the cancel did (§2.4). */
  async update(user: User, jobId: string, cancel: boolean): Promise<{ success: true }> {
    this.owned(user, jobId);
    if (cancel) {
      try {
        await this.deps.orchestrator.cancel(jobId);
      } catch (error) {
        this.deps.logger.warn("batch job cancel failed", { jobId, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return { success: true };
  }

  private owned(user: User, jobId: string): BatchJobRecord {
    const record = this.deps.jobs.get(jobId);
    if (record === null || record.owner !== user.teamId) throw notFound(JOB_NOT_FOUND);
    return record;
  }
}
