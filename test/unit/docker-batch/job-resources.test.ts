import { describe, expect, it } from "vitest";
import { mergeResources, validateJobResources, validateMaxRuntime, validateTriggerBundleResources } from "../../../src/domain/docker-batch/job-resources.js";
import { makeDockerBundle, outcome } from "./fixtures.js";

const NONE = { cpus: null, memory: null, gpus: null, gpu_type: null, storage: null, nodes_per_worker: null };

describe("mergeResources (§2.5)", () => {
  it("takes every non-null request value over the bundle's", () => {
    const bundle = makeDockerBundle({ cpus: "1", memory: "1Gi", storage: "10Gi" });
    expect(mergeResources(bundle, { ...NONE, cpus: 2 })).toEqual({ cpus: 2, memory: "1Gi", storage: "10Gi", gpus: null, gpuType: null });
    expect(mergeResources(bundle, NONE)).toEqual({ cpus: "1", memory: "1Gi", storage: "10Gi", gpus: null, gpuType: null });
  });

  it("clears gpus and gpu_type when the merged gpus is 0", () => {
    const gpu = makeDockerBundle({ gpus: 1, gpuType: "nvidia-tesla-t4" });
    expect(mergeResources(gpu, NONE)).toMatchObject({ gpus: 1, gpuType: "nvidia-tesla-t4" });
    expect(mergeResources(gpu, { ...NONE, gpus: 0 })).toMatchObject({ gpus: null, gpuType: null });
    expect(mergeResources(makeDockerBundle({ gpus: 0, gpuType: "nvidia-tesla-t4" }), NONE)).toMatchObject({ gpus: null, gpuType: null });
    expect(mergeResources(gpu, { ...NONE, gpu_type: "nvidia-ampere-a10" })).toMatchObject({ gpus: 1, gpuType: "nvidia-ampere-a10" });
  });
});

describe("resource validation", () => {
  it("needs cpus and memory after the merge, then applies the node limits without a forwarder share", async () => {
    const base = { storage: null, gpus: null, gpuType: null };
    expect(await outcome(() => validateJobResources({ ...base, cpus: "1", memory: null }))).toBe(
      "BAD_REQUEST: The user specified an invalid value: Must specify value for cpus and memory",
    );
    // 7 cpus fit a CPU node exactly when no forwarder is added (a model endpoint allows 6).
    expect(await outcome(() => validateJobResources({ ...base, cpus: 7, memory: "30Gi" }))).toBe("ok");
    expect(await outcome(() => validateJobResources({ ...base, cpus: "8", memory: "1Gi" }))).toBe(
      "BAD_REQUEST: Final endpoint resources requested is invalid: Requested cpus=8.0 too high. The maximum for gpu_type=None is 7",
    );
    expect(await outcome(() => validateJobResources({ ...base, cpus: 1, memory: "1Gi", gpus: 1 }))).toBe(
      "BAD_REQUEST: Final endpoint resources requested is invalid: Must provide gpu_type if gpus > 0",
    );
  });

  it("words trigger bundle checks as the trigger route does", async () => {
    expect(await outcome(() => validateTriggerBundleResources(makeDockerBundle({ memory: null })))).toBe(
      "BAD_REQUEST: The user specified an invalid value: Bundle must specify value for cpus and memory",
    );
    expect(await outcome(() => validateTriggerBundleResources(makeDockerBundle({ memory: "abc" })))).toBe(
      "BAD_REQUEST: Default trigger resource request is invalid: Requested memory='abc' is incorrectly formatted",
    );
  });

  it("refuses a max runtime below one second", async () => {
    expect(await outcome(() => validateMaxRuntime(0))).toContain("Please supply a positive integer value");
    expect(await outcome(() => validateMaxRuntime(1))).toBe("ok");
    expect(await outcome(() => validateMaxRuntime(null))).toBe("ok");
  });
});
