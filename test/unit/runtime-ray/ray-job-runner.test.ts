import { describe, expect, it } from "vitest";
import { systemClock } from "../../../src/domain/clock.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { JobRunSpec } from "../../../src/domain/job-ports.js";
import { RAY_ACCELERATOR_TYPES, actorNames, actorOptions, infeasibleReason, requirementsOf } from "../../../src/runtime/ray/actor-options.js";
import { bundleOf, cloudpickleFlavor, runnableFlavor } from "../runtime-docker/fixtures.js";
import { gatewayUrlFor } from "../../../src/runtime/ray/index.js";
import { createRayJobRunner } from "../../../src/runtime/ray/ray-job-runner.js";
import { createFakeDriver, twoNodeCluster } from "./fake-driver.js";

const job = (overrides: Partial<JobRunSpec["spec"]["resources"]> = {}): JobRunSpec => ({
  jobId: "ft-abc",
  owner: "u",
  jobConfigText: '{"data": 1}',
  credentials: null,
  spec: {
    imageRepository: "trainer",
    imageTag: "1",
    command: ["python3", "train.py", "--config", "/restricted_launch/batch_payload.json"],
    env: { MODE: "fine-tune" },
    mountLocation: "/restricted_launch/batch_payload.json",
    resources: { cpus: 2, memory: "4Gi", storage: null, gpus: 1, gpuType: "nvidia-tesla-t4", ...overrides },
  },
});

describe("the Ray job runner", () => {
  it("places the job with its resources, writes job_config into the node's scratch folder and reports the exit", async () => {
    const driver = createFakeDriver();
    const names = actorNames("/d", "i1");
    const runner = createRayJobRunner({ driver, names, logger: silentLogger, clock: systemClock });
    const lines: string[] = [];
    const handle = await runner.run(job(), (line) => lines.push(line));
    const actor = driver.actors.get("job-ft-abc");
    expect(handle.ref).toBe(`ray:${names.instancePrefix}job-ft-abc`);
    expect(actor?.request.options).toEqual({ num_cpus: 2, num_gpus: 1, memory: 4 * 2 ** 30, accelerator_type: "T4" });
    expect(actor?.request.wantsPort).toBe(false);
    const mountDir = "/tmp/scratch-job-ft-abc/job/mount";
    expect(actor?.plan?.argv).toEqual(["python3", "train.py", "--config", `${mountDir}/batch_payload.json`]);
    expect(actor?.plan?.write).toEqual([{ path: `${mountDir}/batch_payload.json`, text: '{"data": 1}' }]);
    expect(actor?.plan?.env).toMatchObject({
      MODE: "fine-tune",
      LAUNCH_JOB_ID: "ft-abc",
      LAUNCH_JOB_CONFIG_PATH: `${mountDir}/batch_payload.json`,
      JOB_COMPLETION_INDEX: "0",
    });
    await driver.exit("job-ft-abc", { code: 3, signal: null, reason: null });
    expect(await handle.exited).toEqual({ code: 3, signal: null, error: null });
    expect(lines[0]).toContain("placed by Ray on node");
  });

  it("fails a job no node can hold at once, and stop() ends a running one", async () => {
    const driver = createFakeDriver();
    const runner = createRayJobRunner({ driver, names: actorNames("/d", "i1"), logger: silentLogger, clock: systemClock });
    await expect(runner.run(job({ gpus: 4 }), () => undefined)).rejects.toThrow(/No node of the Ray cluster can hold/);
    const handle = await runner.run(job({ gpus: 0 }), () => undefined);
    await runner.dispose();
    expect(await handle.exited).toEqual({ code: 0, signal: null, error: null });
  });

  it("reap ends an actor another instance left, never one of its own", async () => {
    const driver = createFakeDriver();
    const names = actorNames("/d", "i1");
    const runner = createRayJobRunner({ driver, names, logger: silentLogger, clock: systemClock });
    const leftover = actorNames("/d", "dead").nameFor("job-ft-1");
    driver.names.add(leftover);
    await runner.reap("ft-1", `ray:${leftover}`);
    await runner.reap("ft-2", null);
    await runner.reap("ft-3", "process:12:34");
    expect(driver.names.has(leftover)).toBe(false);
    expect(driver.sweeps).toEqual([{ prefix: leftover, keep: names.instancePrefix }]);
  });
});

describe("resources as Ray options", () => {
  it("maps cpus, memory, gpus and gpu_type", () => {
    expect(actorOptions({ cpus: "1500m", memory: "512Mi", gpus: 0, gpuType: "nvidia-ampere-a100" })).toEqual({
      num_cpus: 1.5,
      num_gpus: 0,
      memory: 512 * 2 ** 20,
    });
    expect(actorOptions({ cpus: 4, memory: "bogus", gpus: 2, gpuType: "nvidia-hopper-h100-1g20gb" })).toEqual({
      num_cpus: 4,
      num_gpus: 2,
      accelerator_type: "H100",
    });
    expect(Object.keys(RAY_ACCELERATOR_TYPES)).toHaveLength(7);
  });

  it("builds environments for artifact bundles' requirements only", () => {
    expect(requirementsOf({ ...cloudpickleFlavor(), requirements: [" ", "b", "a", "b"] })).toEqual(["a", "b"]);
    expect(requirementsOf(bundleOf(runnableFlavor()).flavor)).toEqual([]);
  });

  it("tells which requests no node can hold", () => {
    const cluster = twoNodeCluster();
    expect(infeasibleReason({ num_cpus: 4, num_gpus: 1, accelerator_type: "T4" }, cluster)).toBeNull();
    expect(infeasibleReason({ num_cpus: 1, num_gpus: 1, accelerator_type: "A100" }, cluster)).toMatch(
      /accelerator_type=A100; its nodes: 127.0.0.2 \(CPU 4, GPU 0\), 127.0.0.3 \(CPU 4, GPU 1\)/,
    );
    expect(infeasibleReason({ num_cpus: 5, num_gpus: 0 }, cluster)).toMatch(/num_cpus=5/);
  });

  it("labels actors by data dir and instance", () => {
    const a = actorNames("/data/a", "i1");
    expect(a.nameFor("w1")).toMatch(/^launch-local:[0-9a-f]{16}:i1:w1$/);
    expect(a.instancePrefix.startsWith(a.dataDirPrefix)).toBe(true);
    expect(actorNames("/data/b", "i1").dataDirPrefix).not.toBe(a.dataDirPrefix);
  });

  it("gives nodes this machine's cluster address when launch-local listens on every interface", () => {
    expect(gatewayUrlFor("127.0.0.1", "http://127.0.0.1:5001", "198.51.100.5")).toBe("http://127.0.0.1:5001");
    expect(gatewayUrlFor("0.0.0.0", "http://127.0.0.1:5001", "198.51.100.5")).toBe("http://198.51.100.5:5001");
    expect(gatewayUrlFor("::", "http://[::1]:5001", "fd00::5")).toBe("http://[fd00::5]:5001");
  });
});
