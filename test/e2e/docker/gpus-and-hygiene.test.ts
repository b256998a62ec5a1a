/**
 * GPU requests and container hygiene against a real engine: DeviceRequests on a GPU worker (the
 * API form of `--gpus`), the "ignore" policy, and the start-up sweep of a crashed instance's
 * containers. The worker is the test image running `python3 -m http.server`, so nothing is built.
 */
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LaunchError } from "../../../src/domain/errors.js";
import { LABELS } from "../../../src/runtime/docker/labels.js";
import {
  type Sandbox,
  TEST_BASE_IMAGE,
  bundleOf,
  createSandbox,
  createTestRuntime,
  instanceContainers,
  newDocker,
  removeSandbox,
  requireDocker,
  runnableFlavor,
  shouldRunDockerTests,
  specOf,
  lockDockerSuite,
} from "./docker-harness.js";

// http.server answers 200 on "/" (a directory listing): enough of a user server for these tests.
const httpServerFlavor = () =>
  runnableFlavor("model-engine", "http", ["python3", "-m", "http.server", "5005", "--directory", "/tmp"], { healthcheck_route: "/" });

describe.skipIf(!shouldRunDockerTests)("Docker runtime: GPUs and hygiene", () => {
  let docker: Dockerode;
  let sandbox: Sandbox;
  const strays: string[] = [];

  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    sandbox = await createSandbox();
  });

  afterAll(async () => {
    for (const id of strays)
      await docker
        ?.getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    if (sandbox !== undefined) await removeSandbox(sandbox);
    await releaseLock?.();
  });

  it("asks the engine for the allocated device on a gpus=1 worker", async () => {
    // Record what the engine stored at create time: without the NVIDIA toolkit the start then fails.
    const created: Dockerode.ContainerInspectInfo[] = [];
    const recording = newDocker();
    const create = recording.createContainer.bind(recording);
    recording.createContainer = async (options: Dockerode.ContainerCreateOptions) => {
      const container = await create(options);
      created.push(await container.inspect());
      return container;
    };
    const runtime = createTestRuntime(recording, sandbox, { imageMap: { "model-engine": TEST_BASE_IMAGE }, gpus: ["0"], gpuPolicy: "strict" });
    const bundle = bundleOf(httpServerFlavor());
    await expect(runtime.prepare(bundle, 2, () => undefined)).rejects.toThrow("Requested gpus=2 but this host has 1 GPU(s)");
    await runtime.prepare(bundle, 1, () => undefined);

    const outcome: unknown = await runtime.start(specOf(bundle, { gpus: 1 }), () => undefined).catch((error: unknown) => error);
    expect(created[0]?.HostConfig.DeviceRequests).toEqual([{ Driver: "nvidia", Count: 0, DeviceIDs: ["0"], Capabilities: [["gpu"]], Options: null }]);
    if (outcome instanceof LaunchError) {
      // No GPU runtime on this engine: a clear reason, and the container is gone.
      expect(outcome.message).toMatch(/^Docker could not start worker end_e2e-w\d+: .*nvidia.*\(GPUs need the NVIDIA Container Toolkit on the Docker host\)$/);
      expect(await instanceContainers(docker, sandbox.instanceId)).toEqual([]);
    } else {
      expect(outcome).toHaveProperty("ready");
    }
    // The device went back to the pool: a second gpus=1 start gets it again.
    await runtime.start(specOf(bundle, { gpus: 1 }), () => undefined).catch(() => undefined);
    expect(created[1]?.HostConfig.DeviceRequests?.[0]?.DeviceIDs).toEqual(["0"]);
    await runtime.dispose();
    expect(await instanceContainers(docker, sandbox.instanceId)).toEqual([]);
  });

  it("under gpu policy ignore runs an oversized request without GPUs and logs it", async () => {
    const runtime = createTestRuntime(docker, sandbox, { imageMap: { "model-engine": TEST_BASE_IMAGE }, gpus: ["0"], gpuPolicy: "ignore" });
    const bundle = bundleOf(httpServerFlavor());
    const log: string[] = [];
    const worker = await runtime.start(specOf(bundle, { gpus: 2 }), (line) => log.push(line));
    await worker.ready;
    expect(log).toContain('Requested gpus=2 but this host has 1 GPU(s); gpu policy "ignore": running without GPUs.');
    const [info] = await instanceContainers(docker, sandbox.instanceId);
    const inspected = await docker.getContainer(info?.Id ?? "").inspect();
    expect(inspected.HostConfig.DeviceRequests ?? []).toEqual([]);
    expect(inspected.Config.Env).toContain("NVIDIA_VISIBLE_DEVICES=void");
    await runtime.dispose();
    // http.server is PID 1 without a SIGTERM handler, so the engine kills it after the grace period.
    expect(await worker.exited).toEqual({ code: null, signal: "SIGKILL" });
  });

  it("sweeps containers of this data dir left by another instance, and only those", async () => {
    const labelled = async (instance: string, dataDir: string): Promise<string> => {
      const container = await docker.createContainer({
        Image: TEST_BASE_IMAGE,
        Cmd: ["python3", "-c", "import time; time.sleep(600)"],
        Labels: { [LABELS.instance]: instance, [LABELS.dataDir]: dataDir, [LABELS.worker]: "old-w1", [LABELS.endpoint]: "old" },
      });
      strays.push(container.id);
      await container.start();
      return container.id;
    };
    const crashed = await labelled("crashed-instance", sandbox.dataDir);
    const otherDataDir = await labelled("someone-else", `${sandbox.dataDir}-other`);
    const runtime = createTestRuntime(docker, sandbox);
    const mine = await labelled(sandbox.instanceId, sandbox.dataDir);

    expect(await runtime.sweepOrphans()).toBe(1);
    await expect(docker.getContainer(crashed).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect((await docker.getContainer(otherDataDir).inspect()).State.Running).toBe(true);
    expect((await docker.getContainer(mine).inspect()).State.Running).toBe(true);
    expect(await runtime.sweepOrphans()).toBe(0);

    // dispose() also removes containers of this instance that it never tracked.
    await runtime.dispose();
    await expect(docker.getContainer(mine).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
