import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import type { EndpointRepository, EndpointScheduler, WorkerCounts } from "../../../src/domain/ports.js";
import type { AsyncTaskRecord, PredictRequest, PredictResponse } from "../../../src/domain/task.js";

/** Fakes for the task API's ports: an in-memory endpoint table and a scheduler with canned answers. */

export function makeEndpoint(overrides: Partial<EndpointRecord> = {}): EndpointRecord {
  return {
    id: "end_async",
    name: "my-endpoint",
    owner: "me",
    createdBy: "me",
    createdAt: 0,
    lastUpdatedAt: 0,
    endpointType: "async",
    bundleId: "bun_1",
    status: "READY",
    statusReason: null,
    destination: "UNKNOWN",
    hasInfraState: false,
    metadata: {},
    postInferenceHooks: null,
    defaultCallbackUrl: null,
    defaultCallbackAuth: null,
    labels: {},
    resources: { cpus: 1, memory: "1Gi", storage: "2Gi", gpus: 0, gpuType: null, nodesPerWorker: 1, optimizeCosts: false },
    scaling: { minWorkers: 0, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null },
    publicInference: false,
    highPriority: false,
    prewarm: false,
    billingTags: null,
    taskExpiresSeconds: null,
    queueMessageTimeoutSeconds: null,
    ...overrides,
  };
}

export class FakeEndpointRepository implements EndpointRepository {
  private readonly rows = new Map<string, EndpointRecord>();

  constructor(endpoints: EndpointRecord[] = []) {
    for (const endpoint of endpoints) this.rows.set(endpoint.id, endpoint);
  }

  insert(endpoint: EndpointRecord): void {
    this.rows.set(endpoint.id, endpoint);
  }
  update(endpoint: EndpointRecord): void {
    this.rows.set(endpoint.id, endpoint);
  }
  delete(id: string): void {
    this.rows.delete(id);
  }
  get(id: string): EndpointRecord | null {
    return this.rows.get(id) ?? null;
  }
  named(name: string): EndpointRecord[] {
    return [...this.rows.values()].filter((e) => e.name === name);
  }
  findByName(owner: string, name: string): EndpointRecord | null {
    return [...this.rows.values()].find((e) => e.owner === owner && e.name === name) ?? null;
  }
  list(owner: string, name: string | null): EndpointRecord[] {
    return [...this.rows.values()].filter((e) => e.owner === owner && (name === null || e.name === name));
  }
  all(): EndpointRecord[] {
    return [...this.rows.values()];
  }
}

export interface PredictCall {
  endpointId: string;
  request: PredictRequest;
  raw: Record<string, unknown>;
}

/** Records what the task API hands over; answers with `syncResponse` and `streamEvents()`. */
export class FakeScheduler implements EndpointScheduler {
  readonly enqueued: AsyncTaskRecord[] = [];
  readonly syncCalls: PredictCall[] = [];
  readonly streamCalls: PredictCall[] = [];
  /** Called when a task is enqueued, to observe what is committed at that moment. */
  onEnqueue: (task: AsyncTaskRecord) => void = () => undefined;
  syncResponse: PredictResponse = { status: "SUCCESS", result: { result: "1" }, traceback: null, status_code: 200 };
  streamEvents: () => AsyncIterable<PredictResponse> = async function* () {
    yield { status: "SUCCESS", result: { result: { y: 1 } }, traceback: null, status_code: 200 };
  };

  deploy(): void {}
  async undeploy(): Promise<void> {}
  async restart(): Promise<void> {}
  workerCounts(): WorkerCounts | null {
    return null;
  }
  queueDepth(): number {
    return 0;
  }
  enqueueAsync(task: AsyncTaskRecord): void {
    this.onEnqueue(task);
    this.enqueued.push(task);
  }
  async predictSync(endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>): Promise<PredictResponse> {
    this.syncCalls.push({ endpointId: endpoint.id, request, raw });
    return this.syncResponse;
  }
  predictStream(endpoint: EndpointRecord, request: PredictRequest, raw: Record<string, unknown>): AsyncIterable<PredictResponse> {
    this.streamCalls.push({ endpointId: endpoint.id, request, raw });
    return this.streamEvents();
  }
}

export function predictRequest(overrides: Partial<PredictRequest> = {}): PredictRequest {
  return {
    url: null,
    args: { x: 1 },
    hasArgs: true,
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
