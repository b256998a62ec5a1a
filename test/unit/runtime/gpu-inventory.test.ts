import { describe, expect, it } from "vitest";
import { GpuAllocator, gpuEnv, parseNvidiaSmiList, tooManyGpusReason } from "../../../src/runtime/gpu-inventory.js";

describe("parseNvidiaSmiList", () => {
  it("lists GPU indices", () => {
    const output = [
      "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5f3e2a1b-0c4d-4e5f-8a9b-0123456789ab)",
      "GPU 1: Tesla T4 (UUID: GPU-0123abcd-0000-1111-2222-333344445555)",
      "",
    ].join("\n");
    expect(parseNvidiaSmiList(output)).toEqual(["0", "1"]);
  });

  it("replaces a MIG-mode GPU with its MIG instances", () => {
    const output = [
      "GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-e91edf3b-b297-37c1-a2a7-7601c3238fa2)",
      "  MIG 1g.5gb      Device  0: (UUID: MIG-aaaa1111-2222-3333-4444-555566667777)",
      "  MIG 1g.5gb      Device  1: (UUID: MIG-bbbb1111-2222-3333-4444-555566667777)",
      "GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-f91edf3b-b297-37c1-a2a7-7601c3238fa2)",
    ].join("\r\n");
    expect(parseNvidiaSmiList(output)).toEqual(["MIG-aaaa1111-2222-3333-4444-555566667777", "MIG-bbbb1111-2222-3333-4444-555566667777", "1"]);
  });

  it("finds nothing in empty or unrelated output", () => {
    expect(parseNvidiaSmiList("")).toEqual([]);
    expect(parseNvidiaSmiList("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.")).toEqual([]);
  });
});

describe("GpuAllocator", () => {
  it("hands out distinct ids and takes them back", () => {
    const gpus = new GpuAllocator(["0", "1", "2"]);
    const a = gpus.allocate(2);
    const b = gpus.allocate(1);
    expect(a).toEqual(["0", "1"]);
    expect(b).toEqual(["2"]);
    expect(gpus.allocate(1)).toBeNull();
    gpus.release(a ?? []);
    expect(gpus.freeCount).toBe(2);
    expect(gpus.allocate(2)).toEqual(["0", "1"]);
  });

  it("takes nothing when the request does not fit", () => {
    const gpus = new GpuAllocator(["0", "1"]);
    expect(gpus.allocate(3)).toBeNull();
    expect(gpus.freeCount).toBe(2);
  });

  it("gives zero GPUs for free and ignores double or foreign releases", () => {
    const gpus = new GpuAllocator(["0"]);
    expect(gpus.allocate(0)).toEqual([]);
    const one = gpus.allocate(1) ?? [];
    gpus.release(one);
    gpus.release(one);
    gpus.release(["7"]);
    expect(gpus.freeCount).toBe(1);
    expect(gpus.size).toBe(1);
  });

  it("returns ids in inventory order after out-of-order releases", () => {
    const gpus = new GpuAllocator(["0", "1", "2"]);
    const all = gpus.allocate(3) ?? [];
    gpus.release([all[2] ?? "", all[0] ?? ""]);
    expect(gpus.allocate(2)).toEqual(["0", "2"]);
  });
});

describe("gpuEnv", () => {
  it("sets CUDA_VISIBLE_DEVICES, empty when no GPU is assigned", () => {
    expect(gpuEnv(["0", "3"])).toEqual({ CUDA_VISIBLE_DEVICES: "0,3", NVIDIA_VISIBLE_DEVICES: "0,3" });
    expect(gpuEnv([]).CUDA_VISIBLE_DEVICES).toBe("");
  });

  it("words the too-many-GPUs reason", () => {
    expect(tooManyGpusReason(2, 0)).toBe("Requested gpus=2 but this host has 0 GPU(s)");
  });
});
