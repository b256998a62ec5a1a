/**
 * The create/update rules of `ME/domain/use_cases/llm_model_endpoint_use_cases.py` (llm-contract.md
 * §1.1, §2.1), one function per rule so the service runs them in the real order. Messages are the real
 * `detail` strings, enum members printed as Python ≥ 3.11 prints them.
 */
import { badRequest } from "../errors.js";
import type { EndpointType } from "../endpoint.js";
import {
  type LlmFramework,
  type Quantization,
  STREAMING_ONLY_FRAMEWORKS,
  SUPPORTED_QUANTIZATIONS,
  frameworkMember,
  quantizationMember,
  quantizationRepr,
} from "./llm-frameworks.js";
import type { LlmHardware } from "./llm-requests.js";

const CHAT_TEMPLATE_MAX_LENGTH = 10_000;

const ENDPOINT_TYPE_MEMBER: Record<EndpointType, string> = {
  async: "ModelEndpointType.ASYNC",
  sync: "ModelEndpointType.SYNC",
  streaming: "ModelEndpointType.STREAMING",
};

/** `_fill_hardware_info`: all hardware fields or none. Returns whether none were given. */
export function hasNoHardware(hardware: LlmHardware): boolean {
  const values = [hardware.gpus, hardware.gpu_type, hardware.cpus, hardware.memory, hardware.storage, hardware.nodes_per_worker];
  if (values.every((value) => value !== null)) return false;
  if (values.every((value) => value === null)) return true;
  throw badRequest(
    "All hardware spec fields (gpus, gpu_type, cpus, memory, storage, nodes_per_worker) must be provided if any hardware spec field is missing.",
  );
}

/**
 * Hardware when no field is given. The real server reads the checkpoint's config.json and a config
 * map of recommended hardware per GPU memory; launch-local answers one fixed, documented set
 * (README "LLM endpoints"), which runs on CPU where the host has no GPU.
 */
export const LOCAL_HARDWARE = {
  cpus: 1,
  gpus: 1,
  memory: "8Gi",
  storage: "16Gi",
  gpu_type: "nvidia-ampere-a10",
  nodes_per_worker: 1,
} as const;

export function validateNumShards(numShards: number, framework: LlmFramework, gpus: number): void {
  if (framework === "deepspeed") {
    if (numShards <= 1) throw badRequest("DeepSpeed requires more than 1 GPU.");
    if (numShards !== gpus) throw badRequest(`Num shard ${numShards} must be the same as number of GPUs ${gpus} for DeepSpeed.`);
  }
  if (numShards !== gpus) throw badRequest(`Num shard ${numShards} must be equal to the number of GPUs ${gpus}.`);
}

export function validateQuantization(quantize: Quantization | null, framework: LlmFramework): void {
  const supported = SUPPORTED_QUANTIZATIONS[framework];
  if (quantize === null || supported.includes(quantize)) return;
  throw badRequest(
    `Quantization ${quantizationMember(quantize)} is not supported for inference framework ${frameworkMember(framework)}. ` +
      `Supported quantization types are [${supported.map(quantizationRepr).join(", ")}].`,
  );
}

export function validateChatTemplate(chatTemplate: string | null, framework: LlmFramework): void {
  if (chatTemplate === null) return;
  if ([...chatTemplate].length > CHAT_TEMPLATE_MAX_LENGTH) {
    throw badRequest(`Chat template length must be less than ${CHAT_TEMPLATE_MAX_LENGTH}.`);
  }
  if (framework !== "vllm") throw badRequest(`Chat template is only supported for inference framework ${frameworkMember("vllm")}.`);
}

export function validateStreamingOnly(framework: LlmFramework, endpointType: EndpointType): void {
  if (STREAMING_ONLY_FRAMEWORKS.has(framework) && endpointType !== "streaming") {
    throw badRequest(
      `Creating endpoint type ${ENDPOINT_TYPE_MEMBER[endpointType]} is not allowed. Can only create streaming endpoints for text-generation-inference, vLLM, LightLLM, and TensorRT-LLM.`,
    );
  }
}

export function validateMultinode(nodesPerWorker: number, framework: LlmFramework): void {
  if (nodesPerWorker > 1 && framework !== "vllm") throw badRequest("Multinode endpoints are only supported for VLLM models.");
}

/** `validate_checkpoint_path_uri`. */
export function validateCheckpointPathUri(checkpointPath: string): void {
  const isCloud =
    checkpointPath.startsWith("s3://") ||
    checkpointPath.startsWith("azure://") ||
    checkpointPath.includes("blob.core.windows.net") ||
    checkpointPath.startsWith("gs://");
  if (!isCloud) throw badRequest(`Only S3, Azure Blob Storage, and GCS paths are supported. Given checkpoint path: ${checkpointPath}.`);
  if (checkpointPath.endsWith(".tar")) throw badRequest(`Tar files are not supported. Given checkpoint path: ${checkpointPath}.`);
}

/** `validate_checkpoint_files`: some file named `*model*…safetensors`. */
export function validateCheckpointFiles(fileNames: readonly string[]): void {
  const hasSafetensors = fileNames.some((name) => name.includes("model") && name.endsWith(".safetensors"));
  if (!hasSafetensors) throw badRequest("No safetensors found in the checkpoint path.");
}

/** RESERVED_METADATA_KEYS on update. */
export function validateUpdateMetadata(metadata: Record<string, unknown> | null): void {
  if (metadata === null) return;
  for (const key of ["_llm", "_CONVERTED_FROM_ARTIFACT_LIKE"]) {
    if (Object.hasOwn(metadata, key)) throw badRequest(`${key} is a reserved metadata key and cannot be used by user.`);
  }
}
