/**
 * Fine-tune use cases (llm-contract.md §1.5, §2.3; server-contract.md §7.2;
 * `llm_fine_tuning_use_cases.py`, `DockerImageBatchJobLLMFineTuningService`). A fine-tune is a
 * docker-image batch job made from a template: its status is the job's, cancel is the job's cancel
 * (the job is deleted), and the list is every docker-image batch job of the team. Users are
 * privileged, as with the open-source server's authentication, so the 5-job quota never applies.
 */
import type { Clock } from "../clock.js";
import type { DockerBatchBundleRecord } from "../docker-batch/docker-batch-bundle.js";
import type { DockerBatchJobService } from "../docker-batch/docker-batch-job-service.js";
import { type DockerBatchJobRecord, isExpired, isWellFormedJobId } from "../docker-batch/docker-batch-job.js";
import { badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { DockerBatchBundleRepository, DockerBatchJobRepository } from "../job-ports.js";
import { type FineTuneEvent, parseFineTuneEvents } from "./fine-tune-events.js";
import { fineTunedModelName, validateSuffix } from "./fine-tune-names.js";
import type { BaseModelFinder, DatasetReader, FineTuneEventsStore, FineTuneRepositoryDocument } from "./fine-tune-ports.js";
import { DEFAULT_FINE_TUNING_METHOD, type FineTuneTemplate, templateFromDocument } from "./fine-tune-template.js";
import { BUILTIN_TRAINER_BUNDLE_ID, builtinTemplate, isBuiltinMethod } from "./builtin-trainer.js";
import { type ResolvedDataset, readDataset, resolveDataset } from "./fine-tune-datasets.js";
import { fineTuneJob } from "./fine-tune-job.js";

export type HyperparameterValue = string | number | Record<string, unknown>;

export interface CreateFineTuneRequest {
  model: string;
  training_file: string;
  validation_file: string | null;
  hyperparameters: Record<string, HyperparameterValue>;
  suffix: string | null;
  wandb_config: Record<string, unknown> | null;
}

export interface FineTuneView {
  id: string;
  fine_tuned_model: string | null;
  status: DockerBatchJobRecord["status"];
}

export interface FineTuneServiceDeps {
  jobs: DockerBatchJobService;
  jobRows: DockerBatchJobRepository;
  bundles: DockerBatchBundleRepository;
  /** The built-in trainer bundle (not stored; builtin-trainer.ts). */
  builtinBundle: DockerBatchBundleRecord;
  repository: FineTuneRepositoryDocument;
  events: FineTuneEventsStore;
  datasets: DatasetReader;
  baseModels: BaseModelFinder;
  /** What the job's config calls `gateway_url`: this server's own URL. */
  gatewayUrl(): string;
  bucket: string;
  clock: Clock;
}

const FINE_TUNE_NOT_FOUND = "The specified fine-tune job could not be found.";
const EVENTS_NOT_FOUND = "The specified fine-tune job's events could not be found.";

/**
 * The method asked for: launch-local reads `fine_tuning_method` from the hyperparameters (the real
 * request has the field commented out and always asks for "lora"), so full fine-tuning is reachable
 * from the unmodified clients.
 */
const methodOf = (hyperparameters: Record<string, HyperparameterValue>): string => {
  const method = hyperparameters.fine_tuning_method;
  return typeof method === "string" ? method : DEFAULT_FINE_TUNING_METHOD;
};

export class FineTuneService {
  constructor(private readonly deps: FineTuneServiceDeps) {}

  async create(user: User, request: CreateFineTuneRequest): Promise<{ id: string }> {
    const { deps } = this;
    validateSuffix(request.suffix);
    const fineTunedModel = fineTunedModelName(request.model, request.suffix, deps.clock.now());
    // The real order: both files resolve through the Files API first, then both are read.
    const training = resolveDataset(deps.datasets, user, request.training_file, "training");
    const validation = request.validation_file === null ? null : resolveDataset(deps.datasets, user, request.validation_file, "validation");
    await readDataset(deps.datasets, user, training);
    if (validation !== null) await readDataset(deps.datasets, user, validation);

    await deps.events.initialize(user.teamId, fineTunedModel);
    const method = methodOf(request.hyperparameters);
    const template = await this.template(user, request.model, method);
    if (template === null) throw badRequest(`Fine-tuning not implemented for model type ${request.model}`);
    for (const param of template.required_params) {
      if (!(param in request.hyperparameters)) throw badRequest(`Required param ${param} is missing from hyperparameters`);
    }
    const bundle = this.bundle(template.docker_image_batch_job_bundle_id);
    if (bundle === null) throw badRequest("Fine-tuning method doesn't exist");
    if (!bundle.isPublic && bundle.owner !== user.teamId) throw badRequest("Fine-tuning method not accessible");

    const baseModelDir = bundle.id === BUILTIN_TRAINER_BUNDLE_ID ? await deps.baseModels.find(user, request.model) : null;
    const job = deps.jobs.submitForService(
      user,
      fineTuneJob({
        user,
        bundle,
        template,
        request,
        fineTunedModel,
        datasets: [training, validation].filter((dataset): dataset is ResolvedDataset => dataset !== null),
        baseModelDir,
        gatewayUrl: deps.gatewayUrl(),
        bucket: deps.bucket,
      }),
    );
    return { id: job.id };
  }

  get(user: User, id: string): FineTuneView {
    const job = this.owned(user, id);
    if (job === null) throw notFound(FINE_TUNE_NOT_FOUND);
    return fineTuneView(job);
  }

  /** Every docker-image batch job of the team, as the real list does (§7.2). */
  list(user: User): { jobs: FineTuneView[] } {
    const now = this.deps.clock.now();
    return {
      jobs: this.deps.jobRows
        .listByOwner(user.teamId)
        .filter((job) => !isExpired(job, now))
        .map(fineTuneView),
    };
  }

  /** `{"success": false}` for an unknown or foreign id (no 404, §7.2); else the job is cancelled (deleted). */
  async cancel(user: User, id: string): Promise<{ success: boolean }> {
    if (this.owned(user, id) === null) return { success: false };
    return { success: await this.deps.jobs.update(user, id, true) };
  }

  async events(user: User, id: string): Promise<{ events: FineTuneEvent[] }> {
    const model = this.owned(user, id)?.annotations?.fine_tuned_model;
    if (model === undefined) throw notFound(EVENTS_NOT_FOUND);
    const text = await this.deps.events.read(user.teamId, model);
    const events = text === null ? null : parseFineTuneEvents(text);
    if (events === null) throw notFound(EVENTS_NOT_FOUND);
    return { events };
  }

  /** The document's entry wins; else the built-in template, when launch-local can serve the model locally. */
  private async template(user: User, model: string, method: string): Promise<FineTuneTemplate | null> {
    const text = await this.deps.repository.read();
    const stored = text === null ? null : templateFromDocument(text, model, method);
    if (stored !== null) return stored;
    if (!isBuiltinMethod(method) || (await this.deps.baseModels.find(user, model)) === null) return null;
    return builtinTemplate(model, method);
  }

  private bundle(id: string): DockerBatchBundleRecord | null {
    return id === BUILTIN_TRAINER_BUNDLE_ID ? this.deps.builtinBundle : this.deps.bundles.get(id);
  }

  private owned(user: User, id: string): DockerBatchJobRecord | null {
    const job = isWellFormedJobId(id) ? this.deps.jobRows.get(id) : null;
    return job !== null && job.owner === user.teamId && !isExpired(job, this.deps.clock.now()) ? job : null;
  }
}

const fineTuneView = (job: DockerBatchJobRecord): FineTuneView => ({
  id: job.id,
  fine_tuned_model: job.annotations?.fine_tuned_model ?? null,
  status: job.status,
});
