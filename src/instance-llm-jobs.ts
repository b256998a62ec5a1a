/**
 * The LLM jobs of the composition root (README "Fine-tunes", "Batch completions"): the fine-tune
 * service over the docker-image batch jobs, the template document and events in the blob store, the
 * Files API and the weights locator; the batch-completion service; and the job runner that runs
 * engine-image jobs in the engine's environment.
 */
import type { ResolvedConfig } from "./config/options.js";
import type { DockerBatchJobService } from "./domain/docker-batch/docker-batch-job-service.js";
import { builtinTrainerBundle, ENGINE_IMAGE_REPOSITORY } from "./domain/fine-tunes/builtin-trainer.js";
import { blobEventsStore, blobRepositoryDocument, datasetReader, localBaseModels } from "./domain/fine-tunes/fine-tune-adapters.js";
import { FineTuneService } from "./domain/fine-tunes/fine-tune-service.js";
import { BatchCompletionService } from "./domain/batch-completions/batch-completion-service.js";
import type { IdGenerator } from "./domain/ids.js";
import type { Clock } from "./domain/clock.js";
import type { ModelWeightsLocator } from "./domain/llm/llm-ports.js";
import type { BlobAccess } from "./domain/blobs/blob-access.js";
import type { BlobOwnerRepository, EndpointRepository } from "./domain/ports.js";
import type { DockerBatchBundleRepository, DockerBatchJobRepository, FileRepository, JobRunner } from "./domain/job-ports.js";
import { parseImageMap } from "./runtime/docker/image-map.js";
import { createEngineJobRunner } from "./runtime/engine-jobs.js";
import { type LlmEngineEnv, createLlmEngineEnv } from "./runtime/process/llm-engine-env.js";
import type { Env } from "./runtime/process/run-command.js";
import { createVenvBuilder } from "./runtime/process/venv-builder.js";
import { inheritedEnv } from "./runtime/worker-env.js";
import type { Logger } from "./domain/logger.js";
import { VERSION } from "./version.js";

export interface FineTuneWiring {
  config: ResolvedConfig;
  jobs: DockerBatchJobService;
  jobRows: DockerBatchJobRepository;
  bundles: DockerBatchBundleRepository;
  files: FileRepository;
  blobs: BlobAccess;
  blobOwners: BlobOwnerRepository;
  endpoints: EndpointRepository;
  weights: ModelWeightsLocator;
  publicUrl(): string;
  ids: IdGenerator;
  clock: Clock;
}

export function createBatchCompletionService(wiring: FineTuneWiring): BatchCompletionService {
  return new BatchCompletionService({
    jobs: wiring.jobs,
    jobRows: wiring.jobRows,
    bundles: wiring.bundles,
    weights: wiring.weights,
    assertBlobLocation: (location) => wiring.blobs.store.assertValidLocation(location),
    ids: wiring.ids,
    clock: wiring.clock,
    version: VERSION,
  });
}

export function createFineTuneService(wiring: FineTuneWiring): FineTuneService {
  const { config, blobs } = wiring;
  return new FineTuneService({
    jobs: wiring.jobs,
    jobRows: wiring.jobRows,
    bundles: wiring.bundles,
    builtinBundle: builtinTrainerBundle(VERSION),
    repository: blobRepositoryDocument(blobs, wiring.blobOwners, config.fineTuneRepository, config.adminKeys),
    events: blobEventsStore(blobs, config.bucket),
    datasets: datasetReader(wiring.files, blobs),
    baseModels: localBaseModels(wiring.weights, wiring.endpoints),
    gatewayUrl: wiring.publicUrl,
    bucket: config.bucket,
    clock: wiring.clock,
  });
}

/** The engine's environment (venv from its requirements, or --llm-python), shared by engine workers and engine-image jobs. */
export function sharedEngineEnv(config: ResolvedConfig, env: Env, logger: Logger, clock: Clock, workerDir: string): LlmEngineEnv {
  const childEnv = inheritedEnv(env);
  const venvs = createVenvBuilder({ dataDir: config.dataDir, python: config.python, env: childEnv, logger: logger.child("runtime"), clock });
  return createLlmEngineEnv({ workerDir, llmPython: config.llmPython, venvs, env: childEnv });
}

/** Engine-image jobs run as host processes unless the Docker runtime's image map names that image, or the Ray runner runs them on its nodes. */
export function engineAwareJobRunner(
  config: ResolvedConfig,
  runtimeRunner: JobRunner,
  processRunner: () => JobRunner,
  engineEnv: LlmEngineEnv,
  workerDir: string,
): JobRunner {
  const isDocker = runtimeRunner.name === "docker";
  const mapped =
    isDocker && Object.keys(parseImageMap(config.imageMap)).some((key) => key === ENGINE_IMAGE_REPOSITORY || key.startsWith(`${ENGINE_IMAGE_REPOSITORY}:`));
  return createEngineJobRunner({
    processRunner: isDocker ? processRunner() : runtimeRunner,
    runtimeRunner,
    enginePython: (log) => engineEnv.python(log),
    workerDir,
    isEngineOnRuntime: mapped || runtimeRunner.name === "ray",
  });
}
