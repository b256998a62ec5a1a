/** Model bundles, v1 and v2 (server-contract.md §2.1; model-engine `common/dtos/model_bundles.py`). */
import { FRAMEWORK_TYPES, PACKAGING_TYPES } from "../../../domain/bundles/bundle-inputs.js";
import { BUNDLE_ORDER_BY } from "../../schemas/model-bundles.js";
import {
  type Fields,
  type JsonSchema,
  dateTime,
  dict,
  enumModel,
  int,
  list,
  literal,
  mayOmit,
  model,
  num,
  opt,
  optDefault,
  ref,
  req,
  str,
  tagged,
  withDefault,
} from "../dsl.js";

const framework = () => tagged("framework_type", { pytorch: "PytorchFramework", tensorflow: "TensorflowFramework", custom_base_image: "CustomFramework" });

const flavor = () =>
  tagged("flavor", {
    cloudpickle_artifact: "CloudpickleArtifactFlavor",
    zip_artifact: "ZipArtifactFlavor",
    runnable_image: "RunnableImageFlavor",
    streaming_enhanced_runnable_image: "StreamingEnhancedRunnableImageFlavor",
    triton_enhanced_runnable_image: "TritonEnhancedRunnableImageFlavor",
  });

const artifactFields = (tag: string, loaders: Fields): Fields => ({
  requirements: req(list(str())),
  framework: req(framework()),
  app_config: opt(dict()),
  location: req(str()),
  flavor: req(literal(tag)),
  ...loaders,
});

/** RunnableImageLike: what every image flavor shares; `command` is optional only for streaming images. */
const imageFields = (tag: string, command: "required" | "defaulted"): Fields => ({
  repository: req(str()),
  tag: req(str()),
  command: command === "required" ? req(list(str())) : withDefault(list(str()), []),
  predict_route: withDefault(str(), "/predict"),
  healthcheck_route: withDefault(str(), "/readyz"),
  env: opt(dict(str())),
  protocol: req(literal("http")),
  readiness_initial_delay_seconds: withDefault(int(), 120),
  extra_routes: mayOmit(list(str())),
  routes: mayOmit(list(str())),
  forwarder_type: optDefault(str(), "default"),
  worker_command: opt(list(str())),
  worker_env: opt(dict(str())),
  flavor: req(literal(tag)),
});

/** What a v1 bundle is made of, in the request and in the answer alike. */
const v1Bundle: Fields = {
  name: req(str()),
  location: req(str()),
  requirements: req(list(str())),
  env_params: req(ref("ModelBundleEnvironmentParams")),
  packaging_type: req(ref("ModelBundlePackagingType")),
};

const clone = (name: string) =>
  model(name, { original_model_bundle_id: req(str()), new_app_config: opt(dict()) }, "A new bundle copied from another one, with app_config replaced.");

const created = (name: string) => model(name, { model_bundle_id: req(str()) }, "The new bundle's id.");

export const bundleModels: Record<string, JsonSchema> = {
  ModelBundleFrameworkType: enumModel("ModelBundleFrameworkType", FRAMEWORK_TYPES, "The framework whose base image a bundle runs on."),
  ModelBundlePackagingType: enumModel("ModelBundlePackagingType", PACKAGING_TYPES, "How a v1 bundle's code is packaged."),
  ModelBundleOrderBy: enumModel("ModelBundleOrderBy", BUNDLE_ORDER_BY, "Orderings of bundle lists."),
  ModelBundleEnvironmentParams: model(
    "ModelBundleEnvironmentParams",
    {
      framework_type: req(ref("ModelBundleFrameworkType")),
      pytorch_image_tag: opt(str()),
      tensorflow_version: opt(str()),
      ecr_repo: opt(str()),
      image_tag: opt(str()),
    },
    "The framework of a v1 bundle and its image tag.",
  ),
  CreateModelBundleV1Request: model(
    "CreateModelBundleV1Request",
    {
      ...v1Bundle,
      metadata: opt(dict()),
      app_config: opt(dict()),
      schema_location: opt(str()),
    },
    "A v1 bundle: the uploaded artifact at `location`, its requirements and framework.",
  ),
  CreateModelBundleV1Response: created("CreateModelBundleV1Response"),
  CloneModelBundleV1Request: clone("CloneModelBundleV1Request"),
  ModelBundleV1Response: model(
    "ModelBundleV1Response",
    {
      id: req(str()),
      ...v1Bundle,
      metadata: req(dict()),
      app_config: opt(dict()),
      created_at: req(dateTime()),
      model_artifact_ids: req(list(str())),
      schema_location: opt(str()),
    },
    "A bundle in the v1 view.",
  ),
  ListModelBundlesV1Response: model("ListModelBundlesV1Response", { model_bundles: req(list(ref("ModelBundleV1Response"))) }),

  PytorchFramework: model(
    "PytorchFramework",
    { framework_type: req(literal("pytorch")), pytorch_image_tag: req(str()) },
    "Runs on `pytorch/pytorch:<pytorch_image_tag>`.",
  ),
  TensorflowFramework: model(
    "TensorflowFramework",
    { framework_type: req(literal("tensorflow")), tensorflow_version: req(str()) },
    "Runs on `tensorflow/tensorflow:<tensorflow_version>`.",
  ),
  CustomFramework: model(
    "CustomFramework",
    { framework_type: req(literal("custom_base_image")), image_repository: req(str()), image_tag: req(str()) },
    "Runs on the image `<image_repository>:<image_tag>`.",
  ),
  CloudpickleArtifactFlavor: model(
    "CloudpickleArtifactFlavor",
    artifactFields("cloudpickle_artifact", { load_predict_fn: req(str()), load_model_fn: req(str()) }),
    "Cloudpickled `load_model_fn` / `load_predict_fn`, run by launch-local's worker server.",
  ),
  ZipArtifactFlavor: model(
    "ZipArtifactFlavor",
    artifactFields("zip_artifact", { load_predict_fn_module_path: req(str()), load_model_fn_module_path: req(str()) }),
    "A zip of Python modules; the loaders are named by module path.",
  ),
  RunnableImageFlavor: model("RunnableImageFlavor", imageFields("runnable_image", "required"), "Your own HTTP server in an image."),
  StreamingEnhancedRunnableImageFlavor: model(
    "StreamingEnhancedRunnableImageFlavor",
    {
      ...imageFields("streaming_enhanced_runnable_image", "defaulted"),
      streaming_command: req(list(str())),
      streaming_predict_route: withDefault(str(), "/stream"),
    },
    "An image server with a streaming route.",
  ),
  TritonEnhancedRunnableImageFlavor: model(
    "TritonEnhancedRunnableImageFlavor",
    {
      ...imageFields("triton_enhanced_runnable_image", "required"),
      triton_model_repository: req(str()),
      triton_model_replicas: opt(dict(str())),
      triton_num_cpu: req(num()),
      triton_commit_tag: req(str()),
      triton_storage: opt(str()),
      triton_memory: opt(str()),
      triton_readiness_initial_delay_seconds: withDefault(int(), 300),
    },
    "An image server beside tritonserver.",
  ),
  CreateModelBundleV2Request: model(
    "CreateModelBundleV2Request",
    { name: req(str()), metadata: opt(dict()), schema_location: req(str()), flavor: req(flavor()) },
    "A v2 bundle: one of the flavors.",
  ),
  CreateModelBundleV2Response: created("CreateModelBundleV2Response"),
  CloneModelBundleV2Request: clone("CloneModelBundleV2Request"),
  ModelBundleV2Response: model(
    "ModelBundleV2Response",
    {
      id: req(str()),
      name: req(str()),
      metadata: req(dict()),
      created_at: req(dateTime()),
      model_artifact_ids: req(list(str())),
      schema_location: opt(str()),
      flavor: req(flavor()),
    },
    "A bundle in the v2 view.",
  ),
  ListModelBundlesV2Response: model("ListModelBundlesV2Response", { model_bundles: req(list(ref("ModelBundleV2Response"))) }),
};
