import type { Clock } from "../clock.js";
import type { EndpointRecord } from "../endpoint.js";
import { LaunchError, badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { BundleRepository, EndpointLogRepository, EndpointRepository, EndpointScheduler, OrderBy } from "../ports.js";
import type { EndpointLifecycle } from "./endpoint-lifecycle.js";
import type { CreateEndpointRequest, UpdateEndpointRequest } from "./endpoint-requests.js";
import {
  defaultConcurrency,
  validateBillingTags,
  validateConcurrency,
  validateLabels,
  validateMetadata,
  validateMultinodeBundle,
  validateMultinodeEndpoint,
  validatePostInferenceHooks,
  validateStreamingCompatibility,
  validateWorkerCounts,
} from "./endpoint-rules.js";
import { endpointView, type GetModelEndpointV1Response } from "./endpoint-view.js";
import { newEndpointRecord, updatedEndpointRecord } from "./endpoint-records.js";
import { validateResourceRequests } from "./resource-limits.js";

export interface EndpointServiceDeps {
  endpoints: EndpointRepository;
  /** Every status change of an endpoint, announced once committed (endpoint-lifecycle.ts). */
  lifecycle: EndpointLifecycle;
  bundles: BundleRepository;
  scheduler: EndpointScheduler;
  logs: EndpointLogRepository;
  ids: IdGenerator;
  clock: Clock;
  /**
   * Whether sync/streaming endpoints may have min_workers 0. The real server allows it only when
   * scale-from-zero is configured (a Prometheus address, §2.2 rule 1, §5.2); launch-local's
   * scheduler always can, so the instance sets this true.
   */
  allowSyncScaleFromZero: boolean;
  /** Reported as `results_s3_bucket` once deployed; the blob bucket. Default "launch-local". */
  resultsBucket?: string;
}

/** What the endpoints-schema document needs per endpoint. */
export interface DocumentedEndpoint {
  id: string;
  name: string;
  endpointType: EndpointRecord["endpointType"];
  schemaLocation: string | null;
}

const BUNDLE_NOT_FOUND = "The specified model bundle could not be found.";
const UPDATE_NOT_FOUND = "The specified model endpoint or model bundle was not found.";
// The GET and DELETE messages have two spaces before "was" (the real f-string); restart has one.
const endpointNotFound = (id: string) => notFound(`Model Endpoint ${id}  was not found.`);
const restartNotFound = (id: string) => notFound(`Model Endpoint ${id} was not found.`);
const infraStateNotFound = () => new LaunchError("INTERNAL_DETAIL", "Endpoint infra state not found, try again later.");

/**
 * Model endpoint CRUD (server-contract.md §2.2, §3.1). The scheduler changes status, destination and
 * infra state of the same rows concurrently, so every write here starts from a fresh read and no
 * record is held across an await.
 */
export class EndpointService {
  private readonly deps: EndpointServiceDeps;

  constructor(deps: EndpointServiceDeps) {
    this.deps = deps;
  }

  /** POST /v1/model-endpoints: the checks run in the real server's order (§2.2 rules 1-12). */
  create(user: User, request: CreateEndpointRequest): { endpoint_creation_task_id: string } {
    const { endpoints, bundles, scheduler, ids, clock } = this.deps;
    validateWorkerCounts(request.min_workers, request.max_workers, request.endpoint_type, this.deps.allowSyncScaleFromZero);
    const concurrency = request.concurrent_requests_per_worker ?? defaultConcurrency(request.per_worker);
    validateConcurrency(concurrency, request.endpoint_type);
    validateLabels(request.labels);
    validateBillingTags(request.billing_tags);
    validatePostInferenceHooks(request.post_inference_hooks, true);
    const bundle = bundles.get(request.model_bundle_id);
    if (!bundle) throw notFound(BUNDLE_NOT_FOUND);
    validateMultinodeBundle(bundle, request.nodes_per_worker);
    validateMultinodeEndpoint(request.gpu_type, request.gpus, request.endpoint_type, request.nodes_per_worker);
    // Another team's bundle reads as a missing one (§0.4), but only after the multinode checks.
    if (bundle.owner !== user.teamId) throw notFound(BUNDLE_NOT_FOUND);
    validateStreamingCompatibility(bundle, request.endpoint_type, request.per_worker);
    validateMetadata(request.metadata);
    validateResourceRequests(bundle.flavor, {
      cpus: request.cpus,
      memory: request.memory,
      storage: request.storage,
      gpus: request.gpus,
      gpuType: request.gpu_type,
    });
    if (endpoints.findByName(user.teamId, request.name)) throw badRequest("The specified model endpoint already exists.");

    const record = newEndpointRecord({
      id: ids.xid("end_"),
      owner: user.teamId,
      createdBy: user.userId,
      now: clock.now(),
      bundleId: bundle.id,
      request,
      concurrency,
    });
    this.deps.lifecycle.create(record);
    scheduler.deploy(record.id);
    return { endpoint_creation_task_id: ids.uuid() };
  }

  /** GET /v1/model-endpoints. `alphabetical` is accepted but not applied (§2.2): DB order. */
  list(user: User, name: string | null, orderBy: OrderBy | "alphabetical" | null): { model_endpoints: GetModelEndpointV1Response[] } {
    const order = orderBy === "alphabetical" ? null : orderBy;
    return { model_endpoints: this.deps.endpoints.list(user.teamId, name, order).map((record) => this.view(record)) };
  }

  /** GET /v1/model-endpoints/{id}. */
  get(user: User, id: string): GetModelEndpointV1Response {
    const record = this.owned(user, id);
    if (!record) throw endpointNotFound(id);
    return this.view(record);
  }

  /** The caller's endpoint with this name (legacy creation-logs route, §2.2 / client-contract §6.3). */
  findOwnedByName(user: User, name: string): EndpointRecord | null {
    return this.deps.endpoints.findByName(user.teamId, name);
  }

  /** The caller's endpoints with their bundles' schema locations (GET /v1/model-endpoints-schema.json). */
  documentedEndpoints(user: User): DocumentedEndpoint[] {
    return this.deps.endpoints.list(user.teamId, null, null).map((record) => ({
      id: record.id,
      name: record.name,
      endpointType: record.endpointType,
      schemaLocation: this.deps.bundles.get(record.bundleId)?.schemaLocation ?? null,
    }));
  }

  /**
   * PUT /v1/model-endpoints/{id} (§2.2): partial; labels merged, metadata replaced; the new bundle
   * and every other field are written at once, then a rebuild is queued. Updating while a build is
   * pending is allowed (the real 409 is disabled).
   */
  update(user: User, id: string, request: UpdateEndpointRequest): { endpoint_creation_task_id: string } {
    const { bundles, scheduler, ids, clock } = this.deps;
    if (request.labels !== null) validateLabels(request.labels);
    validateBillingTags(request.billing_tags);
    validatePostInferenceHooks(request.post_inference_hooks, false);
    const current = this.owned(user, id);
    if (!current) throw notFound(UPDATE_NOT_FOUND);
    let bundle = bundles.get(current.bundleId);
    if (request.model_bundle_id !== null) {
      const requested = bundles.get(request.model_bundle_id);
      if (!requested || requested.owner !== user.teamId) throw notFound(UPDATE_NOT_FOUND);
      bundle = requested;
    }
    if (!current.hasInfraState) throw infraStateNotFound();
    // Unspecified resources are validated with the current values, so the merged set is consistent.
    const resources = current.resources;
    validateResourceRequests(bundle?.flavor ?? null, {
      cpus: request.cpus ?? resources.cpus,
      memory: request.memory ?? resources.memory,
      storage: request.storage ?? resources.storage,
      gpus: request.gpus ?? resources.gpus,
      gpuType: request.gpu_type ?? resources.gpuType,
    });
    validateWorkerCounts(request.min_workers, request.max_workers, current.endpointType, this.deps.allowSyncScaleFromZero);
    validateConcurrency(request.concurrent_requests_per_worker, current.endpointType);
    validateMetadata(request.metadata);

    const next = updatedEndpointRecord(current, request, bundle?.id ?? current.bundleId, clock.now());
    this.deps.lifecycle.edit(next);
    scheduler.deploy(id);
    return { endpoint_creation_task_id: ids.uuid() };
  }

  /**
   * DELETE /v1/model-endpoints/{id}: synchronous, works in any status (§2.2). Pending async tasks of
   * the endpoint are left as they are (the real server loses them too).
   */
  async delete(user: User, id: string): Promise<{ deleted: true }> {
    const { lifecycle, scheduler, logs } = this.deps;
    const record = this.owned(user, id);
    if (!record) throw endpointNotFound(id);
    lifecycle.beginDelete(record);
    try {
      await scheduler.undeploy(id);
    } catch {
      // The scheduler logs why; the caller gets the real server's answer (§2.2 DELETE).
      lifecycle.deleteFailed(id, "Failed to delete the endpoint's infrastructure.");
      throw new LaunchError("INTERNAL_DETAIL", "deletion of endpoint failed, compute resources still exist.");
    }
    lifecycle.remove(id);
    logs.clear(id);
    return { deleted: true };
  }

  /** POST /v1/model-endpoints/{id}/restart: a rolling restart of the workers (§2.2). */
  async restart(user: User, id: string): Promise<{ restarted: true }> {
    const record = this.owned(user, id);
    if (!record) throw restartNotFound(id);
    if (record.hasInfraState && record.resources.nodesPerWorker > 1) {
      throw badRequest(`Restarting model endpoint ${id} is not supported`);
    }
    // The real restart needs the deployment; before the first build there is none (500 with detail).
    if (!record.hasInfraState) throw infraStateNotFound();
    await this.deps.scheduler.restart(id);
    return { restarted: true };
  }

  /** The wire view of a record, with the live worker counts and queue depth. */
  view(record: EndpointRecord): GetModelEndpointV1Response {
    const { bundles, scheduler } = this.deps;
    return endpointView(record, {
      bundleName: bundles.get(record.bundleId)?.name ?? "",
      workers: scheduler.workerCounts(record.id),
      queueDepth: record.endpointType === "async" ? scheduler.queueDepth(record.id) : 0,
      awsRole: "launch-local",
      resultsBucket: this.deps.resultsBucket ?? "launch-local",
    });
  }

  private owned(user: User, id: string): EndpointRecord | null {
    const record = this.deps.endpoints.get(id);
    return record && record.owner === user.teamId ? record : null;
  }
}
