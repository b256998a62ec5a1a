import { describe, expect, it } from "vitest";
import type { BundleFlavor } from "../../../src/domain/bundle.js";
import { type ResourceRequest, validateResourceRequests } from "../../../src/domain/endpoints/resource-limits.js";
import { cloudpickleFlavor, runnableFields } from "./fixtures.js";

const request = (overrides: Partial<ResourceRequest> = {}): ResourceRequest => ({
  cpus: 1,
  memory: "1Gi",
  storage: "1Gi",
  gpus: 0,
  gpuType: null,
  ...overrides,
});

const messageOf = (overrides: Partial<ResourceRequest>, flavor: BundleFlavor = cloudpickleFlavor): string | null => {
  try {
    validateResourceRequests(flavor, request(overrides));
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

describe("resource limits (§5.3)", () => {
  it("accepts requests within the CPU node's limits, forwarder share included", () => {
    expect(messageOf({})).toBeNull();
    expect(messageOf({ cpus: 6, memory: "28Gi", storage: "638Gi" })).toBeNull();
    expect(messageOf({ cpus: "500m", memory: 1024, storage: 1 })).toBeNull();
    expect(messageOf({ cpus: "6", memory: "28Gi" })).toBeNull();
  });

  it("checks the GPU pairing first", () => {
    expect(messageOf({ gpus: 0, gpuType: "nvidia-tesla-t4", cpus: "bad" })).toBe("Cannot have gpus=0 when gpu_type is not None");
    expect(messageOf({ gpus: null, gpuType: "nvidia-tesla-t4" })).toBe("Cannot have gpus=None when gpu_type is not None");
    expect(messageOf({ gpus: 1, gpuType: null })).toBe("Must provide gpu_type if gpus > 0");
    expect(messageOf({ gpus: 1, gpuType: "nvidia-tesla-t4" })).toBeNull();
  });

  it("rejects malformed and non-positive quantities with the server's reprs", () => {
    expect(messageOf({ cpus: "1 core" })).toBe("Requested cpus='1 core' is incorrectly formatted");
    expect(messageOf({ cpus: "0" })).toBe("Requested cpus must be positive");
    expect(messageOf({ cpus: -1 })).toBe("Requested cpus must be positive");
    expect(messageOf({ memory: "1gb" })).toBe("Requested memory='1gb' is incorrectly formatted");
    expect(messageOf({ memory: 0 })).toBe("Requested memory must be positive");
    expect(messageOf({ storage: "lots" })).toBe("Requested storage='lots' is incorrectly formatted");
    expect(messageOf({ storage: "0Gi" })).toBe("Requested storage must be positive");
  });

  it("reports cpus with the forwarder's share added and the maximum without it", () => {
    expect(messageOf({ cpus: 7 })).toBe("Requested cpus=8 too high. The maximum for gpu_type=None is 6");
    expect(messageOf({ cpus: "8" })).toBe("Requested cpus=9.0 too high. The maximum for gpu_type=None is 6");
    expect(messageOf({ cpus: 6.5 })).toBe("Requested cpus=7.5 too high. The maximum for gpu_type=None is 6");
    expect(messageOf({ cpus: 63, gpus: 1, gpuType: "nvidia-tesla-t4" })).toBe(
      "Requested cpus=64 too high. The maximum for gpu_type=<GpuType.NVIDIA_TESLA_T4: 'nvidia-tesla-t4'> is 62",
    );
    expect(messageOf({ cpus: 48, gpus: 1, gpuType: "nvidia-hopper-h100-1g20gb" })).toBe(
      "Requested cpus=49 too high. The maximum for gpu_type=<GpuType.NVIDIA_HOPPER_H100_1G_20GB: 'nvidia-hopper-h100-1g20gb'> is 46",
    );
  });

  it("reports memory and storage in bytes against the formatted maximum", () => {
    expect(messageOf({ memory: "29Gi" })).toBe("Requested memory=33285996544 too high. The maximum for gpu_type=None is 28.0Gi");
    expect(messageOf({ storage: "639Gi" })).toBe("Requested storage=687121025536 too high. The maximum for gpu_type=None is 639.1Gi");
    expect(messageOf({ storage: "1299Gi", gpus: 1, gpuType: "nvidia-hopper-h100" })).toBe(
      "Requested storage=1395790629376 too high. The maximum for gpu_type=<GpuType.NVIDIA_HOPPER_H100: 'nvidia-hopper-h100'> is 1.3Ti",
    );
    expect(messageOf({ memory: "1000Gi", gpus: 8, gpuType: "nvidia-ampere-a100" })).toBe(
      "Requested memory=1075889307648 too high. The maximum for gpu_type=<GpuType.NVIDIA_AMPERE_A100: 'nvidia-ampere-a100'> is 998.0Gi",
    );
  });

  it("skips fields that are not given (update with partial values)", () => {
    expect(messageOf({ cpus: null, memory: null, storage: null })).toBeNull();
  });

  it("needs GPUs, a GPU type and a CPU for Triton bundles", () => {
    const triton: BundleFlavor = {
      ...runnableFields,
      flavor: "triton_enhanced_runnable_image",
      triton_model_repository: "s3://models",
      triton_model_replicas: null,
      triton_num_cpu: 1,
      triton_commit_tag: "abc",
      triton_storage: null,
      triton_memory: null,
      triton_readiness_initial_delay_seconds: 300,
    };
    expect(messageOf({}, triton)).toBe("Triton deployments require at least one GPU");
    expect(messageOf({ cpus: 6 }, triton)).toBe("Requested cpus=8 too high. The maximum for gpu_type=None is 6");
    expect(messageOf({ gpus: 1, gpuType: "nvidia-ampere-a10" }, triton)).toBeNull();
    expect(messageOf({ gpus: 1, gpuType: "nvidia-ampere-a10" }, { ...triton, triton_num_cpu: 0 })).toBe("Triton deployments require at least one CPU");
  });
});
