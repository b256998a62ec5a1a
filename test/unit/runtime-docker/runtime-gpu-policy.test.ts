import Dockerode from "dockerode";
import { describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { createDockerRuntime } from "../../../src/runtime/docker/docker-runtime.js";
import { bundleOf, cloudpickleFlavor, specOf } from "./fixtures.js";

// No engine: the GPU decision comes before any engine call, so a dead socket shows which path ran.
const runtimeWith = (gpuPolicy: "strict" | "ignore") =>
  createDockerRuntime({
    docker: new Dockerode({ socketPath: "/nonexistent/docker.sock" }),
    instanceId: "i",
    env: {},
    dataDir: "/tmp/none",
    blobRoot: "/tmp/none/blobs",
    resultsBucket: "b",
    workerDir: "/tmp/none/worker",
    logger: silentLogger,
    startTimeoutMs: 1000,
    imageMap: {},
    gpus: ["0"],
    gpuPolicy,
  });

describe("GPU policy", () => {
  it("strict: asking for more GPUs than the host has fails prepare and start with the status_reason", async () => {
    const runtime = runtimeWith("strict");
    const bundle = bundleOf(cloudpickleFlavor());
    const prepared = runtime.prepare(bundle, 2, () => undefined);
    await expect(prepared).rejects.toBeInstanceOf(LaunchError);
    await expect(prepared).rejects.toThrow("Requested gpus=2 but this host has 1 GPU(s)");
    await expect(runtime.start(specOf(bundle, { gpus: 3 }), () => undefined)).rejects.toThrow("Requested gpus=3 but this host has 1 GPU(s)");
    await runtime.dispose();
  });

  it("ignore: goes on without GPUs and says so in the log", async () => {
    const runtime = runtimeWith("ignore");
    const lines: string[] = [];
    const prepared = runtime.prepare(bundleOf(cloudpickleFlavor()), 2, (line) => lines.push(line));
    // It went past the GPU check to the engine, which is not there.
    await expect(prepared).rejects.not.toThrow(/Requested gpus/);
    expect(lines[0]).toBe('Requested gpus=2 but this host has 1 GPU(s); gpu policy "ignore": running without GPUs.');
    await runtime.dispose();
  });

  it("refuses work after dispose, and dispose is idempotent", async () => {
    const runtime = runtimeWith("strict");
    await runtime.dispose();
    await runtime.dispose();
    await expect(runtime.prepare(bundleOf(cloudpickleFlavor()), 0, () => undefined)).rejects.toThrow(/disposed/);
  });
});
