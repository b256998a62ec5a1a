/**
 * LLM endpoint create and update (llm-contract.md §1.1, §2.1; `CreateLLMModelEndpointV1UseCase`,
 * `UpdateLLMModelEndpointV1UseCase`): the checks in the real order, then an ordinary bundle named after
 * the endpoint and an ordinary endpoint carrying `metadata._llm`, deployed like any endpoint. Reads,
 * delete and download are in llm-endpoint-reads.ts.
 */
import type { BundleService } from "../bundles/bundle-service.js";
import type { Clock } from "../clock.js";
import type { EndpointRecord } from "../endpoint.js";
import { newEndpointRecord, updatedEndpointRecord } from "../endpoints/endpoint-records.js";
import { validateBillingTags, validateLabels, validatePostInferenceHooks, validateWorkerCounts } from "../endpoints/endpoint-rules.js";
import { validateResourceRequests } from "../endpoints/resource-limits.js";
import { badRequest, notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { EndpointRepository, EndpointScheduler } from "../ports.js";
import type { EndpointLifecycle } from "../endpoints/endpoint-lifecycle.js";
import { type LlmBundleSpec, llmBundleFlavor } from "./llm-bundle.js";
import { LATEST_IMAGE_TAG, type LlmFramework, type Quantization } from "./llm-frameworks.js";
import { LLM_METADATA_KEY, type LlmMetadata, llmMetadataDict, llmMetadataOf } from "./llm-metadata.js";
import type { ModelWeightsLocator } from "./llm-ports.js";
import type { CreateLlmEndpointRequest, LlmHardware, UpdateLlmEndpointRequest } from "./llm-requests.js";
import {
  LOCAL_HARDWARE,
  hasNoHardware,
  validateChatTemplate,
  validateCheckpointFiles,
  validateCheckpointPathUri,
  validateMultinode,
  validateNumShards,
  validateQuantization,
  validateStreamingOnly,
  validateUpdateMetadata,
} from "./llm-rules.js";

/** `LLM_MAX_CONCURRENCY_PER_WORKER`. */
export const LLM_CONCURRENCY_PER_WORKER = 250;

export interface LlmEndpointServiceDeps {
  endpoints: EndpointRepository;
  /** Every status change of an endpoint (endpoints/endpoint-lifecycle.ts). */
  lifecycle: EndpointLifecycle;
  bundles: BundleService;
  scheduler: EndpointScheduler;
  weights: ModelWeightsLocator;
  ids: IdGenerator;
  clock: Clock;
  /** As for ordinary endpoints (endpoint-service.ts): launch-local can always scale from zero. */
  allowSyncScaleFromZero: boolean;
}

const UPDATE_NOT_FOUND = "The specified LLM endpoint could not be found.";

/** The endpoints with `_llm` metadata that `owner` may see by `name`: its own and public ones (`list_llm_model_endpoint_records`). */
export function visibleLlmEndpoints(endpoints: EndpointRepository, owner: string, name: string | null): EndpointRecord[] {
  // By name, only that name's rows are read and parsed: each LLM request looks its endpoint up here.
  return (name === null ? endpoints.all() : endpoints.named(name)).filter(
    (record) => (record.owner === owner || record.publicInference) && llmMetadataOf(record) !== null,
  );
}

export class LlmEndpointService {
  private readonly deps: LlmEndpointServiceDeps;

  constructor(deps: LlmEndpointServiceDeps) {
    this.deps = deps;
  }

  async create(user: User, request: CreateLlmEndpointRequest): Promise<{ endpoint_creation_task_id: string }> {
    const { endpoints, scheduler, ids, clock } = this.deps;
    let hardware: LlmHardware = request;
    let numShards = request.num_shards;
    if (hasNoHardware(request)) {
      // The real server reads the checkpoint's config.json here, so a model that cannot be found fails first.
      await this.locateWeights(request.model_name, request.checkpoint_path);
      hardware = { ...LOCAL_HARDWARE };
      numShards = LOCAL_HARDWARE.gpus;
    }
    const { cpus, gpus, memory, storage, gpu_type: gpuType, nodes_per_worker: nodesPerWorker } = definedHardware(hardware);
    validateWorkerCounts(request.min_workers, request.max_workers, request.endpoint_type, this.deps.allowSyncScaleFromZero);
    if (gpuType === "nvidia-ampere-a100e") throw badRequest("We have migrated A100 usage to H100. Please request for H100 instead!");
    validateLabels(request.labels);
    validateBillingTags(request.billing_tags);
    validatePostInferenceHooks(request.post_inference_hooks, true);
    const framework = request.inference_framework;
    validateNumShards(numShards, framework, gpus);
    validateQuantization(request.quantize, framework);
    validateChatTemplate(request.chat_template_override, framework);
    validateStreamingOnly(framework, request.endpoint_type);
    const imageTag = request.inference_framework_image_tag === "latest" ? LATEST_IMAGE_TAG : request.inference_framework_image_tag;
    validateMultinode(nodesPerWorker, framework);
    await this.locateWeights(request.model_name, request.checkpoint_path);
    const spec: LlmBundleSpec = {
      framework,
      modelName: request.model_name,
      imageTag,
      numShards,
      quantize: request.quantize,
      chatTemplateOverride: request.chat_template_override,
      engineArgs: framework === "vllm" ? request.engine_args : {},
    };
    const flavor = llmBundleFlavor(spec);
    validateResourceRequests(flavor, { cpus, memory, storage, gpus, gpuType });
    // LLM endpoint names are unique across teams (the real partial unique index); the caller's own clash is the 400.
    const clash =
      endpoints.findByName(user.teamId, request.name) ?? endpoints.all().find((record) => record.name === request.name && llmMetadataOf(record) !== null);
    if (clash) throw badRequest("The specified model endpoint already exists.");

    const bundle = this.deps.bundles.createV2(user, { name: request.name, metadata: {}, schema_location: "TBA", flavor });
    const metadata = { ...request.metadata, [LLM_METADATA_KEY]: metadataFor(spec, request.checkpoint_path) };
    const record = newEndpointRecord({
      id: ids.xid("end_"),
      owner: user.teamId,
      createdBy: user.userId,
      now: clock.now(),
      bundleId: bundle.id,
      concurrency: LLM_CONCURRENCY_PER_WORKER,
      request: {
        ...request,
        metadata,
        cpus,
        gpus,
        memory,
        storage,
        gpu_type: gpuType,
        nodes_per_worker: nodesPerWorker,
        forwarder_max_concurrency: null,
        public_inference: request.public_inference ?? true,
      },
    });
    this.deps.lifecycle.create(record);
    scheduler.deploy(record.id);
    return { endpoint_creation_task_id: ids.uuid() };
  }

  async update(user: User, name: string, request: UpdateLlmEndpointRequest): Promise<{ endpoint_creation_task_id: string }> {
    const { endpoints, scheduler, ids, clock } = this.deps;
    if (request.labels !== null) validateLabels(request.labels);
    validateBillingTags(request.billing_tags);
    validatePostInferenceHooks(request.post_inference_hooks, false);
    const current = endpoints.all().find((record) => record.name === name && llmMetadataOf(record) !== null) ?? null;
    if (current === null || current.owner !== user.teamId) throw notFound(UPDATE_NOT_FOUND);
    // The LLM update route does not translate this exception: the generic 500 envelope (§1.1).
    if (!current.hasInfraState) throw new Error(`Endpoint infra state not found for model_endpoint_name='${name}'`);
    const llm = llmMetadataOf(current);
    if (llm === null) throw notFound(UPDATE_NOT_FOUND);

    let bundleId = current.bundleId;
    let metadata = current.metadata;
    let flavorForLimits = this.deps.bundles.getOwned(user, current.bundleId).flavor;
    const set = request.fields_set;
    const recreate =
      request.force_bundle_recreation ||
      Boolean(request.model_name) ||
      Boolean(request.source) ||
      Boolean(request.inference_framework_image_tag) ||
      Boolean(request.num_shards) ||
      set.has("quantize") ||
      set.has("checkpoint_path") ||
      set.has("chat_template_override");
    if (recreate) {
      const framework: LlmFramework = llm.inference_framework;
      const imageTag =
        request.inference_framework_image_tag === "latest" ? LATEST_IMAGE_TAG : request.inference_framework_image_tag || llm.inference_framework_image_tag;
      const modelName = request.model_name || llm.model_name;
      const numShards = request.num_shards || llm.num_shards;
      const quantize: Quantization | null = set.has("quantize") ? request.quantize : llm.quantize;
      const checkpointPath = set.has("checkpoint_path") ? request.checkpoint_path : llm.checkpoint_path;
      validateNumShards(numShards, framework, request.gpus || current.resources.gpus);
      validateQuantization(quantize, framework);
      validateChatTemplate(request.chat_template_override, framework);
      const chatTemplate = set.has("chat_template_override") ? request.chat_template_override : llm.chat_template_override;
      const engineArgs = framework === "vllm" ? { ...(llm.vllm_additional_args ?? {}), ...request.engine_args } : {};
      await this.locateWeights(modelName, checkpointPath);
      const spec: LlmBundleSpec = { framework, modelName, imageTag, numShards, quantize, chatTemplateOverride: chatTemplate, engineArgs };
      const flavor = llmBundleFlavor(spec);
      bundleId = this.deps.bundles.createV2(user, { name, metadata: {}, schema_location: "TBA", flavor }).id;
      flavorForLimits = flavor;
      metadata = { ...current.metadata, [LLM_METADATA_KEY]: metadataFor(spec, checkpointPath) };
    }
    const resources = current.resources;
    validateResourceRequests(flavorForLimits, {
      cpus: request.cpus || resources.cpus,
      memory: request.memory || resources.memory,
      storage: request.storage || resources.storage,
      gpus: request.gpus || resources.gpus,
      gpuType: request.gpu_type ?? resources.gpuType,
    });
    validateWorkerCounts(request.min_workers, request.max_workers, current.endpointType, this.deps.allowSyncScaleFromZero);
    validateUpdateMetadata(request.metadata);
    const merged = request.metadata === null ? metadata : { ...metadata, ...request.metadata };
    const next = updatedEndpointRecord(
      current,
      { ...request, metadata: merged, model_bundle_id: null, concurrent_requests_per_worker: null, forwarder_max_concurrency: null },
      bundleId,
      clock.now(),
    );
    this.deps.lifecycle.edit(next);
    scheduler.deploy(current.id);
    return { endpoint_creation_task_id: ids.uuid() };
  }

  /**
   * The weights, checked as `get_checkpoint_path` and `validate_checkpoint_files` check them: the
   * URI's form first when a checkpoint_path is given, then that a `*model*.safetensors` file exists.
   */
  private async locateWeights(modelName: string, checkpointPath: string | null): Promise<void> {
    if (checkpointPath !== null) validateCheckpointPathUri(checkpointPath);
    const weights = await this.deps.weights.locate(modelName, checkpointPath);
    validateCheckpointFiles(weights.files);
  }
}

function metadataFor(spec: LlmBundleSpec, checkpointPath: string | null): LlmMetadata {
  return llmMetadataDict(
    {
      model_name: spec.modelName,
      source: "hugging_face",
      inference_framework: spec.framework,
      inference_framework_image_tag: spec.imageTag,
      num_shards: spec.numShards,
      model_cache_enabled: false,
      quantize: spec.quantize,
      checkpoint_path: checkpointPath,
      chat_template_override: spec.chatTemplateOverride,
    },
    spec.framework === "vllm" ? spec.engineArgs : null,
  );
}

/**
 * After `hasNoHardware` either every field is set or the local answer filled them. Python's
 * truthiness check follows (`if not (request.gpus and …)`): `gpus: 0` is a RuntimeError there, the
 * generic 500 envelope here.
 */
function definedHardware(hardware: LlmHardware) {
  const { cpus, gpus, memory, storage, gpu_type, nodes_per_worker } = hardware;
  if (!cpus || !gpus || !memory || !storage || gpu_type === null || !nodes_per_worker) {
    throw new Error("Some hardware info is missing unexpectedly.");
  }
  return { cpus, gpus, memory, storage, gpu_type, nodes_per_worker };
}
