/**
 * Docker-image batch job use cases (server-contract.md §2.5, §3.3, §6.2). Create checks run in the
 * real order: bundle → image → resources → labels → max runtime. The job row is committed PENDING
 * before `{"job_id"}` is answered, then handed to the executor (DESIGN.md principle 4).
 */
import type { Clock } from "../clock.js";
import { validateLabels } from "../endpoints/endpoint-rules.js";
import { notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type {
  DockerBatchBundleRepository,
  DockerBatchJobExecutor,
  DockerBatchJobLogRepository,
  DockerBatchJobRepository,
  TriggerRepository,
} from "../job-ports.js";
import type { DockerBatchBundleRecord, DockerBatchResourceRequests } from "./docker-batch-bundle.js";
import { DEFAULT_MOUNT_LOCATION, type DockerBatchJobRecord, type DockerBatchJobStatus, isExpired, isWellFormedJobId } from "./docker-batch-job.js";
import type { JobGrant } from "./job-grant.js";
import { mergeResources, validateJobResources, validateMaxRuntime } from "./job-resources.js";

export interface CreateDockerBatchJobInput {
  docker_image_batch_job_bundle_name: string | null;
  docker_image_batch_job_bundle_id: string | null;
  job_config: Record<string, unknown> | null;
  labels: Record<string, string>;
  resource_requests: DockerBatchResourceRequests;
  override_job_max_runtime_s: number | null;
}

/**
 * A job that another service starts on the caller's behalf (a fine-tune, batch completions), as the
 * real services call `docker_image_batch_job_gateway.create_docker_image_batch_job` straight: the
 * bundle was chosen and checked by the caller, and no route checks run.
 */
export interface ServiceJobInput {
  bundle: DockerBatchBundleRecord;
  jobConfig: Record<string, unknown>;
  labels: Record<string, string>;
  annotations: Record<string, string> | null;
  grant: JobGrant | null;
  resourceRequests: DockerBatchResourceRequests;
  overrideJobMaxRuntimeS: number | null;
}

export interface DockerBatchJobServiceDeps {
  bundles: DockerBatchBundleRepository;
  jobs: DockerBatchJobRepository;
  logs: DockerBatchJobLogRepository;
  triggers: TriggerRepository;
  executor: DockerBatchJobExecutor;
  /** The runner's image check (§2.5's 404); without one every image counts as present. */
  imageExists?: (repository: string, tag: string) => Promise<boolean>;
  ids: IdGenerator;
  clock: Clock;
}

export const BUNDLE_NOT_FOUND = "The specified batch job bundle could not be found";
const JOB_NOT_FOUND = "The specified batch job could not be found";
export const triggerNotFound = (id: string) => notFound(`Trigger ${id} was not found.`);

/** Shared with trigger create, which runs the same bundle and image checks (§2.6). */
export async function checkImage(imageExists: DockerBatchJobServiceDeps["imageExists"], bundle: DockerBatchBundleRecord): Promise<void> {
  if (imageExists && !(await imageExists(bundle.imageRepository, bundle.imageTag))) {
    throw notFound(`The specified docker image ${bundle.imageRepository}:${bundle.imageTag} was not found`);
  }
}

export class DockerBatchJobService {
  constructor(private readonly deps: DockerBatchJobServiceDeps) {}

  async create(user: User, input: CreateDockerBatchJobInput): Promise<DockerBatchJobRecord> {
    const bundle = this.findBundle(user, input);
    await checkImage(this.deps.imageExists, bundle);
    const resources = mergeResources(bundle, input.resource_requests);
    validateJobResources(resources);
    validateLabels(input.labels);
    validateMaxRuntime(input.override_job_max_runtime_s);
    return this.submit(user, bundle, resources, {
      labels: input.labels,
      annotations: null,
      jobConfig: input.job_config,
      overrideJobMaxRuntimeS: input.override_job_max_runtime_s,
      grant: null,
    });
  }

  /** ServiceJobInput: cpus and memory must still be known, as for any job. */
  submitForService(user: User, input: ServiceJobInput): DockerBatchJobRecord {
    const resources = mergeResources(input.bundle, input.resourceRequests);
    validateJobResources(resources);
    return this.submit(user, input.bundle, resources, input);
  }

  private submit(
    user: User,
    bundle: DockerBatchBundleRecord,
    resources: DockerBatchJobRecord["spec"]["resources"],
    input: Pick<DockerBatchJobRecord, "labels" | "annotations" | "jobConfig" | "overrideJobMaxRuntimeS" | "grant">,
  ): DockerBatchJobRecord {
    const job: DockerBatchJobRecord = {
      id: this.deps.ids.xid("ft-"),
      owner: user.teamId,
      createdBy: user.userId,
      createdAt: this.deps.clock.now(),
      bundleId: bundle.id,
      // The real list selects a trigger's jobs by this label, whoever set it (§2.5, §6.2).
      triggerId: input.labels.trigger_id ?? null,
      labels: { ...input.labels },
      annotations: input.annotations,
      jobConfig: input.jobConfig,
      overrideJobMaxRuntimeS: input.overrideJobMaxRuntimeS,
      spec: {
        imageRepository: bundle.imageRepository,
        imageTag: bundle.imageTag,
        command: [...bundle.command],
        env: { ...bundle.env },
        mountLocation: bundle.mountLocation ?? DEFAULT_MOUNT_LOCATION,
        resources,
      },
      status: "PENDING",
      startedAt: null,
      finishedAt: null,
      statusReason: null,
      runnerRef: null,
      grant: input.grant,
    };
    this.deps.jobs.insert(job);
    this.deps.executor.submit(job);
    return job;
  }

  /** GET → `{"status"}` only (§2.5). */
  status(user: User, id: string): DockerBatchJobStatus {
    return this.getOwned(user, id).status;
  }

  /** The job with its logs, for the emulator's control route. */
  withLogs(user: User, id: string): { job: DockerBatchJobRecord; lines: string[] } {
    const job = this.getOwned(user, id);
    return { job, lines: this.deps.logs.read(id) };
  }

  /** All the team's jobs, or (404 when the trigger is missing or foreign) the trigger's (§2.5). */
  list(user: User, triggerId: string | null): DockerBatchJobRecord[] {
    const now = this.deps.clock.now();
    // `if trigger_id:` in the real use case: an empty value lists everything.
    if (triggerId) {
      const trigger = this.deps.triggers.get(triggerId);
      if (!trigger || trigger.owner !== user.teamId) throw triggerNotFound(triggerId);
      return this.deps.jobs.listByTrigger(triggerId).filter((job) => !isExpired(job, now));
    }
    return this.deps.jobs.listByOwner(user.teamId).filter((job) => !isExpired(job, now));
  }

  /** PUT: cancel deletes the job, so it is 404 afterwards and gone from lists (§3.3). */
  async update(user: User, id: string, cancel: boolean): Promise<boolean> {
    this.getOwned(user, id);
    if (!cancel) return false;
    this.deps.jobs.delete(id);
    this.deps.logs.clear(id);
    await this.deps.executor.cancel(id);
    return true;
  }

  private getOwned(user: User, id: string): DockerBatchJobRecord {
    const job = isWellFormedJobId(id) ? this.deps.jobs.get(id) : null;
    if (!job || job.owner !== user.teamId || isExpired(job, this.deps.clock.now())) throw notFound(JOB_NOT_FOUND);
    return job;
  }

  /** By id (owned) or the team's latest of that name; both 404 alike (§2.5). */
  private findBundle(user: User, input: CreateDockerBatchJobInput): DockerBatchBundleRecord {
    const bundle =
      input.docker_image_batch_job_bundle_id !== null
        ? this.deps.bundles.get(input.docker_image_batch_job_bundle_id)
        : input.docker_image_batch_job_bundle_name !== null
          ? this.deps.bundles.latest(user.teamId, input.docker_image_batch_job_bundle_name)
          : null;
    if (!bundle || bundle.owner !== user.teamId) throw notFound(BUNDLE_NOT_FOUND);
    return bundle;
  }
}
