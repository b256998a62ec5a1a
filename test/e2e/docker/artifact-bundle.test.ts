/**
 * Artifact bundles in containers: an image built per bundle from the (mapped) framework base image,
 * reused by content hash, two workers on distinct loopback ports, return_pickled into the blob
 * store, limits in `docker inspect`, a container killed from outside, dispose leaving nothing.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloudpickleFlavor, ZipFlavor } from "../../../src/domain/bundle.js";
import type { WorkerHandle } from "../../../src/domain/ports.js";
import type { DockerRuntime } from "../../../src/runtime/docker/docker-runtime.js";
import { buildFixtureBundles, echoZipModulePaths, type FixtureBundles, readPickledJson } from "../../helpers/python.js";
import {
  type Sandbox,
  bundleImageTags,
  bundleOf,
  containerOfWorker,
  createSandbox,
  createTestRuntime,
  instanceContainers,
  newDocker,
  postJson,
  removeImages,
  removeSandbox,
  requireDocker,
  shouldRunDockerTests,
  specOf,
  lockDockerSuite,
  removeBundleImages,
} from "./docker-harness.js";

const echoFlavor = (): CloudpickleFlavor => ({
  flavor: "cloudpickle_artifact",
  requirements: [],
  framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
  app_config: null,
  location: "s3://launch-local/model-bundles/u/echo.pkl",
  load_predict_fn: "predict",
  load_model_fn: "model",
});

describe.skipIf(!shouldRunDockerTests)("Docker runtime: artifact bundles", () => {
  let docker: Dockerode;
  let sandbox: Sandbox;
  let runtime: DockerRuntime;
  let fixtures: FixtureBundles;
  const buildLog: string[] = [];
  const workerLog: string[] = [];
  const bundle = bundleOf(echoFlavor());
  let workers: WorkerHandle[] = [];

  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    sandbox = await createSandbox();
    await mkdir(sandbox.blobRoot, { recursive: true });
    fixtures = await buildFixtureBundles(join(sandbox.dir, "bundles"));
    runtime = createTestRuntime(docker, sandbox);
    await removeBundleImages(docker);
  });

  afterAll(async () => {
    // beforeAll may have stopped early (CI=true without an engine): undo only what it did.
    await runtime?.dispose();
    if (docker !== undefined) await removeImages(docker, bundleImageTags(buildLog));
    if (sandbox !== undefined) await removeSandbox(sandbox);
    await releaseLock?.();
  });

  it("builds the bundle image from the mapped base, streaming the build output", async () => {
    await runtime.prepare(bundle, 0, (line) => buildLog.push(line));
    expect(buildLog).toContain("Base image pytorch/pytorch:1.7.0 is mapped to launch-local/test-python:bookworm");
    expect(buildLog.some((line) => /^Step \d+\/\d+ : FROM launch-local\/test-python:bookworm/.test(line))).toBe(true);
    const [tag] = bundleImageTags(buildLog);
    expect(tag).toMatch(/^launch-local\/bundle:[0-9a-f]{24}$/);

    // Same environment → same tag, no second build.
    const again: string[] = [];
    await runtime.prepare(bundleOf(echoFlavor()), 0, (line) => again.push(line));
    expect(again).toContain(`Reusing image ${String(tag)}`);
    expect(again.some((line) => line.startsWith("Step "))).toBe(false);
  });

  it("starts two workers on distinct loopback ports that answer predict", async () => {
    workers = await Promise.all(
      [1, 2].map((n) =>
        runtime.start(specOf(bundle, { workerId: `end_e2e-echo${n}`, artifactPath: fixtures.echo, cpus: "500m", memory: "256Mi" }), (line) =>
          workerLog.push(line),
        ),
      ),
    );
    await Promise.all(workers.map((worker) => worker.ready));
    const [first, second] = workers;
    if (!first || !second) throw new Error("two workers expected");
    expect(first.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.baseUrl).not.toBe(second.baseUrl);
    for (const worker of workers) {
      expect(await postJson(`${worker.baseUrl}/predict`, { args: { y: 1 } }, worker.token ?? null)).toEqual({ status: 200, json: { result: '{"y": 1}' } });
    }
    expect(workerLog.some((line) => line.includes("launch-worker ready on 0.0.0.0:5005"))).toBe(true);
  });

  it("publishes on loopback only, with the cpu/memory limits and labels in docker inspect", async () => {
    const info = await (await containerOfWorker(docker, "end_e2e-echo1")).inspect();
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.PortBindings).toEqual({ "5005/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
    expect(info.Config.Labels).toMatchObject({
      "launch-local.instance": sandbox.instanceId,
      "launch-local.endpoint": "end_e2e",
      "launch-local.worker": "end_e2e-echo1",
      "launch-local.data-dir": sandbox.dataDir,
    });
    expect(info.HostConfig.DeviceRequests ?? []).toEqual([]);
  });

  it("writes return_pickled results into the blob root", async () => {
    const [worker] = workers;
    if (!worker) throw new Error("worker expected");
    const { status, json } = await postJson(`${worker.baseUrl}/predict`, { args: { y: 1 }, return_pickled: true }, worker.token ?? null);
    expect(status).toBe(200);
    const location = typeof json === "object" && json !== null && "result_url" in json ? String(json.result_url) : "";
    const match = /^s3:\/\/launch-local\/(tmp\/hosted-model-inference-outputs\/[0-9a-f-]+\.pkl)$/.exec(location);
    expect(match).not.toBeNull();
    const path = join(sandbox.blobRoot, "launch-local", match?.[1] ?? "");
    expect(existsSync(path)).toBe(true);
    expect(await readPickledJson(path)).toEqual({ y: 1 });
  });

  it("runs a zip bundle in the same image", async () => {
    const zip: ZipFlavor = {
      flavor: "zip_artifact",
      requirements: [],
      framework: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
      app_config: null,
      location: "s3://launch-local/model-bundles/u/echo.zip",
      load_predict_fn_module_path: echoZipModulePaths.loadPredictFn,
      load_model_fn_module_path: echoZipModulePaths.loadModelFn,
    };
    const zipBundle = bundleOf(zip);
    const lines: string[] = [];
    await runtime.prepare(zipBundle, 0, (line) => lines.push(line));
    expect(lines.some((line) => line.startsWith("Reusing image launch-local/bundle:"))).toBe(true);
    const worker = await runtime.start(specOf(zipBundle, { artifactPath: fixtures.echoZip }), () => undefined);
    await worker.ready;
    expect((await postJson(`${worker.baseUrl}/predict`, { args: { x: 2 } }, worker.token ?? null)).status).toBe(200);
    await worker.stop();
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });

  it("resolves exited when the container is killed from outside, and removes it", async () => {
    const [worker] = workers;
    if (!worker) throw new Error("worker expected");
    await (await containerOfWorker(newDocker(), worker.id)).kill();
    expect(await worker.exited).toEqual({ code: null, signal: "SIGKILL" });
    const left = await instanceContainers(docker, sandbox.instanceId);
    expect(left.map((container) => container.Labels["launch-local.worker"])).toEqual(["end_e2e-echo2"]);
  });

  it("dispose removes every container it started, and is idempotent", async () => {
    await runtime.dispose();
    await runtime.dispose();
    expect(await instanceContainers(docker, sandbox.instanceId)).toEqual([]);
    for (const worker of workers) await worker.exited;
  });
});
