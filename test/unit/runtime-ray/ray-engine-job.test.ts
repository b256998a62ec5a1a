/**
 * Engine-image jobs under the Ray runtime (README "Ray runtime"): the job is placed with the
 * engine's requirements in a node environment that sees the node Python's site-packages, runs with
 * the node's interpreter and the engine package Ray shipped, and gets its weights folder through the
 * blob store (copied once, a signed URL per file), never a path of this machine.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore, type LocalBlobStore } from "../../../src/blobs/local-blob-store.js";
import { FakeClock, systemClock } from "../../../src/domain/clock.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { JobRunSpec } from "../../../src/domain/job-ports.js";
import { actorNames } from "../../../src/runtime/ray/actor-options.js";
import { createRayEngineJobs, requirementLines } from "../../../src/runtime/ray/engine-job.js";
import { createRayJobRunner } from "../../../src/runtime/ray/ray-job-runner.js";
import { repoRoot } from "../../helpers/python.js";
import { createFakeDriver } from "./fake-driver.js";

let dir = "";
let blobs: LocalBlobStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ray-engine-job-"));
  blobs = createLocalBlobStore({
    root: join(dir, "blobs"),
    bucket: "launch-local",
    signingSecret: "s",
    ttlSeconds: 300,
    clock: new FakeClock(Date.UTC(2026, 0, 1)),
    inputs: { allowedDirs: [], allowUrls: false },
  });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const engineJob = (modelDir: string): JobRunSpec => ({
  jobId: "ft-engine",
  owner: "u",
  jobConfigText: "{}",
  credentials: null,
  spec: {
    imageRepository: "launch-local/llm-engine",
    imageTag: "0.1.0",
    command: ["python", "-m", "launch_local_llm.batch"],
    env: { LAUNCH_LOCAL_MODEL_DIR: modelDir },
    mountLocation: "/opt/config.json",
    // Batch completions' fixed hardware answer: one A10, which no node of the fake cluster has.
    resources: { cpus: 1, memory: "1Gi", storage: null, gpus: 1, gpuType: "nvidia-ampere-a10" },
  },
});

describe("engine-image jobs on the Ray runtime", () => {
  it("place the job with the engine's environment and ship its weights through the blob store", async () => {
    // A model folder as the HF cache lays one out: a file, and a symlink into another folder.
    const model = join(dir, "model");
    await mkdir(join(model, "sub"), { recursive: true });
    await writeFile(join(model, "config.json"), '{"a": 1}');
    await writeFile(join(dir, "weights.bin"), "WEIGHTS");
    await symlink(join(dir, "weights.bin"), join(model, "sub", "model.safetensors"));
    const driver = createFakeDriver();
    const engine = createRayEngineJobs({ workerDir: join(repoRoot, "src", "worker"), blobs, gatewayUrl: () => "http://127.0.0.9:5001" });
    const runner = createRayJobRunner({ driver, names: actorNames("/d", "i1"), engine, logger: silentLogger, clock: systemClock });
    const lines: string[] = [];
    await runner.run(engineJob(model), (line) => lines.push(line));

    const actor = driver.actors.get("job-ft-engine");
    expect(actor?.request.systemSitePackages).toBe(true);
    expect(actor?.request.options).toEqual({ num_cpus: 1, num_gpus: 0, memory: 2 ** 30 });
    expect(lines.some((line) => line.includes("accelerator_type=A10G") && line.endsWith("the LLM engine runs on CPU"))).toBe(true);
    expect(actor?.request.requirements).toEqual(expect.arrayContaining(["torch>=2.1", "transformers>=4.45", "peft>=0.10"]));
    expect(actor?.request.requirements.some((line) => line.includes("#"))).toBe(false);
    expect(actor?.plan?.argv).toEqual(["/venv/bin/python", "-m", "launch_local_llm.batch"]);
    const target = "/tmp/scratch-job-ft-engine/models/launch_local_model_dir";
    expect(actor?.plan?.env).toMatchObject({
      PYTHONPATH: "/ray/py_modules/engine",
      HF_HUB_OFFLINE: "1",
      LAUNCH_LOCAL_MODEL_DIR: target,
      LAUNCH_JOB_ID: "ft-engine",
    });
    const downloads = actor?.plan?.download ?? [];
    expect(downloads.map((item) => item.path)).toEqual([`${target}/config.json`, `${target}/sub/model.safetensors`]);
    for (const item of downloads) expect(item.url.startsWith("http://127.0.0.9:5001/")).toBe(true);
    // Each URL names a blob holding the file's bytes.
    const keyOf = (url: string) => decodeURIComponent(new URL(url).pathname).replace(/^.*?\/launch-local\/(?=launch-local\/ray-models\/)/, "");
    const stored = await Promise.all(downloads.map(async (item) => (await blobs.read(`s3://launch-local/${keyOf(item.url)}`)).toString()));
    expect(stored).toEqual(['{"a": 1}', "WEIGHTS"]);
    expect(lines.some((line) => line.includes("the weights (2 files) go to node"))).toBe(true);

    // The same folder again is not copied again: the same locations.
    await driver.exit("job-ft-engine", { code: 0, signal: null, reason: null });
    await runner.run({ ...engineJob(model), jobId: "ft-again" }, () => undefined);
    expect(driver.actors.get("job-ft-again")?.plan?.download?.map((item) => keyOf(item.url))).toEqual(downloads.map((item) => keyOf(item.url)));
    await runner.dispose();
  });

  it("leave every other job's resources, command and environment alone", async () => {
    const driver = createFakeDriver();
    const engine = createRayEngineJobs({ workerDir: join(repoRoot, "src", "worker"), blobs, gatewayUrl: () => "http://127.0.0.9:5001" });
    const runner = createRayJobRunner({ driver, names: actorNames("/d", "i1"), engine, logger: silentLogger, clock: systemClock });
    const job = engineJob("/nowhere");
    const other = { ...job, spec: { ...job.spec, imageRepository: "my/trainer" } };
    // Only the engine falls back to CPU: any other job asking for a GPU no node has fails.
    await expect(runner.run(other, () => undefined)).rejects.toThrow(/No node of the Ray cluster can hold/);
    await runner.run({ ...other, spec: { ...other.spec, resources: { ...other.spec.resources, gpus: 0, gpuType: null } } }, () => undefined);
    const actor = driver.actors.get("job-ft-engine");
    expect(actor?.request).toMatchObject({ requirements: [], systemSitePackages: false });
    expect(actor?.plan?.argv).toEqual(["python", "-m", "launch_local_llm.batch"]);
    expect(actor?.plan?.env.LAUNCH_LOCAL_MODEL_DIR).toBe("/nowhere");
    expect(actor?.plan?.download).toEqual([]);
    await runner.dispose();
  });

  it("read requirements without comments or blank lines", () => {
    expect(requirementLines("# head\ntorch>=2.1  # cpu\n\n  peft>=0.10\n")).toEqual(["torch>=2.1", "peft>=0.10"]);
  });
});
