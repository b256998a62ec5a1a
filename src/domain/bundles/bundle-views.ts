/**
 * The two wire views of one bundle record (server-contract.md §2.1, client-contract.md §6.1/§6.2).
 * Pure functions. Keys come out in the real response models' declaration order, every field present
 * (pydantic serialises nulls and defaults, §0.1).
 */
import { isoTimestamp } from "../clock.js";
import type { BundleFlavor, BundleRecord, Framework, RunnableFields } from "../bundle.js";
import type { EnvironmentParams, FrameworkType, PackagingType } from "./bundle-inputs.js";
import { FRAMEWORK_TYPES } from "./bundle-inputs.js";
import { legacyFieldsOf } from "./bundle-flavors.js";

export interface ModelBundleV1Response {
  id: string;
  name: string;
  location: string;
  requirements: string[];
  env_params: EnvironmentParams;
  packaging_type: PackagingType;
  metadata: Record<string, unknown>;
  app_config: Record<string, unknown> | null;
  created_at: string;
  model_artifact_ids: string[];
  schema_location: string | null;
}

export interface ModelBundleV2Response {
  id: string;
  name: string;
  metadata: Record<string, unknown>;
  created_at: string;
  model_artifact_ids: string[];
  schema_location: string | null;
  flavor: BundleFlavor;
}

export function bundleV1View(record: BundleRecord): ModelBundleV1Response {
  const legacy = legacyFieldsOf(record);
  return {
    id: record.id,
    name: record.name,
    location: legacy.location,
    requirements: [...legacy.requirements],
    env_params: envParamsView(legacy.env_params),
    packaging_type: legacy.packaging_type,
    metadata: { ...record.metadata },
    app_config: legacy.app_config,
    created_at: isoTimestamp(record.createdAt),
    model_artifact_ids: [...record.modelArtifactIds],
    schema_location: record.schemaLocation,
  };
}

export function bundleV2View(record: BundleRecord): ModelBundleV2Response {
  return {
    id: record.id,
    name: record.name,
    metadata: { ...record.metadata },
    created_at: isoTimestamp(record.createdAt),
    model_artifact_ids: [...record.modelArtifactIds],
    schema_location: record.schemaLocation,
    flavor: flavorView(record.flavor),
  };
}

const stringOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

const isFrameworkType = (value: unknown): value is FrameworkType => typeof value === "string" && (FRAMEWORK_TYPES as readonly string[]).includes(value);

/**
 * ModelBundleEnvironmentParams with all five keys, in declaration order. Recorded env_params were
 * validated on create, so the framework_type fallback only guards against a hand-edited database.
 */
export function envParamsView(env: Record<string, unknown>): EnvironmentParams {
  const frameworkType = env["framework_type"];
  return {
    framework_type: isFrameworkType(frameworkType) ? frameworkType : "custom_base_image",
    pytorch_image_tag: stringOrNull(env["pytorch_image_tag"]),
    tensorflow_version: stringOrNull(env["tensorflow_version"]),
    ecr_repo: stringOrNull(env["ecr_repo"]),
    image_tag: stringOrNull(env["image_tag"]),
  };
}

export function frameworkView(framework: Framework): Framework {
  switch (framework.framework_type) {
    case "pytorch":
      return { framework_type: "pytorch", pytorch_image_tag: framework.pytorch_image_tag };
    case "tensorflow":
      return { framework_type: "tensorflow", tensorflow_version: framework.tensorflow_version };
    case "custom_base_image":
      return { framework_type: "custom_base_image", image_repository: framework.image_repository, image_tag: framework.image_tag };
  }
}

function runnableFieldsView(flavor: RunnableFields): RunnableFields {
  return {
    repository: flavor.repository,
    tag: flavor.tag,
    command: [...flavor.command],
    predict_route: flavor.predict_route,
    healthcheck_route: flavor.healthcheck_route,
    env: flavor.env,
    protocol: flavor.protocol,
    readiness_initial_delay_seconds: flavor.readiness_initial_delay_seconds,
    extra_routes: [...flavor.extra_routes],
    routes: [...flavor.routes],
    forwarder_type: flavor.forwarder_type,
    worker_command: flavor.worker_command,
    worker_env: flavor.worker_env,
  };
}

/**
 * A flavor with every field, in the order of the entity classes. The client's read model requires
 * `app_config` on cloudpickle flavors and `command`/`protocol` on runnable ones (client-contract §6.1).
 */
export function flavorView(flavor: BundleFlavor): BundleFlavor {
  switch (flavor.flavor) {
    case "cloudpickle_artifact":
      return {
        requirements: [...flavor.requirements],
        framework: frameworkView(flavor.framework),
        app_config: flavor.app_config,
        location: flavor.location,
        flavor: flavor.flavor,
        load_predict_fn: flavor.load_predict_fn,
        load_model_fn: flavor.load_model_fn,
      };
    case "zip_artifact":
      return {
        requirements: [...flavor.requirements],
        framework: frameworkView(flavor.framework),
        app_config: flavor.app_config,
        location: flavor.location,
        flavor: flavor.flavor,
        load_predict_fn_module_path: flavor.load_predict_fn_module_path,
        load_model_fn_module_path: flavor.load_model_fn_module_path,
      };
    case "runnable_image":
      return { ...runnableFieldsView(flavor), flavor: flavor.flavor };
    case "streaming_enhanced_runnable_image":
      return {
        ...runnableFieldsView(flavor),
        flavor: flavor.flavor,
        streaming_command: [...flavor.streaming_command],
        streaming_predict_route: flavor.streaming_predict_route,
      };
    case "triton_enhanced_runnable_image":
      return {
        ...runnableFieldsView(flavor),
        flavor: flavor.flavor,
        triton_model_repository: flavor.triton_model_repository,
        triton_model_replicas: flavor.triton_model_replicas,
        triton_num_cpu: flavor.triton_num_cpu,
        triton_commit_tag: flavor.triton_commit_tag,
        triton_storage: flavor.triton_storage,
        triton_memory: flavor.triton_memory,
        triton_readiness_initial_delay_seconds: flavor.triton_readiness_initial_delay_seconds,
      };
  }
}
