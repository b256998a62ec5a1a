/**
 * Request models of the bundle routes (server-contract.md §2.1, OpenAPI CreateModelBundleV1Request,
 * CreateModelBundleV2Request, CloneModelBundleV*Request). Defaults of the flavor table are filled in
 * here, so the service receives complete flavors.
 */
import type { BundleFlavor, Framework } from "../../domain/bundle.js";
import { RUNNABLE_DEFAULTS, STREAMING_DEFAULTS, TRITON_DEFAULTS } from "../../domain/bundles/bundle-flavors.js";
import { type EnvironmentParams, FRAMEWORK_TYPES, PACKAGING_TYPES } from "../../domain/bundles/bundle-inputs.js";
import { issue } from "../validation/issues.js";
import { INVALID, type Invalid, type Schema, any, dict, discriminated, enumOf, int, list, literal, num, object, optional, str } from "../validation/schema.js";

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Python truthiness of a JSON value (`assert field_values[...]`). */
const isTruthy = (value: unknown): boolean =>
  !(
    value === null ||
    value === false ||
    value === 0 ||
    value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0)
  );

const envParamsFields = object({
  framework_type: enumOf(FRAMEWORK_TYPES),
  pytorch_image_tag: optional(str()),
  tensorflow_version: optional(str()),
  ecr_repo: optional(str()),
  image_tag: optional(str()),
});

/** The real validator's messages, verbatim (including "frameworktype"). */
const ENV_RULES: Record<EnvironmentParams["framework_type"], { keys: string[]; message: string }> = {
  pytorch: {
    keys: ["pytorch_image_tag"],
    message: "Expected `pytorch_image_tag` to be non-null because the Pytorch framework type was selected.",
  },
  tensorflow: {
    keys: ["tensorflow_version"],
    message: "Expected `tensorflow_version` to be non-null because the Tensorflow frameworktype was selected.",
  },
  custom_base_image: {
    keys: ["ecr_repo", "image_tag"],
    message: "Expected `ecr_repo` and `image_tag` to be non-null because the custom framework type was selected.",
  },
};

const isFrameworkType = (value: unknown): value is EnvironmentParams["framework_type"] =>
  typeof value === "string" && (FRAMEWORK_TYPES as readonly string[]).includes(value);

/**
 * ModelBundleEnvironmentParams. Its `mode="before"` validator asserts on the raw dict, so a value
 * that is present but falsy is a 422 `assertion_error` on the whole object, before field validation.
 * A key missing entirely raises KeyError there (a 500 on the real server); here it is a 422
 * `missing` on that key. The custom rule reads `image_tag` only when `ecr_repo` is truthy (`and`).
 */
export function environmentParams(): Schema<EnvironmentParams> {
  return {
    kind: "object",
    parse(input, loc, issues) {
      if (!isPlainObject(input)) return envParamsFields.parse(input, loc, issues);
      const missing = (key: string): boolean => {
        if (Object.prototype.hasOwnProperty.call(input, key)) return false;
        issues.push(issue("missing", [...loc, key], "Field required", input));
        return true;
      };
      const assertionFailed = (message: string): Invalid => {
        issues.push(issue("assertion_error", loc, `Assertion failed, ${message}`, input, { error: {} }));
        return INVALID;
      };
      if (missing("framework_type")) return INVALID;
      const frameworkType = input["framework_type"];
      if (!isFrameworkType(frameworkType)) return assertionFailed("");
      const rule = ENV_RULES[frameworkType];
      for (const key of rule.keys) {
        if (missing(key)) return INVALID;
        if (!isTruthy(input[key])) return assertionFailed(rule.message);
      }
      return envParamsFields.parse(input, loc, issues);
    },
  };
}

export const createBundleV1Schema = object({
  name: str(),
  location: str(),
  requirements: list(str()),
  env_params: environmentParams(),
  packaging_type: enumOf(PACKAGING_TYPES),
  metadata: optional(dict(any())),
  app_config: optional(dict(any())),
  schema_location: optional(str()),
});

const framework = discriminated<Framework>("framework_type", {
  pytorch: object({ framework_type: literal("pytorch"), pytorch_image_tag: str() }),
  tensorflow: object({ framework_type: literal("tensorflow"), tensorflow_version: str() }),
  custom_base_image: object({ framework_type: literal("custom_base_image"), image_repository: str(), image_tag: str() }),
});

const artifactFields = {
  requirements: list(str()),
  framework,
  app_config: optional(dict(any())),
  location: str(),
};

/** RunnableImageLike, split around `command` (required except for the streaming flavor). */
const runnableHead = { repository: str(), tag: str() };
const runnableTail = {
  predict_route: optional(str(), RUNNABLE_DEFAULTS.predict_route),
  healthcheck_route: optional(str(), RUNNABLE_DEFAULTS.healthcheck_route),
  env: optional(dict(str())),
  protocol: literal("http"),
  readiness_initial_delay_seconds: optional(int(), RUNNABLE_DEFAULTS.readiness_initial_delay_seconds),
  extra_routes: optional(list(str()), RUNNABLE_DEFAULTS.extra_routes),
  routes: optional(list(str()), RUNNABLE_DEFAULTS.routes),
  forwarder_type: optional(str(), "default"),
  worker_command: optional(list(str())),
  worker_env: optional(dict(str())),
};

export const flavorSchema = discriminated<BundleFlavor>("flavor", {
  cloudpickle_artifact: object({
    ...artifactFields,
    flavor: literal("cloudpickle_artifact"),
    load_predict_fn: str(),
    load_model_fn: str(),
  }),
  zip_artifact: object({
    ...artifactFields,
    flavor: literal("zip_artifact"),
    load_predict_fn_module_path: str(),
    load_model_fn_module_path: str(),
  }),
  runnable_image: object({ ...runnableHead, command: list(str()), ...runnableTail, flavor: literal("runnable_image") }),
  streaming_enhanced_runnable_image: object({
    ...runnableHead,
    command: optional(list(str()), STREAMING_DEFAULTS.command),
    ...runnableTail,
    flavor: literal("streaming_enhanced_runnable_image"),
    streaming_command: list(str()),
    streaming_predict_route: optional(str(), STREAMING_DEFAULTS.streaming_predict_route),
  }),
  triton_enhanced_runnable_image: object({
    ...runnableHead,
    command: list(str()),
    ...runnableTail,
    flavor: literal("triton_enhanced_runnable_image"),
    triton_model_repository: str(),
    triton_model_replicas: optional(dict(str())),
    triton_num_cpu: num(),
    triton_commit_tag: str(),
    triton_storage: optional(str()),
    triton_memory: optional(str()),
    triton_readiness_initial_delay_seconds: optional(int(), TRITON_DEFAULTS.triton_readiness_initial_delay_seconds),
  }),
});

export const createBundleV2Schema = object({
  name: str(),
  metadata: optional(dict(any())),
  schema_location: str(),
  flavor: flavorSchema,
});

export const cloneBundleSchema = object({
  original_model_bundle_id: str(),
  new_app_config: optional(dict(any())),
});

export const BUNDLE_ORDER_BY = ["newest", "oldest"] as const;
