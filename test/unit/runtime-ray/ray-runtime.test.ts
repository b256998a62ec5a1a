import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../../../src/blobs/local-blob-store.js";
import { systemClock } from "../../../src/domain/clock.js";
import { LaunchError } from "../../../src/domain/errors.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { BlobStore } from "../../../src/domain/ports.js";
import { actorNames } from "../../../src/runtime/ray/actor-options.js";
import { type RayRuntime, createRayRuntime } from "../../../src/runtime/ray/ray-runtime.js";
import { bundleOf, cloudpickleFlavor, runnableFlavor, specOf } from "../runtime-docker/fixtures.js";
import { type FakeDriver, createFakeDriver } from "./fake-driver.js";

let dir: string;
let driver: FakeDriver;
let blobs: BlobStore;
let runtime: RayRuntime;
const names = actorNames("/data/dir", "inst1");

const build = (gpuPolicy: "strict" | "ignore" = "strict"): RayRuntime =>
  createRayRuntime({
    driver,
    names,
    blobs,
    gatewayUrl: () => "http://127.0.0.1:5001",
    blobToken: "t".repeat(64),
    resultsBucket: "launch-local",
    startTimeoutMs: 10_000,
    gpuPolicy,
    logger: silentLogger,
    clock: systemClock,
  });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ray-runtime-"));
  driver = createFakeDriver();
  blobs = createLocalBlobStore({
    root: join(dir, "blobs"),
    bucket: "launch-local",
    signingSecret: "s",
    ttlSeconds: 300,
    clock: systemClock,
    inputs: { allowedDirs: [dir], allowUrls: false },
  });
  runtime = build();
});

afterEach(async () => {
  await runtime.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function artifactSpec(overrides: Parameters<typeof specOf>[1] = {}) {
  const flavor = cloudpickleFlavor();
  await blobs.put(flavor.location, Buffer.from("pickle"));
  const artifactPath = await blobs.localPath(flavor.location);
  return specOf(bundleOf(flavor), { artifactPath, ...overrides });
}

describe("the Ray runtime over its driver", () => {
  it("places an artifact worker with the endpoint's resources and runs the worker server at the node's address", async () => {
    const spec = await artifactSpec({ cpus: "500m", memory: "2Gi", gpus: 1, gpuType: "nvidia-tesla-t4", concurrency: 3 });
    const lines: string[] = [];
    const worker = await runtime.start(spec, (line) => lines.push(line));
    await worker.ready;
    const actor = driver.actors.get(spec.workerId);
    expect(actor?.request).toMatchObject({
      name: `${names.instancePrefix}${spec.workerId}`,
      options: { num_cpus: 0.5, num_gpus: 1, memory: 2 * 2 ** 30, accelerator_type: "T4" },
      requirements: [],
      wantsPort: true,
    });
    const port = String(actor?.placement.port);
    expect(worker.baseUrl).toBe(`http://127.0.0.1:${port}`);
    const plan = actor?.plan;
    expect(plan?.argv).toEqual(["/venv/bin/python", "-m", "launch_worker"]);
    expect(plan?.env).toMatchObject({
      LAUNCH_WORKER_HOST: "127.0.0.1",
      LAUNCH_WORKER_PORT: port,
      LAUNCH_BUNDLE_FLAVOR: "cloudpickle_artifact",
      LAUNCH_BUNDLE_PATH: `/tmp/scratch-${spec.workerId}/bundle`,
      LAUNCH_APP_CONFIG: '{"scale":2}',
      LAUNCH_BLOB_URL: "http://127.0.0.1:5001/_launch_local/worker-blobs",
      LAUNCH_BLOB_TOKEN: "t".repeat(64),
      LAUNCH_WORKER_CONCURRENCY: "3",
      LAUNCH_WORKER_PARENT_PID: "4242",
      PYTHONPATH: "/ray/py_modules/pkg",
    });
    // The bundle travels as a signed GET of its own blob: no shared filesystem.
    expect(plan?.download?.[0]?.url).toMatch(
      /^http:\/\/127\.0\.0\.1:5001\/_launch_local\/signed-blobs\/launch-local\/model-bundles\/u\/echo\.pkl\?expires=\d+&signature=[0-9a-f]{64}$/,
    );
    expect(lines.some((line) => line.includes("placed by Ray on node"))).toBe(true);
  });

  it("has the node build the bundle's requirements, normalized", async () => {
    const flavor = { ...cloudpickleFlavor(), requirements: [" requests==2.0 ", "six", "six"] };
    await blobs.put(flavor.location, Buffer.from("pickle"));
    const spec = specOf(bundleOf(flavor), { artifactPath: await blobs.localPath(flavor.location) });
    await (
      await runtime.start(spec, () => undefined)
    ).ready;
    expect(driver.actors.get(spec.workerId)?.request.requirements).toEqual(["requests==2.0", "six"]);
  });

  it("copies an artifact that is not in the blob store into it, content-addressed", async () => {
    const local = join(dir, "bundle.pkl");
    await writeFile(local, "local bytes");
    const spec = specOf(bundleOf({ ...cloudpickleFlavor(), location: `file://${local}` }), { artifactPath: local });
    await (
      await runtime.start(spec, () => undefined)
    ).ready;
    const url = driver.actors.get(spec.workerId)?.plan?.download?.[0]?.url ?? "";
    expect(url).toContain("/signed-blobs/launch-local/launch-local/ray-artifacts/");
    const key = decodeURIComponent(new URL(url).pathname.split("/signed-blobs/launch-local/")[1] ?? "");
    expect((await blobs.read(`s3://launch-local/${key}`)).toString()).toBe("local bytes");
  });

  it("runs a runnable image's command with the port rewritten and HOST set to the node's address", async () => {
    const spec = specOf(bundleOf({ ...runnableFlavor(), env: { MODE: "x" } }));
    const worker = await runtime.start(spec, () => undefined);
    await worker.ready;
    const actor = driver.actors.get(spec.workerId);
    const port = String(actor?.placement.port);
    expect(actor?.plan?.argv).toEqual(["python3", "/app/echo_server.py", "--host", "0.0.0.0", "--port", port]);
    expect(actor?.plan?.env).toMatchObject({ HOST: "127.0.0.1", PORT: port, MODE: "x" });
  });

  it("reports the actor's death as the worker's exit, and kill() is ray.kill", async () => {
    const worker = await runtime.start(await artifactSpec(), () => undefined);
    await worker.ready;
    worker.kill();
    expect(await worker.exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("fails readiness with the reason when the actor dies before the worker answers (node lost)", async () => {
    const spec = await artifactSpec();
    driver.run = async (key, plan) => {
      const actor = driver.actors.get(key);
      if (actor) actor.plan = plan;
      await driver.exit(key, { code: null, signal: "SIGKILL", reason: "the Ray actor died: its node was lost" });
      return 1;
    };
    const worker = await runtime.start(spec, () => undefined);
    await expect(worker.ready).rejects.toThrow(/its node was lost before becoming ready/);
    expect(await worker.exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("refuses a worker no node can hold (strict), or drops the GPUs under --gpu-policy ignore", async () => {
    const spec = await artifactSpec({ gpus: 2 });
    await expect(runtime.start(spec, () => undefined)).rejects.toThrow(LaunchError);
    await expect(runtime.start(spec, () => undefined)).rejects.toThrow(/No node of the Ray cluster can hold a worker with num_cpus=1, num_gpus=2/);
    const ignoring = build("ignore");
    const lines: string[] = [];
    const worker = await ignoring.start({ ...spec, workerId: "end_1-ignore" }, (line) => lines.push(line));
    await worker.ready;
    expect(driver.actors.get("end_1-ignore")?.request.options.num_gpus).toBe(0);
    expect(lines.some((line) => line.includes("running without GPUs"))).toBe(true);
    await ignoring.dispose();
  });

  it("prepare builds the environment on a node, and fails with a status_reason when it cannot", async () => {
    const log: string[] = [];
    await runtime.prepare(bundleOf({ ...cloudpickleFlavor(), requirements: ["six"] }), 0, (line) => log.push(line));
    expect(driver.probes.at(-1)).toEqual({ requirements: ["six"], executable: null });
    expect(log).toContain("Environment ready.");
    driver.probeAnswer = new Error("RuntimeError: pip exited with code 1: ERROR: No matching distribution found for nope");
    await expect(runtime.prepare(bundleOf({ ...cloudpickleFlavor(), requirements: ["nope"] }), 0, () => undefined)).rejects.toThrow(
      /Failed to build the bundle's environment on the Ray cluster: .*No matching distribution found for nope/,
    );
    driver.probeAnswer = { nodeIp: "127.0.0.2", python: "/p", pythonVersion: "3.11", executableFound: false, hasCloudpickle: false, lines: [] };
    await expect(runtime.prepare(bundleOf(cloudpickleFlavor()), 0, () => undefined)).rejects.toThrow(/cloudpickle is not installed/);
    await expect(runtime.prepare(bundleOf(runnableFlavor()), 0, () => undefined)).rejects.toThrow(/"python3" was not found on the Ray node/);
  });

  it("sweeps only the actors other instances on the same data dir left", async () => {
    driver.names.add(`${actorNames("/data/dir", "dead").instancePrefix}end_9-w1`);
    driver.names.add(`${actorNames("/other/dir", "dead").instancePrefix}end_9-w1`);
    driver.names.add(`${names.instancePrefix}end_1-w1`);
    expect(await runtime.sweepOrphans()).toBe(1);
    expect([...driver.names].sort()).toEqual([`${actorNames("/other/dir", "dead").instancePrefix}end_9-w1`, `${names.instancePrefix}end_1-w1`].sort());
  });

  it("dispose stops every worker, also one still being placed", async () => {
    const ready = await runtime.start(await artifactSpec(), () => undefined);
    await ready.ready;
    const second = await runtime.start(await artifactSpec(), () => undefined);
    await runtime.dispose();
    expect(await ready.exited).toEqual({ code: 0, signal: null });
    await expect(second.ready).rejects.toThrow();
    await second.exited;
    expect([...driver.actors.values()].every((actor) => actor.isGone)).toBe(true);
    await expect(runtime.start(await artifactSpec(), () => undefined)).rejects.toThrow(/disposed/);
  });
});
