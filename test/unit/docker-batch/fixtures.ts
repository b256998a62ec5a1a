import { FakeClock } from "../../../src/domain/clock.js";
import type { DockerBatchBundleRecord } from "../../../src/domain/docker-batch/docker-batch-bundle.js";
import { type CreateDockerBatchJobInput, DockerBatchJobService } from "../../../src/domain/docker-batch/docker-batch-job-service.js";
import type { DockerBatchJobRecord } from "../../../src/domain/docker-batch/docker-batch-job.js";
import { createIdGenerator } from "../../../src/domain/ids.js";
import type { DockerBatchJobExecutor, TriggerScheduler } from "../../../src/domain/job-ports.js";
import type { TriggerRecord } from "../../../src/domain/triggers/trigger.js";
import { TriggerService } from "../../../src/domain/triggers/trigger-service.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createDockerBatchBundleRepository } from "../../../src/store/docker-batch-bundle-repository.js";
import { createDockerBatchJobLogRepository } from "../../../src/store/docker-batch-job-log-repository.js";
import { createDockerBatchJobRepository } from "../../../src/store/docker-batch-job-repository.js";
import { createTriggerRepository } from "../../../src/store/trigger-repository.js";

export const USER = { userId: "me", teamId: "me" };
export const OTHER = { userId: "other", teamId: "other" };
export const LABELS = { team: "infra", product: "demo" };

export function makeDockerBundle(overrides: Partial<DockerBatchBundleRecord> = {}): DockerBatchBundleRecord {
  return {
    id: "batbun_1",
    name: "job-bundle",
    owner: "me",
    createdBy: "me",
    createdAt: Date.UTC(2026, 0, 1),
    imageRepository: "repo/job",
    imageTag: "v1",
    command: ["sh", "-c", "exit 0"],
    env: { A: "1" },
    mountLocation: null,
    cpus: "1",
    memory: "1Gi",
    storage: null,
    gpus: null,
    gpuType: null,
    isPublic: false,
    ...overrides,
  };
}

export function jobInput(overrides: Partial<CreateDockerBatchJobInput> = {}): CreateDockerBatchJobInput {
  return {
    docker_image_batch_job_bundle_name: null,
    docker_image_batch_job_bundle_id: "batbun_1",
    job_config: null,
    labels: LABELS,
    resource_requests: { cpus: null, memory: null, gpus: null, gpu_type: null, storage: null, nodes_per_worker: null },
    override_job_max_runtime_s: null,
    ...overrides,
  };
}

/** The docker-batch and trigger services over in-memory SQLite, with recording fakes for the scheduler ports. */
export interface DockerBatchHarness {
  db: Db;
  clock: FakeClock;
  bundles: ReturnType<typeof createDockerBatchBundleRepository>;
  jobs: ReturnType<typeof createDockerBatchJobRepository>;
  triggers: ReturnType<typeof createTriggerRepository>;
  submitted: DockerBatchJobRecord[];
  cancelled: string[];
  scheduled: TriggerRecord[];
  unscheduled: string[];
  missingImages: Set<string>;
  jobService: DockerBatchJobService;
  triggerService: TriggerService;
}

export function dockerBatchHarness(): DockerBatchHarness {
  const db = openDatabase(":memory:");
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const ids = createIdGenerator(() => clock.now());
  const bundles = createDockerBatchBundleRepository(db);
  const jobs = createDockerBatchJobRepository(db);
  const triggers = createTriggerRepository(db);
  const submitted: DockerBatchJobRecord[] = [];
  const cancelled: string[] = [];
  const scheduled: TriggerRecord[] = [];
  const unscheduled: string[] = [];
  const missingImages = new Set<string>();
  const executor: DockerBatchJobExecutor = {
    submit: (job) => submitted.push(job),
    cancel: async (id) => {
      cancelled.push(id);
    },
  };
  const scheduler: TriggerScheduler = { schedule: (trigger) => scheduled.push(trigger), unschedule: (id) => unscheduled.push(id) };
  const imageExists = async (repository: string, tag: string) => !missingImages.has(`${repository}:${tag}`);
  return {
    db,
    clock,
    bundles,
    jobs,
    triggers,
    submitted,
    cancelled,
    scheduled,
    unscheduled,
    missingImages,
    jobService: new DockerBatchJobService({ bundles, jobs, logs: createDockerBatchJobLogRepository(db), triggers, executor, imageExists, ids, clock }),
    triggerService: new TriggerService({ triggers, bundles, scheduler, imageExists, ids, clock }),
  };
}

/** The `detail` of the LaunchError a call throws (or "ok"). */
export async function outcome(call: () => unknown): Promise<string> {
  try {
    await call();
    return "ok";
  } catch (error) {
    return error instanceof Error ? `${"code" in error ? String(error.code) : error.name}: ${error.message}` : String(error);
  }
}
