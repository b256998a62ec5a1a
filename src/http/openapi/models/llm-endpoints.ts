/**
 * LLM endpoints (llm-contract.md §1.1; model-engine `common/dtos/llms/model_endpoints.py`): one
 * create and one update model per inference framework, each the common arguments plus the
 * framework's engine arguments (vLLM's from the table the bundle command is written from), joined
 * in a union picked by `inference_framework`.
 */
import { LLM_FRAMEWORKS, type LlmFramework, QUANTIZATIONS, UPDATABLE_FRAMEWORKS } from "../../../domain/llm/llm-frameworks.js";
import { VLLM_ARG_FIELDS } from "../../../domain/llm/vllm-args.js";
import {
  type Field,
  type Fields,
  type JsonSchema,
  bool,
  dict,
  enumModel,
  int,
  list,
  literal,
  model,
  num,
  opt,
  optDefault,
  ref,
  req,
  str,
  strIntFloat,
  withDefault,
} from "../dsl.js";
import { type ArgKind, SGLANG_ARG_FIELDS } from "./sglang-args.js";

const KIND: Record<ArgKind, () => JsonSchema> = {
  int: () => int(),
  float: () => num(),
  bool: () => bool(),
  str: () => str(),
  dict: () => dict(),
  "str[]": () => list(str()),
  "int[]": () => list(int()),
};

/** Engine arguments are all `Optional[X] = None`, except `trust_remote_code: Optional[bool] = False`. */
export const engineArgs = (table: readonly (readonly [string, ArgKind])[]): Fields =>
  Object.fromEntries(table.map(([name, kind]): [string, Field] => [name, name === "trust_remote_code" ? optDefault(KIND[kind](), false) : opt(KIND[kind]())]));

const ENGINE_ARGS: Partial<Record<LlmFramework, Fields>> = { vllm: engineArgs(VLLM_ARG_FIELDS), sglang: engineArgs(SGLANG_ARG_FIELDS) };

/** Model names as model-engine spells them. */
const FRAMEWORK_NAME: Record<LlmFramework, string> = {
  vllm: "VLLM",
  sglang: "SGLang",
  deepspeed: "DeepSpeed",
  text_generation_inference: "TextGenerationInference",
  lightllm: "LightLLM",
  tensorrt_llm: "TensorRTLLM",
};
/** The union's member order (the `Union[...]` of `CreateLLMModelEndpointV1Request`). */
const UNION_ORDER: readonly LlmFramework[] = ["vllm", "sglang", "deepspeed", "text_generation_inference", "lightllm", "tensorrt_llm"];

/** The hardware fields, all optional (also the batch-completion requests'). */
export const hardwareFields: Fields = {
  cpus: opt(strIntFloat()),
  gpus: opt(int()),
  memory: opt(strIntFloat()),
  gpu_type: opt(ref("GpuType")),
  storage: opt(strIntFloat()),
  nodes_per_worker: opt(int()),
};

/** `LLMModelEndpointCommonArgs`. */
const common: Fields = {
  quantize: opt(ref("Quantization")),
  checkpoint_path: opt(str()),
  post_inference_hooks: opt(list(str())),
  ...hardwareFields,
  optimize_costs: opt(bool()),
  prewarm: opt(bool()),
  high_priority: opt(bool()),
  billing_tags: opt(dict()),
  default_callback_url: opt(str()),
  default_callback_auth: opt(ref("CallbackAuth")),
  public_inference: optDefault(bool(), true),
  task_expires_seconds: opt(int({ minimum: 1 })),
  chat_template_override: opt(str(), { description: "A Jinja chat template; default: the checkpoint's." }),
  enable_startup_metrics: optDefault(bool(), false),
  queue_message_timeout_seconds: opt(int({ maximum: 43200, minimum: 1 })),
};

const framework = (tag: LlmFramework): Field => withDefault(literal(tag), tag);

function createModel(tag: LlmFramework): JsonSchema {
  const name = `Create${FRAMEWORK_NAME[tag]}ModelEndpointRequest`;
  return model(name, {
    ...common,
    name: req(str()),
    model_name: req(str()),
    metadata: req(dict()),
    min_workers: req(int()),
    max_workers: req(int()),
    per_worker: req(int()),
    labels: req(dict(str())),
    source: withDefault(ref("LLMSource"), "hugging_face"),
    inference_framework_image_tag: withDefault(str(), "latest"),
    num_shards: withDefault(int(), 1),
    endpoint_type: withDefault(ref("ModelEndpointType"), "sync"),
    ...ENGINE_ARGS[tag],
    inference_framework: framework(tag),
  });
}

function updateModel(tag: LlmFramework): JsonSchema {
  return model(`Update${FRAMEWORK_NAME[tag]}ModelEndpointRequest`, {
    ...common,
    model_name: opt(str()),
    source: opt(ref("LLMSource")),
    inference_framework: framework(tag),
    inference_framework_image_tag: opt(str()),
    num_shards: opt(int()),
    metadata: opt(dict()),
    force_bundle_recreation: optDefault(bool(), false),
    min_workers: opt(int()),
    max_workers: opt(int()),
    per_worker: opt(int()),
    labels: opt(dict(str())),
    ...ENGINE_ARGS[tag],
  });
}

/** pydantic's name for a `RootModel` over a callable-discriminated union of tagged members. */
function frameworkUnion(kind: "Create" | "Update", tags: readonly LlmFramework[]): JsonSchema {
  const names = tags.map((tag) => `${kind}${FRAMEWORK_NAME[tag]}ModelEndpointRequest`);
  return { oneOf: names.map(ref), title: `RootModel[Annotated[Union[${names.map((name) => `Annotated[${name}, Tag]`).join(", ")}], Discriminator]]` };
}

const created = (name: string) => model(name, { endpoint_creation_task_id: req(str()) });
const updatable = UNION_ORDER.filter((tag) => (UPDATABLE_FRAMEWORKS as readonly string[]).includes(tag));

export const llmEndpointModels: Record<string, JsonSchema> = {
  LLMInferenceFramework: enumModel("LLMInferenceFramework", LLM_FRAMEWORKS),
  LLMSource: enumModel("LLMSource", ["hugging_face"]),
  Quantization: enumModel("Quantization", QUANTIZATIONS),
  ...Object.fromEntries(UNION_ORDER.map((tag) => [`Create${FRAMEWORK_NAME[tag]}ModelEndpointRequest`, createModel(tag)])),
  ...Object.fromEntries(updatable.map((tag) => [`Update${FRAMEWORK_NAME[tag]}ModelEndpointRequest`, updateModel(tag)])),
  CreateLLMModelEndpointV1Request: frameworkUnion("Create", UNION_ORDER),
  UpdateLLMModelEndpointV1Request: frameworkUnion("Update", updatable),
  CreateLLMModelEndpointV1Response: created("CreateLLMModelEndpointV1Response"),
  UpdateLLMModelEndpointV1Response: created("UpdateLLMModelEndpointV1Response"),
  GetLLMModelEndpointV1Response: model("GetLLMModelEndpointV1Response", {
    id: req(str()),
    name: req(str()),
    model_name: req(str()),
    source: req(ref("LLMSource")),
    status: req(ref("ModelEndpointStatus")),
    inference_framework: req(ref("LLMInferenceFramework")),
    inference_framework_image_tag: opt(str()),
    num_shards: opt(int()),
    quantize: opt(ref("Quantization")),
    checkpoint_path: opt(str()),
    chat_template_override: opt(str()),
    task_expires_seconds: opt(int()),
    queue_message_timeout_seconds: opt(int()),
    spec: opt(ref("GetModelEndpointV1Response")),
  }),
  ListLLMModelEndpointsV1Response: model("ListLLMModelEndpointsV1Response", { model_endpoints: req(list(ref("GetLLMModelEndpointV1Response"))) }),
  DeleteLLMEndpointResponse: model("DeleteLLMEndpointResponse", { deleted: req(bool()) }),
  ModelDownloadRequest: model("ModelDownloadRequest", { model_name: req(str()), download_format: optDefault(str(), "hugging_face") }),
  ModelDownloadResponse: model("ModelDownloadResponse", { urls: req(dict(str())) }, "A URL per file of the model's weights."),
};
