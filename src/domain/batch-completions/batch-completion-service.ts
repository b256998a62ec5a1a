/**
 * Batch completions, v1 and v2 (llm-contract.md §1.6; server-contract.md §7.3, §7.4;
 * `CreateBatchCompletionsUseCase`, `CreateBatchCompletionsV2UseCase` and the v2 get, update and
 * cancel). Each run is a docker-image batch job of the engine image whose runner writes the real
 * output file. Where the real routes plainly fail (v2 create, get and update answer 500; v2 get and
 * cancel check no owner) this does what the API intends (README "Parity").
 */
import type { Clock } from "../clock.js";
import type { DockerBatchJobService } from "../docker-batch/docker-batch-job-service.js";
import { type DockerBatchJobRecord, isExpired, isWellFormedJobId } from "../docker-batch/docker-batch-job.js";
import type { JobGrant } from "../docker-batch/job-grant.js";
import { validateResourceRequests } from "../endpoints/resource-limits.js";
import { badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { ModelWeightsLocator } from "../llm/llm-ports.js";
import type { LlmHardware } from "../llm/llm-requests.js";
import { LOCAL_HARDWARE } from "../llm/llm-rules.js";
import type { DockerBatchBundleRepository, DockerBatchJobRepository } from "../job-ports.js";
import { batchJobView, encodeMetadata, engineRequestConfig, modelConfigView, naiveLocalIso } from "./batch-completion-job.js";
import { type CreateBatchCompletionsRequest, isV1Content } from "./batch-completion-requests.js";
import { BATCH_MODEL_DIR_ENV, batchRunnerBundle } from "./batch-runner.js";

export interface BatchCompletionServiceDeps {
  jobs: DockerBatchJobService;
  jobRows: DockerBatchJobRepository;
  bundles: DockerBatchBundleRepository;
  weights: ModelWeightsLocator;
  /** Throws BAD_REQUEST unless `location` is a valid `s3://` location of the blob store. */
  assertBlobLocation(location: string): void;
  ids: IdGenerator;
  clock: Clock;
  version: string;
}

const s3Only = (field: string, location: string): void => {
  if (!location.startsWith("s3://")) {
    throw badRequest(`${field} must be an s3://<bucket>/<key> location in launch-local's blob store, got ${JSON.stringify(location)}.`);
  }
};

export class BatchCompletionService {
  constructor(private readonly deps: BatchCompletionServiceDeps) {}

  /** `POST /v1/llm/batch-completions` → `{"job_id"}`. */
  async createV1(user: User, request: CreateBatchCompletionsRequest): Promise<{ job_id: string }> {
    if (request.data_parallelism > 1) throw badRequest("Data parallelism is disabled for batch completions.");
    const modelDir = await this.modelDir(request);
    const hardware: LlmHardware = { ...LOCAL_HARDWARE };
    const config = { ...request.model_config, num_shards: LOCAL_HARDWARE.gpus };
    if (request.tool_config !== null && request.tool_config.name !== "code_evaluator")
      throw badRequest("Only code_evaluator tool is supported for batch completions.");
    this.checkLocal(request);
    const { clock } = this.deps;
    const bundle = batchRunnerBundle(user, this.deps.ids.xid("batbun_"), config.model, hardware, clock.now(), this.deps.version);
    this.deps.bundles.insert(bundle);
    validateResourceRequests(null, {
      cpus: hardware.cpus,
      memory: hardware.memory,
      storage: hardware.storage,
      gpus: hardware.gpus,
      gpuType: hardware.gpu_type,
    });
    const job = this.deps.jobs.submitForService(user, {
      bundle: { ...bundle, env: { ...bundle.env, [BATCH_MODEL_DIR_ENV]: modelDir } },
      jobConfig: engineRequestConfig({ ...request, model_config: config }, config.labels, true),
      labels: config.labels,
      annotations: null,
      grant: this.grant(request),
      resourceRequests: { cpus: null, memory: null, gpus: null, gpu_type: null, storage: null, nodes_per_worker: null },
      overrideJobMaxRuntimeS: request.max_runtime_sec,
    });
    return { job_id: job.id };
  }

  /** `POST /v2/batch-completions` → the BatchCompletionsJob. */
  async createV2(user: User, request: CreateBatchCompletionsRequest): Promise<Record<string, unknown>> {
    const modelDir = await this.modelDir(request);
    const { cpus, gpus, memory, storage, gpu_type: gpuType } = request;
    const isGiven = cpus !== null && gpus !== null && memory !== null && storage !== null && gpuType !== null;
    const hardware: LlmHardware = isGiven
      ? { cpus, gpus, memory, storage, gpu_type: gpuType, nodes_per_worker: request.nodes_per_worker ?? 1 }
      : { ...LOCAL_HARDWARE };
    const config = { ...request.model_config, num_shards: hardware.gpus ?? 1 };
    validateResourceRequests(null, {
      cpus: hardware.cpus,
      memory: hardware.memory,
      storage: hardware.storage,
      gpus: hardware.gpus,
      gpuType: hardware.gpu_type,
    });
    this.checkLocal(request);
    const { clock } = this.deps;
    const now = clock.now();
    const expiresAt = naiveLocalIso(now + request.max_runtime_sec * 1000);
    const bundle = batchRunnerBundle(user, "batbun_v2_batch_completions", config.model, hardware, now, this.deps.version);
    const job = this.deps.jobs.submitForService(user, {
      bundle: { ...bundle, env: { ...bundle.env, [BATCH_MODEL_DIR_ENV]: modelDir } },
      jobConfig: engineRequestConfig({ ...request, model_config: config }, request.labels, false),
      labels: request.labels,
      annotations: encodeMetadata(request, expiresAt),
      grant: this.grant(request),
      resourceRequests: { cpus: null, memory: null, gpus: null, gpu_type: null, storage: null, nodes_per_worker: null },
      overrideJobMaxRuntimeS: request.max_runtime_sec,
    });
    return {
      job_id: job.id,
      input_data_path: request.input_data_path,
      output_data_path: request.output_data_path,
      model_config: modelConfigView(config, false),
      priority: request.priority,
      status: "queued",
      created_at: naiveLocalIso(now),
      expires_at: expiresAt,
      completed_at: null,
      // The real service writes {"labels": {...}} here, against its own Dict[str, str] model (a 500).
      metadata: { ...request.labels },
    };
  }

  get(user: User, id: string): { job: Record<string, unknown> } {
    return { job: batchJobView(this.owned(user, id)) };
  }

  /** Records the priority (which orders nothing here: every job starts at once); the real route always answers 500. */
  update(user: User, id: string, priority: string | null): Record<string, unknown> {
    const job = this.owned(user, id);
    const annotations = { ...(job.annotations ?? {}), __INT_priority: priority ?? "null" };
    this.deps.jobRows.setAnnotations(id, annotations);
    const view = batchJobView({ ...job, annotations });
    return Object.fromEntries([...Object.entries(view).filter(([, value]) => value !== null), ["success", true]]);
  }

  /** Deletes the job; an unknown or foreign id is `{"success": false}`. */
  async cancel(user: User, id: string): Promise<{ success: boolean }> {
    try {
      this.owned(user, id);
    } catch {
      return { success: false };
    }
    return { success: await this.deps.jobs.update(user, id, true) };
  }

  /** `get_checkpoint_path` and the weights, as LLM endpoints find them (README "LLM endpoints"). */
  private async modelDir(request: CreateBatchCompletionsRequest): Promise<string> {
    return (await this.deps.weights.locate(request.model_config.model, request.model_config.checkpoint_path)).dir;
  }

  /** launch-local's own checks: the runner reads and writes the blob store, and needs something to run. */
  private checkLocal(request: CreateBatchCompletionsRequest): void {
    if (request.input_data_path === null && request.content === null) throw badRequest("Either input_data_path or content needs to be provided.");
    s3Only("output_data_path", request.output_data_path);
    this.deps.assertBlobLocation(request.output_data_path);
    if (request.input_data_path !== null) {
      s3Only("input_data_path", request.input_data_path);
      this.deps.assertBlobLocation(request.input_data_path);
    }
    if (request.tool_config !== null)
      throw badRequest("tool_config is not supported by launch-local's batch runner (the real code_evaluator runs model-written code in its sandbox).");
    if (!isV1Content(request.content) && request.content !== null && request.content.length === 0) throw badRequest("content must hold at least one request.");
  }

  private grant(request: CreateBatchCompletionsRequest): JobGrant {
    return {
      files: [],
      reads: request.input_data_path === null ? [] : [request.input_data_path],
      writes: [request.output_data_path],
      writePrefixes: [],
      endpointName: null,
    };
  }

  private owned(user: User, id: string): DockerBatchJobRecord {
    const job = isWellFormedJobId(id) ? this.deps.jobRows.get(id) : null;
    if (job === null || job.owner !== user.teamId || isExpired(job, this.deps.clock.now())) throw notFound(`Batch completion ${id} not found.`);
    return job;
  }
}
