/**
 * A scheduler and the gateway over its slots, on real in-memory SQLite repositories, a FakeClock and
 * the fake runtime (workers are loopback HTTP servers), plus record factories. Waits on real I/O are
 * short polls with a hard bound.
 */
import type { BundleFlavor, BundleRecord, CloudpickleFlavor, RunnableFields, RunnableFlavor, StreamingFlavor } from "../../../src/domain/bundle.js";
import { FakeClock } from "../../../src/domain/clock.js";
import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import { createIdGenerator } from "../../../src/domain/ids.js";
import { type Logger, silentLogger } from "../../../src/domain/logger.js";
import type { BlobAccess } from "../../../src/domain/blobs/blob-access.js";
import type { InferenceGateway, WorkerSlots } from "../../../src/domain/gateway-ports.js";
import type { EndpointRepository, WorkerRuntime } from "../../../src/domain/ports.js";
import type { AsyncTaskRecord, PredictRequest } from "../../../src/domain/task.js";
import { createCallbackSender } from "../../../src/gateway/callbacks.js";
import { createWorkerConnector } from "../../../src/gateway/connect.js";
import { createAsyncRunner, createGateway } from "../../../src/gateway/gateway.js";
import { createScheduler, type Scheduler } from "../../../src/scheduler/index.js";
import { createBundleRepository } from "../../../src/store/bundle-repository.js";
import { openDatabase, type Db } from "../../../src/store/database.js";
import { createEndpointLogRepository } from "../../../src/store/endpoint-log-repository.js";
import { createEndpointRepository } from "../../../src/store/endpoint-repository.js";
import { createTaskRepository } from "../../../src/store/task-repository.js";
import { createFakeRuntime, type FakeRuntime } from "../../helpers/fake-runtime.js";
import { type TestLifecycles, testLifecycles } from "../../helpers/lifecycles.js";
import { waitFor as pollFor } from "../../helpers/wait-for.js";

const runnableFields = (): RunnableFields => ({
  repository: "echo",
  tag: "latest",
  command: ["python", "server.py"],
  predict_route: "/predict",
  healthcheck_route: "/readyz",
  env: null,
  protocol: "http",
  readiness_initial_delay_seconds: 0,
  extra_routes: [],
  routes: [],
  forwarder_type: null,
  worker_command: null,
  worker_env: null,
});

const artifact: CloudpickleFlavor = {
  flavor: "cloudpickle_artifact",
  requirements: [],
  framework: { framework_type: "pytorch", pytorch_image_tag: "2.1" },
  app_config: null,
  location: "s3://bucket/model.pkl",
  load_predict_fn: "f",
  load_model_fn: "g",
};
const runnable: RunnableFlavor = { flavor: "runnable_image", ...runnableFields() };
const streaming: StreamingFlavor = {
  flavor: "streaming_enhanced_runnable_image",
  ...runnableFields(),
  streaming_command: ["python", "stream.py"],
  streaming_predict_route: "/stream",
};

export const FLAVORS = { artifact, runnable, streaming };

export function makeBundle(id: string, flavor: BundleFlavor = FLAVORS.artifact): BundleRecord {
  return {
    id,
    name: `bundle-${id}`,
    owner: "me",
    createdBy: "me",
    createdAt: 0,
    metadata: {},
    schemaLocation: null,
    modelArtifactIds: [],
    flavor,
    legacy: null,
  };
}

export function makeEndpoint(id: string, bundleId: string, overrides: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id,
    name: `name-${id}`,
    owner: "me",
    createdBy: "me",
    createdAt: 0,
    lastUpdatedAt: 0,
    endpointType: "async",
    bundleId,
    status: "UPDATE_PENDING",
    statusReason: null,
    destination: "UNKNOWN",
    hasInfraState: false,
    metadata: {},
    postInferenceHooks: null,
    defaultCallbackUrl: null,
    defaultCallbackAuth: null,
    labels: {},
    resources: { cpus: 1, memory: "1Gi", storage: "1Gi", gpus: 0, gpuType: null, nodesPerWorker: 1, optimizeCosts: false },
    scaling: { minWorkers: 0, maxWorkers: 3, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null },
    publicInference: false,
    highPriority: false,
    prewarm: true,
    billingTags: null,
    taskExpiresSeconds: null,
    queueMessageTimeoutSeconds: null,
    ...overrides,
  };
}

export function makeRequest(args: unknown, overrides: Partial<PredictRequest> = {}): PredictRequest {
  return {
    url: null,
    args,
    hasArgs: args !== undefined,
    cloudpickle: null,
    callbackUrl: null,
    callbackAuth: null,
    returnPickled: false,
    destinationPath: null,
    timeoutSeconds: null,
    numRetries: null,
    ...overrides,
  };
}

/** Records every status the scheduler writes, in order. */
function recordingEndpoints(inner: EndpointRepository, statuses: string[]): EndpointRepository {
  return {
    ...inner,
    update(endpoint) {
      statuses.push(endpoint.status);
      inner.update(endpoint);
    },
  };
}

/** The scheduler only asks blobs for local artifact paths. */
const fakeBlobs: Pick<BlobAccess, "localPath"> = {
  localPath: async (_actor, location) => {
    if (location.includes("missing")) throw new Error("no such object");
    return `/blobs/${location.replace("s3://", "")}`;
  },
};

export interface Harness {
  db: Db;
  clock: FakeClock;
  runtime: FakeRuntime;
  scheduler: Scheduler;
  /** The gateway over the slots of the latest scheduler (the one `restart` made, if any). */
  gateway: InferenceGateway;
  repos: {
    endpoints: EndpointRepository;
    bundles: ReturnType<typeof createBundleRepository>;
    tasks: ReturnType<typeof createTaskRepository>;
    logs: ReturnType<typeof createEndpointLogRepository>;
  };
  /** Every status written through the repository, in order. */
  statuses: string[];
  /** The lifecycles the scheduler and gateway write through, and their event bus. */
  lifecycles: TestLifecycles;
  /** Inserts the bundle and endpoint rows. */
  add(endpoint: EndpointRecord, bundle: BundleRecord): void;
  /** Inserts a PENDING async task row and hands it to the scheduler. */
  submit(endpointId: string, args: unknown, id?: string): AsyncTaskRecord;
  /** A second scheduler on the same database (a restart). */
  restart(runtime?: WorkerRuntime): Promise<Scheduler>;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  runtime?: FakeRuntime;
  db?: Db;
  cooldownMs?: number;
  syncTimeoutSeconds?: number;
  maxTaskAttempts?: number;
  /** The lifecycles' logger (silent unless given). */
  logger?: Logger;
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const db = options.db ?? openDatabase(":memory:");
  const clock = new FakeClock();
  const statuses: string[] = [];
  const repos = {
    endpoints: recordingEndpoints(createEndpointRepository(db), statuses),
    bundles: createBundleRepository(db),
    tasks: createTaskRepository(db),
    logs: createEndpointLogRepository(db),
  };
  const lifecycles = testLifecycles({ db, tasks: repos.tasks, endpoints: repos.endpoints, clock, logger: options.logger });
  const runtime = options.runtime ?? createFakeRuntime();
  const schedulers: Scheduler[] = [];
  const callbacks = createCallbackSender({ clock, logger: silentLogger });
  const build = (workerRuntime: WorkerRuntime): Scheduler => {
    const scheduler = createScheduler({
      ...repos,
      taskLifecycle: lifecycles.taskLifecycle,
      endpointLifecycle: lifecycles.endpointLifecycle,
      blobs: fakeBlobs,
      runtime: workerRuntime,
      connect: createWorkerConnector(clock),
      runAsync: createAsyncRunner({ tasks: lifecycles.taskLifecycle, callbacks, logger: silentLogger }),
      clock,
      ids: createIdGenerator(() => clock.now()),
      logger: silentLogger,
      config: {
        scaleDownCooldownMs: options.cooldownMs ?? 10_000,
        autoscaleIntervalMs: 1000,
        maxTaskAttempts: options.maxTaskAttempts,
      },
    });
    schedulers.push(scheduler);
    return scheduler;
  };
  const first = build(runtime);
  const latest = (): Scheduler => schedulers[schedulers.length - 1] ?? first;
  const slots: WorkerSlots = {
    get isDisposed() {
      return latest().isDisposed;
    },
    queueOf: (endpointId) => latest().queueOf(endpointId),
  };
  const gateway = createGateway({ slots, callbacks, clock, syncTimeoutSeconds: options.syncTimeoutSeconds ?? 10 });
  let taskSeq = 0;
  return {
    db,
    clock,
    runtime,
    scheduler: first,
    gateway,
    repos,
    statuses,
    lifecycles,
    add(endpoint, bundle) {
      if (repos.bundles.get(bundle.id) === null) repos.bundles.insert(bundle);
      repos.endpoints.insert(endpoint);
    },
    submit(endpointId, args, id = `task-${++taskSeq}`) {
      const task: AsyncTaskRecord = {
        id,
        endpointId,
        owner: "me",
        status: "PENDING",
        request: makeRequest(args),
        result: null,
        traceback: null,
        statusCode: null,
        createdAt: clock.now() + taskSeq,
        startedAt: null,
        completedAt: null,
        attempts: 0,
      };
      repos.tasks.insert(task);
      schedulers[schedulers.length - 1]?.enqueueAsync(task);
      return task;
    },
    async restart(workerRuntime = createFakeRuntime()) {
      const scheduler = build(workerRuntime);
      await scheduler.start();
      return scheduler;
    },
    async dispose() {
      await Promise.all(schedulers.map((scheduler) => scheduler.dispose()));
      lifecycles.taskLifecycle.dispose();
      lifecycles.endpointLifecycle.dispose();
      db.close();
    },
  };
}

/** Waits until `predicate` holds (real I/O in flight); fails after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = "condition"): Promise<void> {
  await pollFor(predicate, timeoutMs, what);
}
