/**
 * The emulator-only control API (DESIGN.md principle 5, README "Control API"). Per-endpoint operations
 * follow the API's ownership rule (§0.4: another team's endpoint reads as a missing one); info, reset
 * and the blob routes act on the whole instance.
 */
import type { BlobAccess, BlobActor } from "../blobs/blob-access.js";
import { LaunchError, badRequest, notFound } from "../errors.js";
import type { EndpointRecord } from "../endpoint.js";
import type { User } from "../identity.js";
import type { EndpointLogRepository, EndpointRepository } from "../ports.js";
import type { ControlScheduler, ControlWorkerInfo, InstanceInfo, ResetOptions } from "./control-ports.js";
import type { FaultRegistry, FaultRule, FaultSpec } from "./fault-rules.js";

export interface ControlServiceDeps {
  endpoints: EndpointRepository;
  logs: EndpointLogRepository;
  scheduler: ControlScheduler;
  faults: FaultRegistry;
  blobs: Pick<BlobAccess, "write" | "writeFor" | "read">;
  info(): InstanceInfo;
  reset(options: ResetOptions): Promise<void>;
  /** Admin keys are set (--admin-keys): info and reset need one. */
  hasAdminKeys: boolean;
}

export type LogStream = "build" | "worker";

/** The wire view of one worker. */
export interface WorkerView {
  id: string;
  state: ControlWorkerInfo["state"];
  inflight: number;
  base_url: string;
  pid: number | null;
  /** The endpoint's owner may call its worker directly with it (the owner's code runs there anyway). */
  token: string | null;
}

export interface FaultView {
  id: string;
  endpoint_id: string;
  kind: FaultRule["kind"];
  count: number | null;
  remaining: number | null;
  applied: number;
  probability: number;
  status_code: number | null;
  body: string | null;
  latency_ms: number | null;
}

const ENDPOINT_NOT_FOUND = "The specified endpoint could not be found.";
const ADMIN_ONLY = "This route acts on the whole instance and needs an admin key (--admin-keys).";
/** The newest lines scanned for one worker's output (the store keeps 5,000 per stream). */
const WORKER_LOG_SCAN = 5000;

const workerView = (worker: ControlWorkerInfo): WorkerView => ({
  id: worker.id,
  state: worker.state,
  inflight: worker.inflight,
  base_url: worker.baseUrl,
  pid: worker.pid,
  token: worker.token,
});

const faultView = (rule: FaultRule): FaultView => ({
  id: rule.id,
  endpoint_id: rule.endpointId,
  kind: rule.kind,
  count: rule.count,
  remaining: rule.remaining,
  applied: rule.applied,
  probability: rule.probability,
  status_code: rule.kind === "fail" ? rule.statusCode : null,
  body: rule.kind === "fail" ? rule.body : null,
  latency_ms: rule.kind === "latency" ? rule.latencyMs : null,
});

export class ControlService {
  constructor(private readonly deps: ControlServiceDeps) {}

  /** GET /_launch_local/info: the instance and a summary of every worker it runs. */
  info(caller: BlobActor): InstanceInfo & { endpoints: number; workers: Record<ControlWorkerInfo["state"] | "total", number> } {
    this.instanceWide(caller);
    const workers = { total: 0, starting: 0, ready: 0, stopping: 0 };
    const all = this.deps.endpoints.all();
    for (const endpoint of all) {
      for (const worker of this.deps.scheduler.listWorkers(endpoint.id)) {
        workers.total++;
        workers[worker.state]++;
      }
    }
    return { ...this.deps.info(), endpoints: all.length, workers };
  }

  async reset(caller: BlobActor, options: ResetOptions): Promise<{ reset: true; kept: string[] }> {
    this.instanceWide(caller);
    await this.deps.reset(options);
    return { reset: true, kept: options.keepBundles ? ["bundles"] : [] };
  }

  workers(user: User, endpointId: string): { workers: WorkerView[] } {
    this.owned(user, endpointId);
    return { workers: this.deps.scheduler.listWorkers(endpointId).map(workerView) };
  }

  /** The worker dies at once, as a crash would; the autoscaler replaces it and its work is retried. */
  killWorker(user: User, endpointId: string, workerId: string): { killed: true } {
    this.owned(user, endpointId);
    if (!this.deps.scheduler.killWorker(endpointId, workerId)) {
      throw notFound(`Worker ${workerId} of endpoint ${endpointId} was not found (or has not been created yet).`);
    }
    return { killed: true };
  }

  scaleNow(user: User, endpointId: string): { workers: WorkerView[] } {
    this.owned(user, endpointId);
    this.deps.scheduler.scaleNow(endpointId);
    return { workers: this.deps.scheduler.listWorkers(endpointId).map(workerView) };
  }

  addFault(user: User, endpointId: string, spec: FaultSpec): FaultView {
    this.owned(user, endpointId);
    return faultView(this.deps.faults.add(endpointId, spec));
  }

  listFaults(user: User, endpointId: string): { faults: FaultView[] } {
    this.owned(user, endpointId);
    return { faults: this.deps.faults.list(endpointId).map(faultView) };
  }

  clearFaults(user: User, endpointId: string): { cleared: number } {
    this.owned(user, endpointId);
    return { cleared: this.deps.faults.clear(endpointId) };
  }

  removeFault(user: User, endpointId: string, faultId: string): { deleted: true } {
    this.owned(user, endpointId);
    if (!this.deps.faults.remove(endpointId, faultId)) throw notFound(`Fault ${faultId} of endpoint ${endpointId} was not found.`);
    return { deleted: true };
  }

  /** The newest `limit` lines of the endpoint's build output and/or worker output, oldest first. */
  endpointLogs(user: User, endpointId: string, stream: LogStream | null, limit: number): Partial<Record<LogStream, string[]>> {
    this.owned(user, endpointId);
    const streams: LogStream[] = stream === null ? ["build", "worker"] : [stream];
    return Object.fromEntries(streams.map((name) => [name, this.deps.logs.read(endpointId, name, limit)]));
  }

  /** One worker's output (lines the pool wrote as `[<worker id>] …`), also after the worker is gone. */
  workerLogs(user: User, endpointId: string, workerId: string, limit: number): { lines: string[] } {
    this.owned(user, endpointId);
    const prefix = `[${workerId}] `;
    const lines = this.deps.logs
      .read(endpointId, "worker", WORKER_LOG_SCAN)
      .filter((line) => line.startsWith(prefix))
      .map((line) => line.slice(prefix.length));
    return { lines: lines.slice(Math.max(0, lines.length - limit)) };
  }

  /**
   * Seeds an object that a bundle location or batch input names (s3:// only: no local file paths),
   * owned by the caller; another owner's object is a 404, as a missing one (blob-access.ts).
   */
  async putBlob(actor: BlobActor, location: string, data: Uint8Array, isPublic: boolean): Promise<{ location: string; size: number }> {
    await this.deps.blobs.write(actor, s3Only(location), data, isPublic);
    return { location, size: data.byteLength };
  }

  /**
   * A job launch-local started writes one of its outputs, at a location its grant names
   * (docker-batch/job-grant.ts): the object becomes the job owner's whoever held it before, as with
   * launch-local's own writes, so nobody can squat a location a fine-tune will write.
   */
  async putJobOutput(owner: string, location: string, data: Uint8Array): Promise<{ location: string; size: number }> {
    await this.deps.blobs.writeFor(owner, s3Only(location), data);
    return { location, size: data.byteLength };
  }

  async getBlob(actor: BlobActor, location: string): Promise<Buffer> {
    return this.deps.blobs.read(actor, s3Only(location));
  }

  /** Routes about the whole instance: any caller, unless admin keys are set (then only those). */
  private instanceWide(caller: BlobActor): void {
    if (this.deps.hasAdminKeys && !caller.isAdmin) throw new LaunchError("FORBIDDEN", ADMIN_ONLY);
  }

  private owned(user: User, endpointId: string): EndpointRecord {
    const endpoint = this.deps.endpoints.get(endpointId);
    if (endpoint === null || endpoint.owner !== user.teamId) throw notFound(ENDPOINT_NOT_FOUND);
    return endpoint;
  }
}

/** The store may also read allowed file:// and http(s):// sources; this API never reaches beyond its folder. */
function s3Only(location: string): string {
  if (!location.startsWith("s3://")) throw badRequest(`Invalid location ${JSON.stringify(location)}: expected s3://<bucket>/<key>.`);
  return location;
}
