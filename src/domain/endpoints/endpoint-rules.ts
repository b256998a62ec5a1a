import type { BundleRecord } from "../bundle.js";
import type { EndpointType, GpuType } from "../endpoint.js";
import { badRequest } from "../errors.js";
import { MAX_ASYNC_CONCURRENT_TASKS, MAX_ENDPOINT_SIZE } from "./resource-limits.js";

/**
 * The request rules of `ME/domain/use_cases/model_endpoint_use_cases.py` (server-contract.md §2.2),
 * one function per rule so the service can run them in the real server's order. Messages are the
 * real `detail` strings.
 */

/**
 * A rule whose exception the real route does not translate, so FastAPI answers the generic 500
 * envelope (§0.2, §9 item 9): deliberately not a LaunchError, which would carry a `detail`.
 */
export class UnmappedEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnmappedEndpointError";
  }
}

/** §2.2 rule 1. min > max is deliberately not checked (the real server does not). */
export function validateWorkerCounts(
  minWorkers: number | null,
  maxWorkers: number | null,
  endpointType: EndpointType,
  isScaleFromZeroConfigured: boolean,
): void {
  const floor = endpointType === "async" || isScaleFromZeroConfigured ? 0 : 1;
  if (minWorkers !== null && minWorkers < floor) throw badRequest(`Requested min workers ${minWorkers} too low`);
  if (maxWorkers !== null && maxWorkers > MAX_ENDPOINT_SIZE) throw badRequest(`Requested max workers ${maxWorkers} too high`);
}

/** §2.2 rule 2, §5.1: an async worker runs at most 20 tasks at once. */
export function validateConcurrency(concurrentRequestsPerWorker: number | null, endpointType: EndpointType): void {
  if (endpointType === "async" && concurrentRequestsPerWorker !== null && concurrentRequestsPerWorker > MAX_ASYNC_CONCURRENT_TASKS) {
    throw badRequest(`Requested concurrent requests per worker ${concurrentRequestsPerWorker} too high`);
  }
}

export const defaultConcurrency = (perWorker: number): number => Math.min(perWorker, MAX_ASYNC_CONCURRENT_TASKS);

const REQUIRED_LABELS = ["team", "product"] as const;
const RESTRICTED_LABELS = ["user_id", "endpoint_name"] as const;
const DISALLOWED_TEAMS = new Set(["_INVALID_TEAM"]);
// The Kubernetes label-value grammar, matched in full (`re.fullmatch`).
const LABEL_VALUE_SOURCE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE = new RegExp(`^(?:${LABEL_VALUE_SOURCE})$`);

/** §2.2 rule 3. The "required" list prints as the Python set it is. */
export function validateLabels(labels: Record<string, string>): void {
  for (const label of REQUIRED_LABELS) {
    if (!Object.hasOwn(labels, label)) {
      throw badRequest(`Missing label '${label}' in labels. These are all required: {'team', 'product'}`);
    }
  }
  for (const label of RESTRICTED_LABELS) {
    if (Object.hasOwn(labels, label)) throw badRequest(`Cannot specify '${label}' in labels`);
  }
  if (DISALLOWED_TEAMS.has(labels.team ?? "")) throw badRequest("Invalid team");
  for (const value of Object.values(labels)) {
    if (!LABEL_VALUE.test(value)) throw badRequest(`Invalid label value ${value}, must match regex ${LABEL_VALUE_SOURCE}`);
  }
}

const BILLING_TAG_KEYS = ["idempotencyKeyPrefix", "product", "type", "subType", "payee", "payor", "reference"];

/** §2.2 rule 4: malformed billing tags escape the route as a 500 (create and update alike). */
export function validateBillingTags(billingTags: Record<string, unknown> | null): void {
  if (billingTags === null) return;
  const missing = BILLING_TAG_KEYS.filter((key) => !Object.hasOwn(billingTags, key));
  if (missing.length > 0) throw new UnmappedEndpointError(`Missing billing tag keys {${missing.map((k) => `'${k}'`).join(", ")}}`);
  for (const value of Object.values(billingTags)) {
    const isDict = typeof value === "object" && value !== null && !Array.isArray(value);
    if (typeof value !== "string" && !isDict) {
      throw new UnmappedEndpointError("Billing tags must have string keys and string/dict values");
    }
  }
}

const SUPPORTED_HOOKS = ["billing", "callback", "logging"];

/**
 * §2.2 rule 5. The create route does not map this exception (500 envelope); the update route
 * answers 400 with the message.
 */
export function validatePostInferenceHooks(hooks: string[] | null, onCreate: boolean): void {
  for (const hook of hooks ?? []) {
    if (SUPPORTED_HOOKS.includes(hook)) continue;
    const message = `Unsupported post-inference hook ${hook}. The supported hooks are: ['billing', 'callback', 'logging']`;
    throw onCreate ? new UnmappedEndpointError(message) : badRequest(message);
  }
}

/** §2.2 rule 7: only runnable images with a worker command and env can span several nodes. */
export function validateMultinodeBundle(bundle: BundleRecord, nodesPerWorker: number): void {
  if (nodesPerWorker === 1) return;
  const flavor = bundle.flavor;
  if (
    (flavor.flavor === "runnable_image" || flavor.flavor === "streaming_enhanced_runnable_image") &&
    flavor.worker_command !== null &&
    flavor.worker_env !== null
  ) {
    return;
  }
  throw badRequest(`Bundle ${bundle.name} is not multinode compatible. It must be a RunnableImage and have worker_command and worker_args set.`);
}

/** §2.2 rule 7: only streaming GPU endpoints can span several nodes. */
export function validateMultinodeEndpoint(gpuType: GpuType | null, gpus: number, endpointType: EndpointType, nodesPerWorker: number): void {
  if (nodesPerWorker === 1) return;
  if (endpointType === "streaming" && gpuType !== null && gpus > 0) return;
  throw badRequest("Endpoint is not multinode compatible. Only streaming GPU endpoints can be multinode compatible.");
}

/** §2.2 rule 9: streaming endpoints need a streaming bundle and per_worker 1; the reverse needs a command. */
export function validateStreamingCompatibility(bundle: BundleRecord, endpointType: EndpointType, perWorker: number): void {
  const isStreamingBundle = bundle.flavor.flavor === "streaming_enhanced_runnable_image";
  if (!isStreamingBundle && endpointType === "streaming") {
    throw badRequest("Cannot create a streaming endpoint for a non-streaming model bundle.");
  }
  if (endpointType === "streaming" && perWorker !== 1) {
    throw badRequest("Cannot create a streaming endpoint with per_worker != 1.");
  }
  if (bundle.flavor.flavor === "streaming_enhanced_runnable_image" && endpointType !== "streaming" && bundle.flavor.command.length === 0) {
    throw badRequest("Cannot create a non-streaming endpoint with no bundle command.");
  }
}

export const CONVERTED_FROM_ARTIFACT_LIKE_KEY = "_CONVERTED_FROM_ARTIFACT_LIKE";

/** §2.2 rule 10. */
export function validateMetadata(metadata: Record<string, unknown> | null): void {
  if (metadata !== null && Object.hasOwn(metadata, CONVERTED_FROM_ARTIFACT_LIKE_KEY)) {
    throw badRequest(`${CONVERTED_FROM_ARTIFACT_LIKE_KEY} is a reserved metadata key and cannot be used by user.`);
  }
}
