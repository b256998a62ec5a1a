/**
 * Trigger use cases (server-contract.md §2.6). Create checks run in the real order: bundle → image →
 * bundle resources → metadata present → labels → cron → unique (name, owner). The cron clock
 * (TriggerScheduler) is told about every change, so a trigger fires on its new schedule at once.
 */
import type { Clock } from "../clock.js";
import type { CreateDockerBatchJobInput } from "../docker-batch/docker-batch-job-service.js";
import { BUNDLE_NOT_FOUND, checkImage, triggerNotFound } from "../docker-batch/docker-batch-job-service.js";
import { validateTriggerBundleResources } from "../docker-batch/job-resources.js";
import { validateLabels } from "../endpoints/endpoint-rules.js";
import { badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { DockerBatchBundleRepository, TriggerRepository, TriggerScheduler } from "../job-ports.js";
import { validateCron } from "./cron-validation.js";
import type { CreateTriggerInput, TriggerRecord, UpdateTriggerInput } from "./trigger.js";

export interface TriggerServiceDeps {
  triggers: TriggerRepository;
  bundles: DockerBatchBundleRepository;
  scheduler: TriggerScheduler;
  imageExists?: (repository: string, tag: string) => Promise<boolean>;
  ids: IdGenerator;
  clock: Clock;
}

/** What the real CronJob POSTs on schedule, as the owner (§2.6). */
export function triggerJobRequest(trigger: TriggerRecord): CreateDockerBatchJobInput {
  return {
    docker_image_batch_job_bundle_id: trigger.bundleId,
    docker_image_batch_job_bundle_name: null,
    job_config: trigger.defaultJobConfig ?? {},
    labels: { ...(trigger.defaultJobMetadata ?? {}), trigger_id: trigger.id },
    resource_requests: { cpus: null, memory: null, gpus: null, gpu_type: null, storage: null, nodes_per_worker: null },
    override_job_max_runtime_s: null,
  };
}

export class TriggerService {
  constructor(private readonly deps: TriggerServiceDeps) {}

  async create(user: User, input: CreateTriggerInput): Promise<TriggerRecord> {
    const bundle = this.deps.bundles.get(input.bundle_id);
    if (!bundle || bundle.owner !== user.teamId) throw notFound(BUNDLE_NOT_FOUND);
    await checkImage(this.deps.imageExists, bundle);
    validateTriggerBundleResources(bundle);
    if (input.default_job_metadata === null) {
      throw badRequest("Missing labels in default_job_metadata. These are all required: {'team', 'product'}");
    }
    validateLabels(input.default_job_metadata);
    validateCron(input.cron_schedule);

    const trigger: TriggerRecord = {
      id: this.deps.ids.xid("trig_"),
      name: input.name,
      owner: user.teamId,
      createdBy: user.userId,
      createdAt: this.deps.clock.now(),
      cronSchedule: input.cron_schedule,
      bundleId: bundle.id,
      defaultJobConfig: input.default_job_config,
      defaultJobMetadata: input.default_job_metadata,
      isSuspended: false,
    };
    if (!this.deps.triggers.insert(trigger)) {
      throw badRequest(`Trigger with name ${input.name} already exists for ${user.teamId}`);
    }
    this.deps.scheduler.schedule(trigger);
    return trigger;
  }

  list(user: User): TriggerRecord[] {
    return this.deps.triggers.listByOwner(user.teamId);
  }

  get(user: User, id: string): TriggerRecord {
    const trigger = this.deps.triggers.get(id);
    if (!trigger || trigger.owner !== user.teamId) throw triggerNotFound(id);
    return trigger;
  }

  /** `{"success": true}` unless the trigger vanished meanwhile; `suspend` is kept (see TriggerRecord). */
  update(user: User, id: string, input: UpdateTriggerInput): boolean {
    const trigger = this.get(user, id);
    if (input.cron_schedule !== null) validateCron(input.cron_schedule);
    const updated: TriggerRecord = {
      ...trigger,
      cronSchedule: input.cron_schedule ?? trigger.cronSchedule,
      isSuspended: input.suspend ?? trigger.isSuspended,
    };
    this.deps.triggers.update(updated);
    this.deps.scheduler.schedule(updated);
    return true;
  }

  delete(user: User, id: string): boolean {
    this.get(user, id);
    const isDeleted = this.deps.triggers.delete(id);
    if (isDeleted) this.deps.scheduler.unschedule(id);
    return isDeleted;
  }
}
