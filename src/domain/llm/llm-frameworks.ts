/**
 * The LLM inference frameworks and what each allows (llm-contract.md §1.1, §1.7;
 * `ME/domain/use_cases/llm_model_endpoint_use_cases.py`). Every framework is served here by the same
 * engine (src/worker/launch_local_llm/), behind that framework's own validation (README "Parity").
 */
export const LLM_FRAMEWORKS = ["deepspeed", "text_generation_inference", "vllm", "lightllm", "tensorrt_llm", "sglang"] as const;
export type LlmFramework = (typeof LLM_FRAMEWORKS)[number];

export const QUANTIZATIONS = ["bitsandbytes", "awq"] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** The Python enum member names, as the real messages print them (`str(LLMInferenceFramework.VLLM)`). */
const FRAMEWORK_MEMBER: Record<LlmFramework, string> = {
  deepspeed: "LLMInferenceFramework.DEEPSPEED",
  text_generation_inference: "LLMInferenceFramework.TEXT_GENERATION_INFERENCE",
  vllm: "LLMInferenceFramework.VLLM",
  lightllm: "LLMInferenceFramework.LIGHTLLM",
  tensorrt_llm: "LLMInferenceFramework.TENSORRT_LLM",
  sglang: "LLMInferenceFramework.SGLANG",
};
const QUANTIZATION_MEMBER: Record<Quantization, string> = { bitsandbytes: "BITSANDBYTES", awq: "AWQ" };

/** `str(member)` on Python ≥ 3.11 for a `(str, Enum)` member: `LLMInferenceFramework.VLLM`. */
export const frameworkMember = (framework: LlmFramework): string => FRAMEWORK_MEMBER[framework];
export const quantizationMember = (quantize: Quantization): string => `Quantization.${QUANTIZATION_MEMBER[quantize]}`;
/** `repr(member)` inside a printed list: `<Quantization.AWQ: 'awq'>`. */
export const quantizationRepr = (quantize: Quantization): string => `<Quantization.${QUANTIZATION_MEMBER[quantize]}: '${quantize}'>`;

/** `_SUPPORTED_QUANTIZATIONS`. */
export const SUPPORTED_QUANTIZATIONS: Record<LlmFramework, readonly Quantization[]> = {
  deepspeed: [],
  text_generation_inference: ["bitsandbytes"],
  vllm: ["awq"],
  lightllm: [],
  tensorrt_llm: [],
  sglang: [],
};

/** Frameworks whose endpoints must be `streaming` (the create rule). */
export const STREAMING_ONLY_FRAMEWORKS: ReadonlySet<LlmFramework> = new Set(["text_generation_inference", "vllm", "lightllm", "tensorrt_llm"]);

/** Frameworks that serve /v2 (`OPENAI_SUPPORTED_INFERENCE_FRAMEWORKS`, `CHAT_SUPPORTED_INFERENCE_FRAMEWORKS`). */
export const OPENAI_FRAMEWORKS: ReadonlySet<LlmFramework> = new Set(["vllm", "sglang"]);

/** Frameworks that may appear in PUT's union (`UpdateLLMModelEndpointV1Request`). */
export const UPDATABLE_FRAMEWORKS = ["vllm", "sglang", "deepspeed", "text_generation_inference"] as const;

/**
 * Image repositories of each framework's bundle. The real ones are the operator's registry
 * (`hmi_config.vllm_repository` …); launch-local names the public images they are built from, so
 * the Docker runtime can map them with `--image-map` (README "LLM endpoints").
 */
export const FRAMEWORK_REPOSITORY: Record<LlmFramework, string> = {
  vllm: "vllm/vllm-openai",
  sglang: "lmsysorg/sglang",
  text_generation_inference: "ghcr.io/huggingface/text-generation-inference",
  lightllm: "ghcr.io/modeltc/lightllm",
  tensorrt_llm: "nvcr.io/nvidia/tritonserver",
  deepspeed: "instant-llm",
};

/**
 * What "latest" resolves to: the real server reads a config map; launch-local's answer is fixed
 * (the images' own `latest` tag) and documented in the README.
 */
export const LATEST_IMAGE_TAG = "latest";
