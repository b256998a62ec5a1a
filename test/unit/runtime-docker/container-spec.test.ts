import { describe, expect, it } from "vitest";
import type { CloudpickleFlavor, RunnableFlavor, StreamingFlavor, ZipFlavor } from "../../../src/domain/bundle.js";
import { GpuAllocator } from "../../../src/runtime/gpu-inventory.js";
import { artifactPlan, createOptions, deviceRequests, runnablePlan } from "../../../src/runtime/docker/container-spec.js";
import { containerName, workerLabels } from "../../../src/runtime/docker/labels.js";
import { bundleOf, cloudpickleFlavor, runnableFlavor, specOf } from "./fixtures.js";

const labels = workerLabels({ instanceId: "inst1", endpointId: "end_1", workerId: "end_1-w1", dataDir: "/data" });

describe("artifact worker containers", () => {
  const flavor: CloudpickleFlavor = cloudpickleFlavor();
  const plan = artifactPlan({
    spec: specOf(bundleOf(flavor), { concurrency: 3 }),
    flavor,
    image: "launch-local/bundle:abc",
    artifactPath: "/data/blobs/launch-local/model-bundles/u/echo.pkl",
    blobRoot: "/data/blobs",
    resultsBucket: "launch-local",
    user: "1000:1000",
  });

  it("configures the worker server through LAUNCH_* with container paths, and its own token", () => {
    expect(plan.env).toEqual({
      LAUNCH_WORKER_HOST: "0.0.0.0",
      LAUNCH_WORKER_PORT: "5005",
      LAUNCH_BUNDLE_FLAVOR: "cloudpickle_artifact",
      LAUNCH_BUNDLE_PATH: "/launch/bundle/echo.pkl",
      LAUNCH_APP_CONFIG: '{"scale":2}',
      LAUNCH_WORK_DIR: "/tmp/launch-work",
      LAUNCH_BLOB_ROOT: "/launch/blobs",
      LAUNCH_RESULTS_BUCKET: "launch-local",
      LAUNCH_WORKER_CONCURRENCY: "3",
      LAUNCH_WORKER_TOKEN: plan.token,
      HOME: "/tmp/launch-work",
    });
    expect(plan.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(plan.healthRoute).toBe("/readyz");
    expect(plan.cmd).toBeNull();
  });

  it("mounts the artifact read-only and the blob root read-write", () => {
    expect(plan.mounts).toEqual([
      { Type: "bind", Source: "/data/blobs/launch-local/model-bundles/u/echo.pkl", Target: "/launch/bundle/echo.pkl", ReadOnly: true },
      { Type: "bind", Source: "/data/blobs", Target: "/launch/blobs", ReadOnly: false },
    ]);
  });

  it("passes zip module paths and a null app_config", () => {
    const zip: ZipFlavor = {
      flavor: "zip_artifact",
      requirements: [],
      framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
      app_config: null,
      location: "s3://b/k.zip",
      load_predict_fn_module_path: "m.predict.load_predict_fn",
      load_model_fn_module_path: "m.predict.load_model_fn",
    };
    const zipPlan = artifactPlan({
      spec: specOf(bundleOf(zip)),
      flavor: zip,
      image: "i",
      artifactPath: "/a/k.zip",
      blobRoot: "/b",
      resultsBucket: "r",
      user: null,
    });
    expect(zipPlan.env).toMatchObject({
      LAUNCH_BUNDLE_FLAVOR: "zip_artifact",
      LAUNCH_APP_CONFIG: "null",
      LAUNCH_LOAD_PREDICT_FN_MODULE_PATH: "m.predict.load_predict_fn",
      LAUNCH_LOAD_MODEL_FN_MODULE_PATH: "m.predict.load_model_fn",
    });
    expect(zipPlan.env.HOME).toBeUndefined();
    expect(zipPlan.user).toBeNull();
  });

  it("becomes create options with limits, labels, a loopback port and no GPU", () => {
    const options = createOptions(plan, { nanoCpus: 500_000_000, memoryBytes: 1024 ** 3, gpuIds: [] }, labels, containerName("inst1", "end_1-w1"));
    expect(options).toMatchObject({
      name: "launch-local-inst1-end_1-w1",
      Image: "launch-local/bundle:abc",
      User: "1000:1000",
      Labels: {
        "launch-local.instance": "inst1",
        "launch-local.endpoint": "end_1",
        "launch-local.worker": "end_1-w1",
        "launch-local.data-dir": "/data",
      },
      ExposedPorts: { "5005/tcp": {} },
      HostConfig: {
        NanoCpus: 500_000_000,
        Memory: 1024 ** 3,
        MemorySwap: 1024 ** 3,
        PortBindings: { "5005/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] },
      },
    });
    expect(options.Cmd).toBeUndefined();
    expect(options.HostConfig?.DeviceRequests).toBeUndefined();
    expect(options.Env).toContain("NVIDIA_VISIBLE_DEVICES=void");
    expect(options.Env).toContain("LAUNCH_BUNDLE_PATH=/launch/bundle/echo.pkl");
  });
});

describe("GPUs", () => {
  it("requests specific devices from the nvidia driver", () => {
    expect(deviceRequests(["0", "2"])).toEqual([{ Driver: "nvidia", Count: 0, DeviceIDs: ["0", "2"], Capabilities: [["gpu"]] }]);
    expect(deviceRequests([])).toEqual([]);
  });

  it("gives two workers distinct devices from the inventory and reuses released ones", () => {
    const allocator = new GpuAllocator(["0", "1", "MIG-abc"]);
    const plan = runnablePlan(runnableFlavor(), "img");
    const first = allocator.allocate(2) ?? [];
    const second = allocator.allocate(1) ?? [];
    const optionsA = createOptions(plan, { nanoCpus: null, memoryBytes: null, gpuIds: first }, labels, null);
    const optionsB = createOptions(plan, { nanoCpus: null, memoryBytes: null, gpuIds: second }, labels, null);
    expect(optionsA.HostConfig?.DeviceRequests?.[0]?.DeviceIDs).toEqual(["0", "1"]);
    expect(optionsB.HostConfig?.DeviceRequests?.[0]?.DeviceIDs).toEqual(["MIG-abc"]);
    expect(optionsA.Env).not.toContain("NVIDIA_VISIBLE_DEVICES=void");
    expect(allocator.allocate(1)).toBeNull();
    allocator.release(first);
    expect(allocator.allocate(1)).toEqual(["0"]);
  });
});

describe("runnable image containers", () => {
  it("run the command with the bundle env and probe the health route after a capped delay", () => {
    const flavor: RunnableFlavor = { ...runnableFlavor(), env: { A: "1" }, readiness_initial_delay_seconds: 120 };
    const plan = runnablePlan(flavor, "model-engine:abc");
    expect(plan).toEqual({
      image: "model-engine:abc",
      cmd: ["python3", "/app/echo_server.py", "--host", "0.0.0.0", "--port", "5005"],
      env: { A: "1" },
      mounts: [],
      user: null,
      healthRoute: "/readyz",
      initialDelayMs: 5000,
      token: null,
    });
    expect(runnablePlan({ ...flavor, readiness_initial_delay_seconds: 2 }, "x").initialDelayMs).toBe(2000);
    expect(createOptions(plan, { nanoCpus: null, memoryBytes: null, gpuIds: [] }, labels, null).Cmd).toEqual(plan.cmd);
  });

  it("uses streaming_command when a streaming bundle has no command, else the image's CMD", () => {
    const streaming: StreamingFlavor = {
      ...runnableFlavor(),
      flavor: "streaming_enhanced_runnable_image",
      command: [],
      streaming_command: ["python3", "/app/stream.py"],
      streaming_predict_route: "/stream",
    };
    expect(runnablePlan(streaming, "i").cmd).toEqual(["python3", "/app/stream.py"]);
    expect(runnablePlan({ ...runnableFlavor(), command: [] }, "i").cmd).toBeNull();
  });

  it("names containers so the engine accepts them", () => {
    expect(containerName("a b/c", "end_1-w2")).toBe("launch-local-a-b-c-end_1-w2");
  });
});
