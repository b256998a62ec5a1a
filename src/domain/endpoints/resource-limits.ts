import type { BundleFlavor } from "../bundle.js";
import type { GpuType } from "../endpoint.js";
import { badRequest } from "../errors.js";
import { formatBytes, parseCpuMillis, parseMemoryBytes } from "./k8s-quantity.js";
import { pyNumberRepr, pyStrRepr } from "./python-format.js";

/**
 * Per-node resource limits (server-contract.md §5.3, `ME/common/resource_limits.py`). Every check,
 * its order and its message follow the real validator, including its quirks: the forwarder's share
 * is added to the request and the message reports the maximum without it, and storage is compared
 * against the limit *minus* the forwarder share after the share was already added to the request.
 */

export const MAX_ENDPOINT_SIZE = 250;
export const MAX_ASYNC_CONCURRENT_TASKS = 20;

interface InstanceLimits {
  cpus: number;
  memory: string;
  storage?: string;
}

const CPU_LIMITS: InstanceLimits = { cpus: 7, memory: "30Gi" };
const LIMITS_BY_GPU_TYPE: Record<GpuType, InstanceLimits> = {
  "nvidia-tesla-t4": { cpus: 63, memory: "250Gi" },
  "nvidia-ampere-a10": { cpus: 63, memory: "250Gi" },
  "nvidia-ampere-a100": { cpus: 95, memory: "1000Gi" },
  "nvidia-ampere-a100e": { cpus: 95, memory: "1000Gi" },
  "nvidia-hopper-h100": { cpus: 191, memory: "2000Gi", storage: "1300Gi" },
  "nvidia-hopper-h100-1g20gb": { cpus: 47, memory: "500Gi" },
  "nvidia-hopper-h100-3g40gb": { cpus: 95, memory: "1000Gi" },
};
const STORAGE_LIMIT = "640Gi";

const FORWARDER_CPUS = 1;
const FORWARDER_MEMORY = "2Gi";
const FORWARDER_STORAGE = "1G";

/** The GpuType enum member names, for Python's repr of the member as `{gpu_type=}` prints it. */
const GPU_TYPE_MEMBERS: Record<GpuType, string> = {
  "nvidia-tesla-t4": "NVIDIA_TESLA_T4",
  "nvidia-ampere-a10": "NVIDIA_AMPERE_A10",
  "nvidia-ampere-a100": "NVIDIA_AMPERE_A100",
  "nvidia-ampere-a100e": "NVIDIA_AMPERE_A100E",
  "nvidia-hopper-h100": "NVIDIA_HOPPER_H100",
  "nvidia-hopper-h100-1g20gb": "NVIDIA_HOPPER_H100_1G_20GB",
  "nvidia-hopper-h100-3g40gb": "NVIDIA_HOPPER_H100_3G_40GB",
};

const gpuTypeRepr = (gpuType: GpuType | null): string => (gpuType === null ? "None" : `<GpuType.${GPU_TYPE_MEMBERS[gpuType]}: '${gpuType}'>`);

const bytesOf = (quantity: string): number => parseMemoryBytes(quantity) ?? 0;

export interface ResourceRequest {
  cpus: string | number | null;
  memory: string | number | null;
  storage: string | number | null;
  gpus: number | null;
  gpuType: GpuType | null;
}

/** Throws BAD_REQUEST with the real server's message for the first violated limit. */
export function validateResourceRequests(flavor: BundleFlavor | null, request: ResourceRequest): void {
  const { gpus, gpuType } = request;
  if ((gpus === null || gpus === 0) && gpuType !== null) {
    throw badRequest(`Cannot have gpus=${gpus === null ? "None" : String(gpus)} when gpu_type is not None`);
  }
  if (gpus !== null && gpus > 0 && gpuType === null) throw badRequest("Must provide gpu_type if gpus > 0");
  const limits = gpuType === null ? CPU_LIMITS : LIMITS_BY_GPU_TYPE[gpuType];
  const triton = flavor?.flavor === "triton_enhanced_runnable_image" ? flavor : null;
  // Every endpoint has a bundle, so the forwarder share always applies (`isinstance(bundle, ModelBundle)`).
  const hasForwarder = flavor !== null;

  if (request.cpus !== null) {
    const sent = request.cpus;
    const millis = typeof sent === "string" ? parseCpuMillis(sent) : null;
    if (typeof sent === "string" && millis === null) {
      throw badRequest(`Requested cpus=${pyStrRepr(sent)} is incorrectly formatted`);
    }
    // A string becomes a float (millis / 1000.0); a number is used as sent.
    const isFloat = typeof sent === "string" || !Number.isInteger(sent);
    let cpus = millis === null ? Number(sent) : millis / 1000;
    if (cpus <= 0) throw badRequest("Requested cpus must be positive");
    let available = limits.cpus;
    if (hasForwarder) {
      cpus += FORWARDER_CPUS;
      available -= FORWARDER_CPUS;
      if (triton) {
        if (triton.triton_num_cpu < 1) throw badRequest("Triton deployments require at least one CPU");
        cpus += triton.triton_num_cpu;
      }
    }
    if (cpus > limits.cpus) {
      throw badRequest(
        `Requested cpus=${pyNumberRepr(cpus, isFloat || (triton !== null && !Number.isInteger(triton.triton_num_cpu)))} too high. The maximum for gpu_type=${gpuTypeRepr(gpuType)} is ${available}`,
      );
    }
  }

  if (request.memory !== null) {
    const memory = checkBytes("memory", request.memory);
    const limit = bytesOf(limits.memory);
    let total = memory.bytes;
    let available = limit;
    if (hasForwarder) {
      total += bytesOf(FORWARDER_MEMORY);
      available -= bytesOf(FORWARDER_MEMORY);
      if (triton?.triton_memory) total += parseMemoryBytes(triton.triton_memory) ?? 0;
    }
    if (total > limit) {
      throw badRequest(
        `Requested memory=${pyNumberRepr(total, memory.isFloat)} too high. The maximum for gpu_type=${gpuTypeRepr(gpuType)} is ${formatBytes(available)}`,
      );
    }
  }

  if (request.storage !== null) {
    const storage = checkBytes("storage", request.storage);
    let total = storage.bytes;
    let available = bytesOf(limits.storage ?? STORAGE_LIMIT);
    if (hasForwarder) {
      total += bytesOf(FORWARDER_STORAGE);
      available -= bytesOf(FORWARDER_STORAGE);
      if (triton?.triton_storage) total += parseMemoryBytes(triton.triton_storage) ?? 0;
    }
    if (total > available) {
      throw badRequest(
        `Requested storage=${pyNumberRepr(total, storage.isFloat)} too high. The maximum for gpu_type=${gpuTypeRepr(gpuType)} is ${formatBytes(available)}`,
      );
    }
  }

  if (triton) {
    if (gpus === null || gpus < 1) throw badRequest("Triton deployments require at least one GPU");
    if (gpuType === null) throw badRequest("Triton deployments require a specific GPU machine type");
  }
}

/** Memory/storage: a string is parsed to whole bytes (an int); a number is taken as bytes as sent. */
function checkBytes(field: "memory" | "storage", sent: string | number): { bytes: number; isFloat: boolean } {
  if (typeof sent === "string") {
    const bytes = parseMemoryBytes(sent);
    if (bytes === null) throw badRequest(`Requested ${field}=${pyStrRepr(sent)} is incorrectly formatted`);
    if (bytes <= 0) throw badRequest(`Requested ${field} must be positive`);
    return { bytes, isFloat: false };
  }
  if (sent <= 0) throw badRequest(`Requested ${field} must be positive`);
  return { bytes: sent, isFloat: !Number.isInteger(sent) };
}
