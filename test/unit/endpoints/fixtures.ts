import type { BundleFlavor, BundleRecord, RunnableFields } from "../../../src/domain/bundle.js";
import { FakeClock } from "../../../src/domain/clock.js";
import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import type { CreateEndpointRequest, UpdateEndpointRequest } from "../../../src/domain/endpoints/endpoint-requests.js";
import { EndpointService } from "../../../src/domain/endpoints/endpoint-service.js";
import type { IdGenerator } from "../../../src/domain/ids.js";
import { userFromName } from "../../../src/domain/identity.js";
import type { BundleRepository, EndpointLogRepository, EndpointRepository, EndpointScheduler, WorkerCounts } from "../../../src/domain/ports.js";
import type { PredictResponse } from "../../../src/domain/task.js";
import { createBundleRepository } from "../../../src/store/bundle-repository.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createEndpointLogRepository } from "../../../src/store/endpoint-log-repository.js";
import { createEndpointRepository } from "../../../src/store/endpoint-repository.js";
import { testLifecycles } from "../../helpers/lifecycles.js";

/** Records what the endpoint service asks of the scheduler; worker counts and queue depth are set by tests. */
export class FakeEndpointScheduler implements EndpointScheduler {
  readonly calls: string[] = [];
  readonly counts = new Map<string, WorkerCounts>();
  readonly depths = new Map<string, number>();
  failUndeploy = false;

  deploy(endpointId: string): void {
    this.calls.push(`deploy ${endpointId}`);
  }
  async undeploy(endpointId: string): Promise<void> {
    this.calls.push(`undeploy ${endpointId}`);
    if (this.failUndeploy) throw new Error("docker is gone");
  }
  async restart(endpointId: string): Promise<void> {
    this.calls.push(`restart ${endpointId}`);
  }
  workerCounts(endpointId: string): WorkerCounts | null {
    return this.counts.get(endpointId) ?? null;
  }
  queueDepth(endpointId: string): number {
    return this.depths.get(endpointId) ?? 0;
  }
  enqueueAsync(): void {
    throw new Error("not used by the endpoint service");
  }
  predictSync(): Promise<PredictResponse> {
    throw new Error("not used by the endpoint service");
  }
  predictStream(): AsyncIterable<PredictResponse> {
    throw new Error("not used by the endpoint service");
  }
}

export function sequentialIds(): IdGenerator {
  let xid = 0;
  let uuid = 0;
  return {
    xid: (prefix) => `${prefix}${String(++xid).padStart(20, "0")}`,
    uuid: () => `00000000-0000-4000-8000-${String(++uuid).padStart(12, "0")}`,
  };
}

export const cloudpickleFlavor: BundleFlavor = {
  flavor: "cloudpickle_artifact",
  requirements: [],
  framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
  app_config: null,
  location: "s3://launch-local/bundle.pkl",
  load_predict_fn: "",
  load_model_fn: "",
};

export const runnableFields: RunnableFields = {
  repository: "repo",
  tag: "tag",
  command: ["python", "serve.py"],
  predict_route: "/predict",
  healthcheck_route: "/readyz",
  env: null,
  protocol: "http",
  readiness_initial_delay_seconds: 120,
  extra_routes: [],
  routes: [],
  forwarder_type: null,
  worker_command: null,
  worker_env: null,
};

export const streamingFlavor = (command: string[] = ["python", "serve.py"]): BundleFlavor => ({
  flavor: "streaming_enhanced_runnable_image",
  ...runnableFields,
  command,
  streaming_command: ["python", "stream.py"],
  streaming_predict_route: "/stream",
});

export function makeBundle(overrides: Partial<BundleRecord> = {}): BundleRecord {
  return {
    id: "bun_1",
    name: "my-bundle",
    owner: "me",
    createdBy: "me",
    createdAt: Date.UTC(2026, 0, 1),
    metadata: {},
    schemaLocation: null,
    modelArtifactIds: [],
    flavor: cloudpickleFlavor,
    legacy: null,
    ...overrides,
  };
}

/** A valid create body; tests override one field to hit one rule. */
export function createRequest(overrides: Partial<CreateEndpointRequest> = {}): CreateEndpointRequest {
  return {
    name: "my-endpoint",
    model_bundle_id: "bun_1",
    endpoint_type: "async",
    metadata: {},
    post_inference_hooks: null,
    cpus: 1,
    gpus: 0,
    memory: "1Gi",
    storage: "2Gi",
    gpu_type: null,
    nodes_per_worker: 1,
    optimize_costs: null,
    min_workers: 0,
    max_workers: 1,
    per_worker: 10,
    concurrent_requests_per_worker: null,
    forwarder_max_concurrency: null,
    labels: { team: "infra", product: "launch" },
    prewarm: null,
    high_priority: null,
    billing_tags: null,
    default_callback_url: null,
    default_callback_auth: null,
    public_inference: false,
    queue_message_timeout_seconds: null,
    task_expires_seconds: null,
    ...overrides,
  };
}

export function updateRequest(overrides: Partial<UpdateEndpointRequest> = {}): UpdateEndpointRequest {
  return {
    model_bundle_id: null,
    metadata: null,
    post_inference_hooks: null,
    cpus: null,
    gpus: null,
    memory: null,
    storage: null,
    gpu_type: null,
    optimize_costs: null,
    min_workers: null,
    max_workers: null,
    per_worker: null,
    concurrent_requests_per_worker: null,
    forwarder_max_concurrency: null,
    labels: null,
    prewarm: null,
    high_priority: null,
    billing_tags: null,
    default_callback_url: null,
    default_callback_auth: null,
    public_inference: null,
    queue_message_timeout_seconds: null,
    task_expires_seconds: null,
    ...overrides,
  };
}

export interface EndpointHarness {
  db: Db;
  service: EndpointService;
  endpoints: EndpointRepository;
  bundles: BundleRepository;
  logs: EndpointLogRepository;
  scheduler: FakeEndpointScheduler;
  clock: FakeClock;
  /** Plays the scheduler's part: the first build finished and the endpoint is READY. */
  markDeployed(id: string): EndpointRecord;
}

export const me = userFromName("me");
export const other = userFromName("other");

/** The service over in-memory SQLite repositories, with bundle `bun_1` (owner "me") and `bun_other`. */
export function endpointHarness(options: { allowSyncScaleFromZero?: boolean } = {}): EndpointHarness {
  const db = openDatabase(":memory:");
  const endpoints = createEndpointRepository(db);
  const bundles = createBundleRepository(db);
  const logs = createEndpointLogRepository(db);
  const scheduler = new FakeEndpointScheduler();
  const clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  bundles.insert(makeBundle());
  bundles.insert(makeBundle({ id: "bun_other", owner: "other", createdBy: "other", name: "their-bundle" }));
  const service = new EndpointService({
    endpoints,
    lifecycle: testLifecycles({ db, endpoints, clock }).endpointLifecycle,
    bundles,
    scheduler,
    logs,
    ids: sequentialIds(),
    clock,
    allowSyncScaleFromZero: options.allowSyncScaleFromZero ?? true,
  });
  return {
    db,
    service,
    endpoints,
    bundles,
    logs,
    scheduler,
    clock,
    markDeployed(id) {
      const record = endpoints.get(id);
      if (!record) throw new Error(`no endpoint ${id}`);
      const deployed: EndpointRecord = { ...record, status: "READY", hasInfraState: true, destination: `launch-endpoint-id-${id}` };
      endpoints.update(deployed);
      return deployed;
    },
  };
}

/** The id of the only endpoint named `name` of user "me". */
export function idOf(harness: EndpointHarness, name = "my-endpoint"): string {
  const record = harness.endpoints.findByName("me", name);
  if (!record) throw new Error(`no endpoint ${name}`);
  return record.id;
}
