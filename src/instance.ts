import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pruneBlobs } from "./blobs/blob-prune.js";
import { createLocalBlobStore } from "./blobs/local-blob-store.js";
import { BlobAccess } from "./domain/blobs/blob-access.js";
import { createBlobOwnerRepository } from "./store/blob-owner-repository.js";
import { ConfigError, type LaunchLocalOptions, type ResolvedConfig, resolveConfig } from "./config/options.js";
import { BatchJobService } from "./domain/batch/batch-job-service.js";
import { BatchOrchestrator } from "./domain/batch/batch-orchestrator.js";
import { createTaskCompletionFeed } from "./domain/batch/task-completion-feed.js";
import { BundleService } from "./domain/bundles/bundle-service.js";
import { type Clock, systemClock } from "./domain/clock.js";
import type { ResetOptions } from "./domain/control/control-ports.js";
import { ControlService } from "./domain/control/control-service.js";
import { FaultRegistry } from "./domain/control/fault-rules.js";
import { EndpointService } from "./domain/endpoints/endpoint-service.js";
import { createIdGenerator } from "./domain/ids.js";
import { createLogger, type Logger } from "./domain/logger.js";
import type { WorkerLaunchSpec, WorkerRuntime } from "./domain/ports.js";
import { TaskService } from "./domain/tasks/task-service.js";
import { LlmEndpointReads } from "./domain/llm/llm-endpoint-reads.js";
import { LlmEndpointService } from "./domain/llm/llm-endpoint-service.js";
import { LlmCompletionsV1 } from "./domain/llm/llm-completions-v1.js";
import { LlmCompletionsV2 } from "./domain/llm/llm-completions-v2.js";
import { LlmTrip } from "./domain/llm/llm-trip.js";
import { pacificTimestamp } from "./http/error-table.js";
import { createFineTunedWeights } from "./blobs/fine-tuned-weights.js";
import { createWeightsLocator, llmWeightsDir } from "./runtime/llm/weights-locator.js";
import { createApp } from "./http/app.js";
import { attachFastLane, type FastLane } from "./http/fast-lane/fast-lane.js";
import { createHonoListener } from "./http/hono-listener.js";
import { createSyncTaskLane } from "./http/fast-lane/sync-task-lane.js";
import { chooseRuntime, processJobRunner } from "./instance-runtime.js";
import type { Services } from "./http/services.js";
import { detectGpus } from "./runtime/gpu-inventory.js";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.js";
import { createBatchJobRepository } from "./store/batch-job-repository.js";
import { createBundleRepository } from "./store/bundle-repository.js";
import { type Db, openDatabase } from "./store/database.js";
import { pendingCommit } from "./store/group-commit.js";
import { createEndpointLogRepository } from "./store/endpoint-log-repository.js";
import { createEndpointRepository } from "./store/endpoint-repository.js";
import { wipeState } from "./store/state-reset.js";
import { createTaskRepository } from "./store/task-repository.js";
import { VERSION } from "./version.js";
import { DockerBatchBundleService } from "./domain/docker-batch/docker-batch-bundle-service.js";
import { DockerBatchJobService } from "./domain/docker-batch/docker-batch-job-service.js";
import { FileService } from "./domain/files/file-service.js";
import { userFromName } from "./domain/identity.js";
import { TriggerService, triggerJobRequest } from "./domain/triggers/trigger-service.js";
import { createJobExecutor } from "./scheduler/jobs/job-executor.js";
import { createTriggerClock } from "./scheduler/triggers/trigger-clock.js";
import { createDockerBatchBundleRepository } from "./store/docker-batch-bundle-repository.js";
import { createDockerBatchJobLogRepository } from "./store/docker-batch-job-log-repository.js";
import { createDockerBatchJobRepository } from "./store/docker-batch-job-repository.js";
import { createFileRepository } from "./store/file-repository.js";
import { createTriggerRepository } from "./store/trigger-repository.js";

/** Hooks for tests: replace the worker runtime or the clock. Not part of the public options. */
export interface InstanceOverrides {
  runtime?: (context: { config: ResolvedConfig; logger: Logger; blobRoot: string }) => WorkerRuntime;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  cwd?: string;
  logWriter?: (line: string) => void;
}

export interface Instance {
  readonly url: string;
  readonly port: number;
  readonly config: ResolvedConfig;
  readonly services: Services;
  readonly scheduler: Scheduler;
  /** Stops every worker and drops all state (README "Control API"); `keepBundles` keeps the bundles. */
  reset(options?: Partial<ResetOptions>): Promise<void>;
  close(): Promise<void>;
}


/**
 * The composition root (DESIGN.md "Layout"): config → store → blobs → runtime → scheduler → http.
 * The only file that knows every layer.
 */
export async function createInstance(options: LaunchLocalOptions = {}, overrides: InstanceOverrides = {}): Promise<Instance> {
  const env = overrides.env ?? process.env;
  const config = resolveConfig(options, env, overrides.cwd ?? process.cwd());
  const clock = overrides.clock ?? systemClock;
  const logger = createLogger(config.logLevel, overrides.logWriter ?? ((line) => process.stderr.write(`${line}\n`)));
  const ids = createIdGenerator(() => clock.now());

  const disposers: (() => Promise<void> | void)[] = [];
  const cleanUp = async () => {
    for (const dispose of disposers.reverse()) {
      try {
        await dispose();
      } catch (error) {
        logger.warn("dispose failed", { error: String(error) });
      }
    }
    disposers.length = 0;
    if (config.ephemeral) rmSync(config.dataDir, { recursive: true, force: true });
  };

  try {
    const db = openDatabase(join(config.dataDir, "launch-local.sqlite"));
    disposers.push(() => {
      db.close();
    });
    const endpoints = createEndpointRepository(db);
    const bundles = createBundleRepository(db);
    // Batch jobs follow their rows through the completion events of the repository the scheduler writes.
    const taskFeed = createTaskCompletionFeed(createTaskRepository(db), logger.child("tasks"));
    const tasks = taskFeed.tasks;
    const batchJobs = createBatchJobRepository(db, tasks);
    const logs = createEndpointLogRepository(db);
    const signingSecret = config.signingSecret ?? persistentSecret(db);
    const blobRoot = join(config.dataDir, "blobs");
    const inputs = { allowedDirs: config.allowInputDirs, allowUrls: config.allowInputUrls };
    const blobs = createLocalBlobStore({ root: blobRoot, bucket: config.bucket, signingSecret, ttlSeconds: config.signedUrlTtlSeconds, clock, inputs });
    const blobOwners = createBlobOwnerRepository(db);
    const blobAccess = new BlobAccess({ store: blobs, owners: blobOwners, inputs, clock });

    // LLM endpoints' weights, offline (README "LLM endpoints"); workers see them as `model_files`.
    const weightsLocator = createWeightsLocator({ blobRoot, modelsDir: config.llmModelsDir, hfHubCache: config.hfHubCache });
    const modelFilesFor = (spec: WorkerLaunchSpec) => llmWeightsDir(endpoints.get(spec.endpointId), weightsLocator);
    const { runtime, jobRunner } = overrides.runtime
      ? { runtime: overrides.runtime({ config, logger, blobRoot }), jobRunner: processJobRunner({ config, logger, env }) }
      : await chooseRuntime({ config, logger, blobRoot, env, clock, modelFilesFor });
    disposers.push(() => runtime.dispose());

    const faults = new FaultRegistry();
    const scheduler = createScheduler({
      endpoints,
      bundles,
      tasks,
      logs,
      blobs: blobAccess,
      runtime,
      clock,
      ids,
      logger: logger.child("scheduler"),
      faults,
      config: {
        scaleDownCooldownMs: config.scaleDownCooldownMs,
        autoscaleIntervalMs: config.autoscaleIntervalMs,
        syncTimeoutSeconds: config.syncTimeoutSeconds,
      },
    });
    disposers.push(() => scheduler.dispose());

    // Docker-image batch jobs, triggers and files (§2.5, §2.6, §7.1). Jobs run as containers under the
    // Docker runtime, as host processes under the process runtime (instance-runtime.ts).
    const dockerBatchBundles = createDockerBatchBundleRepository(db);
    const dockerBatchJobRows = createDockerBatchJobRepository(db);
    const dockerBatchJobLogs = createDockerBatchJobLogRepository(db);
    const triggerRows = createTriggerRepository(db);
    disposers.push(() => jobRunner.dispose());
    const jobExecutor = createJobExecutor({ jobs: dockerBatchJobRows, logs: dockerBatchJobLogs, runner: jobRunner, clock, logger: logger.child("jobs") });
    disposers.push(() => jobExecutor.dispose());
    const imageExists = jobRunner.imageExists?.bind(jobRunner);
    const dockerBatchJobs = new DockerBatchJobService({
      bundles: dockerBatchBundles,
      jobs: dockerBatchJobRows,
      logs: dockerBatchJobLogs,
      triggers: triggerRows,
      executor: jobExecutor,
      imageExists,
      ids,
      clock,
    });
    const triggerClock = createTriggerClock({
      triggers: triggerRows,
      clock,
      logger: logger.child("triggers"),
      // What the real CronJob does on schedule: POST /v1/docker-image-batch-jobs as the owner (§2.6).
      fire: (trigger) => dockerBatchJobs.create(userFromName(trigger.owner), triggerJobRequest(trigger)),
    });
    disposers.push(() => triggerClock.dispose());

    const bundleService = new BundleService({ bundles, blobs, ids, clock, inputs });
    const endpointService = new EndpointService({ endpoints, bundles, scheduler, logs, ids, clock, allowSyncScaleFromZero: true, resultsBucket: config.bucket });
    const taskService = new TaskService({ endpoints, tasks, scheduler, ids, clock, blobs: blobAccess });
    const batchOrchestrator = new BatchOrchestrator({
      jobs: batchJobs,
      endpoints,
      deleteEndpoint: async (owner, endpointId) => {
        await endpointService.delete(owner, endpointId);
      },
      readTask: (taskId) => taskService.getAsync(taskId),
      completions: taskFeed,
      scheduler,
      blobs: blobAccess,
      bucket: config.bucket,
      clock,
      ids,
      logger: logger.child("batch"),
    });
    disposers.push(() => batchOrchestrator.dispose());
    let hostGpuCount: Promise<number> | null = null;

    // Workers stop first (nothing writes while rows go), then rows, blobs and fault rules.
    const resetInstance = async (resetOptions: Partial<ResetOptions> = {}): Promise<void> => {
      batchOrchestrator.stopAll();
      triggerClock.clear();
      await jobExecutor.stopAll("launch-local was reset.");
      await Promise.all(endpoints.all().map((endpoint) => scheduler.undeploy(endpoint.id)));
      const keptLocations = wipeState(db, resetOptions.keepBundles ?? false);
      endpoints.forgetCached();
      await pruneBlobs(blobRoot, keptLocations);
      faults.clearAll();
    };

    // LLM requests take the same trip to a worker as sync and streaming tasks (domain/llm/llm-trip.ts).
    const llmTrip = new LlmTrip({ endpoints, bundles, scheduler });
    let publicUrl = "";
    const instanceInfo = () => ({ version: VERSION, runtime: runtime.name, data_dir: config.dataDir, url: publicUrl });
    const services: Services = {
      bundles: bundleService,
      endpoints: endpointService,
      tasks: taskService,
      batchJobs: new BatchJobService({
        jobs: batchJobs,
        bundles,
        endpoints: endpointService,
        orchestrator: batchOrchestrator,
        ids,
        clock,
        logger: logger.child("batch"),
        // One worker per core: the real default of 50 workers would swamp a laptop (README "Parity").
        maxWorkersCap: Math.max(1, availableParallelism()),
        hostGpuCount: () => (hostGpuCount ??= detectGpus(env).then((gpus) => gpus.length)),
        inputs,
      }),
      blobs,
      blobAccess,
      logs,
      logger,
      now: () => clock.now(),
      uuid: () => ids.uuid(),
      publicUrl: () => publicUrl,
      signingSecret,
      signedUrlTtlSeconds: config.signedUrlTtlSeconds,
      maxBodyBytes: config.maxBodyBytes,
      allowedKeys: config.apiKeys === null ? null : new Set([...config.apiKeys, ...(config.adminKeys ?? [])]),
      adminKeys: config.adminKeys === null ? null : new Set(config.adminKeys),
      info: instanceInfo,
      dockerBatchBundles: new DockerBatchBundleService({ bundles: dockerBatchBundles, ids, clock }),
      dockerBatchJobs,
      triggers: new TriggerService({ triggers: triggerRows, bundles: dockerBatchBundles, scheduler: triggerClock, imageExists, ids, clock }),
      files: new FileService({ files: createFileRepository(db), clock }),
      llmEndpoints: new LlmEndpointService({ endpoints, bundles: bundleService, scheduler, weights: weightsLocator, ids, clock, allowSyncScaleFromZero: true }),
      llmReads: new LlmEndpointReads({
        endpoints,
        endpointService,
        fineTuned: createFineTunedWeights(blobRoot, config.bucket),
        signedDownload: (location) => blobs.createSignedDownload(location, publicUrl),
      }),
      llmCompletionsV1: new LlmCompletionsV1({ trip: llmTrip, ids, timestamp: () => pacificTimestamp(clock.now()) }),
      llmCompletionsV2: new LlmCompletionsV2({ trip: llmTrip, ids, timestamp: () => pacificTimestamp(clock.now()) }),
      control: new ControlService({
        endpoints,
        logs,
        scheduler,
        faults,
        blobs: blobAccess,
        info: instanceInfo,
        reset: resetInstance,
        hasAdminKeys: config.adminKeys !== null,
      }),
      pendingCommit: () => pendingCommit(db),
    };

    const app = createApp(services);
    const hono = createHonoListener(app.fetch);
    const server = createServer(hono.listener);
    server.keepAliveTimeout = 65_000;
    // POST /v1/sync-tasks in its plain form skips Node's and hono's request machinery (issue 5).
    const fastLane = attachFastLane(server, createSyncTaskLane(services));
    const port = await listen(server, config.port, config.host);
    disposers.push(() => closeServer(server, fastLane));
    const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host;
    publicUrl = `http://${hostForUrl === "0.0.0.0" ? "127.0.0.1" : hostForUrl}:${port}`;

    await scheduler.start();
    await jobExecutor.start();
    triggerClock.start();
    batchOrchestrator.resume();
    // Ready now; the adaptor loads in the background, before the first request in the usual case.
    setImmediate(() => void hono.warmUp().catch((error: unknown) => logger.warn(`http: loading the request adaptor failed: ${String(error)}`)));

    let closing: Promise<void> | null = null;
    return {
      url: publicUrl,
      port,
      config,
      services,
      scheduler,
      reset: (resetOptions) => resetInstance(resetOptions),
      close: () => (closing ??= cleanUp()),
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}


/** A random signing secret stored with the data, so signed URLs survive a restart. */
function persistentSecret(db: Db): string {
  const row = db.prepare("SELECT value FROM settings WHERE key = 'signing_secret'").get() as { value: string } | undefined;
  if (row) return row.value;
  const secret = randomBytes(32).toString("hex");
  db.prepare("INSERT INTO settings (key, value) VALUES ('signing_secret', ?)").run(secret);
  return secret;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(
        error.code === "EADDRINUSE"
          ? new ConfigError(`Port ${port} on ${host} is already in use. Choose another with --port, or --port 0 for a free one.`)
          : error,
      );
    };
    const onListening = () => {
      server.off("error", onError);
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}

function closeServer(server: Server, fastLane: FastLane): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
    fastLane.closeAllConnections();
  });
}
