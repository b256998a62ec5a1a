/**
 * Flavor rules of server-contract.md §2.1: the defaults every flavor shows on the wire, the flavor a
 * v1 create implies, and the legacy (v1) fields a v2 bundle implies.
 */
import type { BundleFlavor, BundleRecord, Framework, LegacyBundleFields, RunnableFields, RunnableFlavor } from "../bundle.js";
import { isArtifactFlavor } from "../bundle.js";
import type { CreateBundleV1Input, EnvironmentParams } from "./bundle-inputs.js";

type RunnableDefaults = Omit<RunnableFields, "repository" | "tag" | "command" | "protocol">;

/** RunnableImageLike defaults (shared by the three runnable flavors). */
export const RUNNABLE_DEFAULTS: Readonly<RunnableDefaults> = {
  predict_route: "/predict",
  healthcheck_route: "/readyz",
  env: null,
  readiness_initial_delay_seconds: 120,
  extra_routes: [],
  routes: [],
  forwarder_type: "default",
  worker_command: null,
  worker_env: null,
};

/** StreamingEnhancedRunnableImageFlavor: `command` is optional there, and reads back as [] (client-contract §6.1 trap). */
export const STREAMING_DEFAULTS = { command: [] as string[], streaming_predict_route: "/stream" } as const;

export const TRITON_DEFAULTS = {
  triton_model_replicas: null,
  triton_storage: null,
  triton_memory: null,
  triton_readiness_initial_delay_seconds: 300,
} as const;

/** A v1 `lira` create stores this stub: nothing in it is used (§2.1). */
export function liraStubFlavor(): RunnableFlavor {
  return {
    ...RUNNABLE_DEFAULTS,
    extra_routes: [],
    routes: [],
    flavor: "runnable_image",
    repository: "",
    tag: "",
    command: [],
    env: null,
    protocol: "http",
    readiness_initial_delay_seconds: 30,
  };
}

/** v1 env_params → v2 framework; `str(...)` in the real use case, so values are strings. */
export function frameworkFromEnvParams(env: EnvironmentParams): Framework {
  switch (env.framework_type) {
    case "pytorch":
      return { framework_type: "pytorch", pytorch_image_tag: String(env.pytorch_image_tag) };
    case "tensorflow":
      return { framework_type: "tensorflow", tensorflow_version: String(env.tensorflow_version) };
    case "custom_base_image":
      return { framework_type: "custom_base_image", image_repository: String(env.ecr_repo), image_tag: String(env.image_tag) };
  }
}

/** v2 framework → legacy env_params, `image_repository` renamed to `ecr_repo` (CreateModelBundleV2UseCase). */
export function envParamsFromFramework(framework: Framework): EnvironmentParams {
  const base: EnvironmentParams = {
    framework_type: framework.framework_type,
    pytorch_image_tag: null,
    tensorflow_version: null,
    ecr_repo: null,
    image_tag: null,
  };
  switch (framework.framework_type) {
    case "pytorch":
      return { ...base, pytorch_image_tag: framework.pytorch_image_tag };
    case "tensorflow":
      return { ...base, tensorflow_version: framework.tensorflow_version };
    case "custom_base_image":
      return { ...base, ecr_repo: framework.image_repository, image_tag: framework.image_tag };
  }
}

const metadataString = (metadata: Record<string, unknown>, key: string): string => {
  const value = metadata[key];
  return typeof value === "string" ? value : "";
};

/** The flavor a v1 create implies: load functions come from `metadata` (default ""), §2.1. */
export function flavorFromV1(input: CreateBundleV1Input): BundleFlavor {
  const metadata = input.metadata ?? {};
  if (input.packaging_type === "lira") return liraStubFlavor();
  const common = {
    requirements: [...input.requirements],
    framework: frameworkFromEnvParams(input.env_params),
    app_config: input.app_config,
    location: input.location,
  };
  if (input.packaging_type === "cloudpickle") {
    return {
      ...common,
      flavor: "cloudpickle_artifact",
      load_predict_fn: metadataString(metadata, "load_predict_fn"),
      load_model_fn: metadataString(metadata, "load_model_fn"),
    };
  }
  return {
    ...common,
    flavor: "zip_artifact",
    load_predict_fn_module_path: metadataString(metadata, "load_predict_fn_module_path"),
    load_model_fn_module_path: metadataString(metadata, "load_model_fn_module_path"),
  };
}

/**
 * The legacy fields of a bundle: recorded ones (v1 creates, clones) or those a v2 create would have
 * written: artifact flavors echo their own fields; runnable flavors show location "unused",
 * requirements [], packaging "lira" and a custom_base_image env pointing at the image (§2.1).
 */
export function legacyFieldsOf(record: BundleRecord): LegacyBundleFields {
  if (record.legacy) return record.legacy;
  const flavor = record.flavor;
  if (isArtifactFlavor(flavor)) {
    return {
      location: flavor.location,
      requirements: flavor.requirements,
      env_params: { ...envParamsFromFramework(flavor.framework) },
      packaging_type: flavor.flavor === "cloudpickle_artifact" ? "cloudpickle" : "zip",
      app_config: flavor.app_config,
    };
  }
  return {
    location: "unused",
    requirements: [],
    env_params: { framework_type: "custom_base_image", pytorch_image_tag: null, tensorflow_version: null, ecr_repo: flavor.repository, image_tag: flavor.tag },
    packaging_type: "lira",
    app_config: null,
  };
}
