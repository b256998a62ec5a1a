/**
 * launch-local's own trainer (README "Fine-tunes"): a public docker-image batch job bundle that
 * exists in every instance without being stored, run by the built-in templates. Its image name
 * stands for the LLM engine's environment: under the process runtime the command runs as a host
 * process with the engine's interpreter (runtime/engine-jobs.ts), as the engine's workers do.
 */
import type { DockerBatchBundleRecord } from "../docker-batch/docker-batch-bundle.js";
import { DEFAULT_FINE_TUNING_METHOD, type FineTuneTemplate } from "./fine-tune-template.js";

/** The image that means "the LLM engine's environment" for jobs. */
export const ENGINE_IMAGE_REPOSITORY = "launch-local/llm-engine";
export const BUILTIN_TRAINER_BUNDLE_ID = "batbun_launch_local_llm_fine_tune";
/** As the real trainer bundle's `mount_location` (`populate_llm_fine_tuning_job_repository.py`). */
export const TRAINER_CONFIG_FILE = "/launch_reserved/config_file.json";

/** The methods the built-in templates cover: LoRA (the real default) and full fine-tuning. */
export const BUILTIN_METHODS = [DEFAULT_FINE_TUNING_METHOD, "full"] as const;

export function builtinTrainerBundle(version: string): DockerBatchBundleRecord {
  return {
    id: BUILTIN_TRAINER_BUNDLE_ID,
    name: "launch-local-llm-fine-tune",
    owner: "launch-local",
    createdBy: "launch-local",
    createdAt: 0,
    imageRepository: ENGINE_IMAGE_REPOSITORY,
    imageTag: version,
    command: ["python", "-m", "launch_local_llm.finetune", "--config-file", TRAINER_CONFIG_FILE],
    env: {},
    mountLocation: TRAINER_CONFIG_FILE,
    cpus: "1",
    memory: "8Gi",
    storage: "16Gi",
    gpus: null,
    gpuType: null,
    isPublic: true,
  };
}

/**
 * What the fine-tuned model's endpoint is created with (`DEFAULT_7B_MODEL_CONFIG` without the
 * hardware fields, so that the endpoint gets launch-local's local hardware answer).
 */
const LOCAL_ENDPOINT_CONFIG: Record<string, unknown> = {
  source: "hugging_face",
  inference_framework: "vllm",
  inference_framework_image_tag: "latest",
  num_shards: 1,
  quantize: null,
  min_workers: 0,
  max_workers: 1,
  per_worker: 10,
  endpoint_type: "streaming",
};

/** The built-in template of `model` for `method`, in the repository's format. */
export function builtinTemplate(model: string, method: (typeof BUILTIN_METHODS)[number]): FineTuneTemplate {
  return {
    docker_image_batch_job_bundle_id: BUILTIN_TRAINER_BUNDLE_ID,
    launch_endpoint_config: { ...LOCAL_ENDPOINT_CONFIG },
    // `_BASE_MODEL_SHORT` is the fine-tuned endpoint's model_name, as in the real templates.
    default_hparams: { _BASE_MODEL: model, _BASE_MODEL_SHORT: model, fine_tuning_method: method },
    required_params: [],
  };
}

export const isBuiltinMethod = (method: string): method is (typeof BUILTIN_METHODS)[number] => (BUILTIN_METHODS as readonly string[]).includes(method);
