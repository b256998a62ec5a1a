import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/domain/logger.js";
import type { JobRunSpec } from "../../../src/domain/job-ports.js";
import { createDockerJobRunner } from "../../../src/runtime/docker/job-runner.js";
import { GpuAllocator } from "../../../src/runtime/gpu-inventory.js";

// No engine: the GPU decision and the disposed check come before any engine call, so a dead
// socket shows which path ran.
let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "launch-docker-job-runner-"));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const runnerWith = (gpuPolicy: "strict" | "ignore") =>
  createDockerJobRunner({
    docker: new Dockerode({ socketPath: "/nonexistent/docker.sock" }),
    instanceId: "i",
    env: {},
    dataDir,
    imageMap: { "repo/job:v1": "launch-local/test-python:bookworm" },
    logger: silentLogger,
    gpus: ["0"],
    gpuPolicy,
  });

const gpuJob = (gpus: number): JobRunSpec => ({
  jobId: "ft-gpu",
  credentials: null,
  owner: "me",
  jobConfigText: "null",
  spec: {
    imageRepository: "repo/job",
    imageTag: "v1",
    command: ["true"],
    env: {},
    mountLocation: "/restricted_launch/batch_payload.json",
    resources: { cpus: 1, memory: "1Gi", storage: null, gpus, gpuType: "nvidia-tesla-t4" },
  },
});

describe("the Docker job runner without an engine", () => {
  it("is named docker and answers the image check", () => {
    const runner = runnerWith("strict");
    expect(runner.name).toBe("docker");
    expect(typeof runner.imageExists).toBe("function");
  });

  it("strict: a job asking more GPUs than the host has fails with the reason, before the engine", async () => {
    const runner = runnerWith("strict");
    await expect(runner.run(gpuJob(2), () => undefined)).rejects.toThrow("Requested gpus=2 but this host has 1 GPU(s)");
    await runner.dispose();
  });

  it("ignore: goes on without GPUs, says so in the job log, then reaches the engine", async () => {
    const runner = runnerWith("ignore");
    const lines: string[] = [];
    const run = runner.run(gpuJob(2), (line) => lines.push(line));
    await expect(run).rejects.not.toThrow(/Requested gpus/);
    expect(lines).toContain('[launch-local] Requested gpus=2 but this host has 1 GPU(s); gpu policy "ignore": running without GPUs.');
    expect(lines).toContain("[launch-local] Image repo/job:v1 is mapped to launch-local/test-python:bookworm");
    await runner.dispose();
  });

  it("gives a job's GPUs back when it could not start", async () => {
    const runner = runnerWith("strict");
    // The engine is not there, so each run fails after taking the host's one GPU; a leak would
    // make the second one fail with "only 0 … are free" instead.
    await expect(runner.run(gpuJob(1), () => undefined)).rejects.not.toThrow(/free/);
    await expect(runner.run(gpuJob(1), () => undefined)).rejects.not.toThrow(/free/);
    await runner.dispose();
  });

  it("draws on the inventory it is given: a GPU a worker container holds is not a job's", async () => {
    const shared = new GpuAllocator(["0"]);
    expect(shared.allocate(1)).toEqual(["0"]); // the Docker runtime gave it to a worker
    const runner = createDockerJobRunner({
      docker: new Dockerode({ socketPath: "/nonexistent/docker.sock" }),
      instanceId: "i",
      env: {},
      dataDir,
      imageMap: {},
      logger: silentLogger,
      gpuAllocator: () => Promise.resolve(shared),
    });
    await expect(runner.run(gpuJob(1), () => undefined)).rejects.toThrow("Requested gpus=1 but only 0 of this host's 1 GPU(s) are free");
    await runner.dispose();
  });

  it("refuses jobs once disposed; dispose is idempotent", async () => {
    const runner = runnerWith("strict");
    await runner.dispose();
    await runner.dispose();
    await expect(runner.run(gpuJob(0), () => undefined)).rejects.toThrow("The Docker job runner has been disposed.");
  });

  it("reap removes the job's files even when the engine cannot be asked", async () => {
    const runner = runnerWith("strict");
    await mkdir(join(dataDir, "jobs", "ft-old", "mount"), { recursive: true });
    await writeFile(join(dataDir, "jobs", "ft-old", "mount", "batch_payload.json"), "null");
    await runner.reap("ft-old", null);
    expect(await readdir(join(dataDir, "jobs"))).toEqual([]);
    await runner.dispose();
  });
});
