/**
 * The composition root (DESIGN.md "Layout", ARCHITECTURE.md): the only file that knows every layer.
 * It reads top to bottom in the order things are built: config → store → blobs → runtime →
 * scheduler and gateway → domain services → http, then starts them; `close()` disposes them in the
 * reverse order.
 */
import { rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pruneBlobs } from "./blobs/blob-prune.js";
import { workerBlobToken } from "./blobs/signed-url.js";
import { S3_PATH } from "./domain/signed-urls.js";
import { ConfigError, type LaunchLocalOptions, type ResolvedConfig, resolveConfig } from "./config/options.js";
import { type HostEnv, readHostEnv } from "./config/host-env.js";
import { BatchJobService } from "./domain/batch/batch-job-service.js";
import { BatchOrchestrator } from "./domain/batch/batch-orchestrator.js";
import { BundleService } from "./domain/bundles/bundle-service.js";
import { type Clock, systemClock } from "./domain/clock.js";
import type { ResetOptions } from "./domain/control/control-ports.js";
import { ControlService } from "./domain/control/control-service.js";
import { FaultRegistry } from "./domain/control/fault-rules.js";
import { DockerBatchBundleService } from "./domain/docker-batch/docker-batch-bundle-service.js";
import { DockerBatchJobService } from "./domain/docker-batch/docker-batch-job-service.js";
import { EndpointLifecycle } from "./domain/endpoints/endpoint-lifecycle.js";
import { EndpointService } from "./domain/endpoints/endpoint-service.js";
import { FileService } from "./domain/files/file-service.js";
import { userFromName } from "./domain/identity.js";
import { createIdGenerator } from "./domain/ids.js";
import { createLogger, type Logger } from "./domain/logger.js";
import { LifecycleEvents } from "./domain/events/lifecycle-events.js";
import { createAccessLog } from "./http/access-log.js";
import type { WorkerLaunchSpec, WorkerRuntime } from "./domain/ports.js";
import { TaskLifecycle } from "./domain/tasks/task-lifecycle.js";
import { TaskRetention } from "./domain/tasks/task-retention.js";
import { TaskService } from "./domain/tasks/task-service.js";
import { createWeightsLocator, llmWeightsDir } from "./runtime/llm/weights-locator.js";
import { TriggerService, triggerJobRequest } from "./domain/triggers/trigger-service.js";
import { createCallbackSender } from "./gateway/callbacks.js";
import { createWorkerConnector } from "./gateway/connect.js";
import { createAsyncRunner, createGateway } from "./gateway/gateway.js";
import { startHttpServer } from "./http/server.js";
import type { Services } from "./http/services.js";
import { chooseRuntime, processJobRunner } from "./runtime/choose-runtime.js";
import { createInstanceBlobs } from "./instance-blobs.js";
import { createLlmServices } from "./instance-llm.js";
import { engineAwareJobRunner, sharedEngineEnv } from "./instance-llm-jobs.js";
import { createJobCredentials } from "./domain/docker-batch/job-credentials.js";
import { lazyHostGpuCount } from "./runtime/gpu-inventory.js";
import { createJobExecutor } from "./scheduler/jobs/job-executor.js";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.js";
import { createTriggerClock } from "./scheduler/triggers/trigger-clock.js";
import { createBatchJobRepository } from "./store/batch-job-repository.js";
import { createBundleRepository } from "./store/bundle-repository.js";
import { lockDataDir } from "./store/data-dir-lock.js";
import { openDatabase } from "./store/database.js";
import { createDockerBatchBundleRepository } from "./store/docker-batch-bundle-repository.js";
import { createDockerBatchJobLogRepository } from "./store/docker-batch-job-log-repository.js";
import { createDockerBatchJobRepository } from "./store/docker-batch-job-repository.js";
import { createEndpointLogRepository } from "./store/endpoint-log-repository.js";
import { createEndpointRepository } from "./store/endpoint-repository.js";
import { createFileRepository } from "./store/file-repository.js";
import { createCommitPort, pendingCommit } from "./store/group-commit.js";
import { wipeState } from "./store/state-reset.js";
import { createTaskExpiryStore } from "./store/task-expiry.js";
import { createTaskRepository } from "./store/task-repository.js";
import { createTriggerRepository } from "./store/trigger-repository.js";
import { Lifetime } from "./lifetime.js";
import { createDashboard, createObservers } from "./instance-observe.js";
import { VERSION } from "./version.js";

/**
 * The Python worker server (src/worker), run by path or copied into images. Resolved here because
 * this file sits at the depth of every build of it (src/, dist/ and the CLI bundle in dist/).
 */
const WORKER_DIR = fileURLToPath(new URL("../src/worker", import.meta.url));

/** Hooks for tests: replace the worker runtime or the clock. Not part of the public options. */
export interface InstanceOverrides {
  runtime?: (context: { config: ResolvedConfig; logger: Logger; blobRoot: string }) => WorkerRuntime;
  clock?: Clock;
  env?: HostEnv;
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

export async function createInstance(options: LaunchLocalOptions = {}, overrides: InstanceOverrides = {}): Promise<Instance> {
  const env = overrides.env ?? readHostEnv();
  const config = resolveConfig(options, env, overrides.cwd ?? process.cwd());
  const clock = overrides.clock ?? systemClock;
  const logger = createLogger(config.logLevel, overrides.logWriter ?? ((line) => process.stderr.write(`${line}\n`)), config.logFormat);
  const ids = createIdGenerator(() => clock.now());
  // Lifecycles announce their changes here; batch progress, metrics and the dashboard subscribe.
  const events = new LifecycleEvents((error, event) => logger.error(`a ${event.type} event listener failed`, { error: String(error) }));
  /** This server's URL, known once it listens (jobs and signed URLs name it). */
  let publicUrl = "";
  const lifetime = new Lifetime(logger, () => {
    if (config.ephemeral) rmSync(config.dataDir, { recursive: true, force: true });
  });

  try {
    // ---- the data dir is this instance's alone, for as long as it runs (store/data-dir-lock.ts)
    const lock = lockDataDir(config.dataDir);
    if (!lock.isHeld) throw new ConfigError(`data dir ${config.dataDir} in use by pid ${lock.holderPid ?? "unknown"}`);
    lifetime.add(() => lock.release());
    if (lock.previousPid !== null) logger.info(`data dir taken over from pid ${lock.previousPid}, which is gone`);

    // ---- store: SQLite (WAL), one repository per table
    const db = openDatabase(join(config.dataDir, "launch-local.sqlite"));
    lifetime.add(() => void db.close());
    const endpoints = createEndpointRepository(db);
    const bundles = createBundleRepository(db);
    const tasks = createTaskRepository(db);
    const batchJobs = createBatchJobRepository(db, tasks);
    const logs = createEndpointLogRepository(db);
    const dockerBatchBundles = createDockerBatchBundleRepository(db);
    const dockerBatchJobRows = createDockerBatchJobRepository(db);
    const dockerBatchJobLogs = createDockerBatchJobLogRepository(db);
    const triggerRows = createTriggerRepository(db);

    // ---- lifecycles: the only writers of task and endpoint statuses; each change is announced once committed
    const commits = createCommitPort(db);
    const taskLifecycle = new TaskLifecycle({ tasks, commits, events, clock, logger: logger.child("tasks") });
    lifetime.add(() => taskLifecycle.dispose());
    const endpointLifecycle = new EndpointLifecycle({ endpoints, commits, events, clock, logger: logger.child("endpoints") });
    lifetime.add(() => endpointLifecycle.dispose());

    // ---- blobs: s3://bucket/key as files under the data dir, each with its owner (instance-blobs.ts)
    const { signingSecret, blobRoot, inputs, blobs, blobOwners, blobAccess, objects, multipart } = createInstanceBlobs({ config, db, clock, ids });
    const retention = new TaskRetention({ store: createTaskExpiryStore(db), results: blobAccess, clock, logger, retentionHours: config.taskRetentionHours });

    // ---- runtime: how a worker (and a docker-image batch job) exists; LLM weights, offline, reach workers as `model_files`
    const weightsLocator = createWeightsLocator({ blobRoot, modelsDir: config.llmModelsDir, hfHubCache: config.hfHubCache });
    const engineEnv = sharedEngineEnv(config, env, logger, clock, WORKER_DIR);
    const runtimeOptions = {
      runtime: config.runtime,
      dataDir: config.dataDir,
      blobRoot,
      resultsBucket: config.bucket,
      python: config.python,
      workerStartTimeoutMs: config.workerStartTimeoutMs,
      gpus: config.gpus,
      gpuPolicy: config.gpuPolicy,
      pipFallback: config.pipFallback,
      imageMap: config.imageMap,
      workerDir: WORKER_DIR,
      llmPython: config.llmPython,
      modelFilesFor: (spec: WorkerLaunchSpec) => llmWeightsDir(endpoints.get(spec.endpointId), weightsLocator),
      engineEnv,
      s3EndpointUrl: () => `${publicUrl}${S3_PATH}`,
      // Ray: workers on other machines fetch bundles and blobs from this instance over HTTP.
      ray: {
        address: config.rayAddress,
        python: config.rayPython,
        listenHost: config.host,
        publicUrl: () => publicUrl,
        blobs,
        blobToken: workerBlobToken(signingSecret),
      },
      logger,
      env,
      clock,
    };
    const chosen = overrides.runtime
      ? { runtime: overrides.runtime({ config, logger, blobRoot }), jobRunner: processJobRunner(runtimeOptions) }
      : await chooseRuntime(runtimeOptions);
    const { runtime } = chosen;
    // Engine-image jobs (fine-tunes, batch completions) run in the LLM engine's environment.
    const jobRunner = engineAwareJobRunner(config, chosen.jobRunner, () => processJobRunner(runtimeOptions), engineEnv, WORKER_DIR);
    lifetime.add(() => runtime.dispose());

    // ---- scheduler (who runs where and when) and gateway (the trip to a worker)
    const faults = new FaultRegistry();
    // Metrics and the dashboard's load history (instance-observe.ts; README "Metrics", "Dashboard").
    const { metrics, history } = createObservers({ config, clock, events, endpoints, lifetime }, { loads: () => scheduler.loads() });
    const callbacks = createCallbackSender({ clock, logger: logger.child("callbacks") });
    const scheduler = createScheduler({
      endpoints,
      bundles,
      tasks,
      taskLifecycle,
      endpointLifecycle,
      logs,
      blobs: blobAccess,
      runtime,
      connect: createWorkerConnector(clock, faults),
      runAsync: createAsyncRunner({ tasks: taskLifecycle, callbacks, logger: logger.child("gateway"), observer: metrics?.trips ?? null }),
      clock,
      ids,
      logger: logger.child("scheduler"),
      events,
      config: { scaleDownCooldownMs: config.scaleDownCooldownMs, autoscaleIntervalMs: config.autoscaleIntervalMs },
    });
    lifetime.add(() => scheduler.dispose());
    lifetime.add(() => jobRunner.dispose());
    const gateway = createGateway({ slots: scheduler, callbacks, clock, syncTimeoutSeconds: config.syncTimeoutSeconds, observer: metrics?.trips ?? null });
    // Docker-image batch jobs (§2.5) run through the job runner, triggers (§2.6) fire them; a user's (fine-tunes) call back as them.
    const jobCredentials = createJobCredentials(signingSecret, dockerBatchJobRows);
    const jobExecutor = createJobExecutor({
      jobs: dockerBatchJobRows,
      logs: dockerBatchJobLogs,
      runner: jobRunner,
      clock,
      logger: logger.child("jobs"),
      credentialsFor: (job) => ({ url: publicUrl, token: jobCredentials.tokenFor(job.id) }),
    });
    lifetime.add(() => jobExecutor.dispose());
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
    lifetime.add(() => triggerClock.dispose());

    // ---- domain services: the rules of each resource
    const bundleService = new BundleService({ bundles, blobs, ids, clock, inputs });
    const endpointService = new EndpointService({
      endpoints,
      lifecycle: endpointLifecycle,
      bundles,
      scheduler,
      logs,
      ids,
      clock,
      allowSyncScaleFromZero: true,
      resultsBucket: config.bucket,
    });
    const taskService = new TaskService({ endpoints, tasks, lifecycle: taskLifecycle, scheduler, gateway, ids, clock, blobs: blobAccess });
    const batchOrchestrator = new BatchOrchestrator({
      jobs: batchJobs,
      endpoints,
      deleteEndpoint: (owner, endpointId) => endpointService.delete(owner, endpointId),
      readTask: (taskId) => taskService.getAsync(taskId),
      events,
      tasks: taskLifecycle,
      scheduler,
      blobs: blobAccess,
      bucket: config.bucket,
      clock,
      ids,
      logger: logger.child("batch"),
    });
    lifetime.add(() => batchOrchestrator.dispose());

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

    const fileRows = createFileRepository(db);
    // The LLM half: endpoints, completions over the same trip to a worker, fine-tunes, batch completions.
    const llmServices = createLlmServices({
      jobs: {
        config,
        jobs: dockerBatchJobs,
        jobRows: dockerBatchJobRows,
        bundles: dockerBatchBundles,
        files: fileRows,
        blobs: blobAccess,
        blobOwners,
        endpoints,
        weights: weightsLocator,
        publicUrl: () => publicUrl,
        ids,
        clock,
      },
      bundles,
      gateway,
      tokens: metrics?.tokens ?? null,
      lifecycle: endpointLifecycle,
      scheduler,
      bundleService,
      endpointService,
      blobStore: blobs,
      blobRoot,
    });
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
        hostGpuCount: lazyHostGpuCount(env),
        inputs,
      }),
      blobs,
      blobAccess,
      s3: { objects, multipart },
      logs,
      logger,
      accessLog: createAccessLog(logger.child("http"), () => clock.now()),
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
      files: new FileService({ files: fileRows, clock }),
      ...llmServices,
      jobCredentials,
      metrics,
      dashboard: createDashboard(db, {
        endpoints,
        scheduler,
        history,
        faults,
        batchProgress: (jobId) => batchOrchestrator.progress(jobId),
        dockerJobs: dockerBatchJobRows,
        triggers: triggerRows,
        clock,
      }),
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

    // ---- http: the front doors (the fast lane and hono) on one port
    const http = await startHttpServer(services, config.host, config.port);
    lifetime.add(() => http.close());
    const hostForUrl = config.host.includes(":") ? `[${config.host}]` : config.host;
    publicUrl = `http://${hostForUrl === "0.0.0.0" ? "127.0.0.1" : hostForUrl}:${http.port}`;

    // ---- start: recover what a previous run left, then take work
    await scheduler.start();
    await jobExecutor.start();
    triggerClock.start();
    batchOrchestrator.resume();
    lifetime.add(retention.start());
    history.start();
    // Ready now; the adaptor loads in the background, before the first request in the usual case.
    setImmediate(() => void http.warmUp().catch((error: unknown) => logger.warn(`http: loading the request adaptor failed: ${String(error)}`)));

    return {
      url: publicUrl,
      port: http.port,
      config,
      services,
      scheduler,
      reset: (resetOptions) => resetInstance(resetOptions),
      close: () => lifetime.close(),
    };
  } catch (error) {
    await lifetime.close();
    throw error;
  }
}
