import { describe, expect, it } from "vitest";
import type { JobRunSpec } from "../../../src/domain/job-ports.js";
import { containerLimits } from "../../../src/runtime/docker/container-limits.js";
import { JOB_LABEL, jobCreateOptions, jobEnv, jobLabels } from "../../../src/runtime/docker/job-container-spec.js";
import { LABELS } from "../../../src/runtime/docker/labels.js";

const jobOf = (overrides: Partial<JobRunSpec["spec"]> = {}): JobRunSpec => ({
  jobId: "ft-abc",
  credentials: null,
  owner: "me",
  jobConfigText: '{"code": 0}',
  spec: {
    imageRepository: "repo/job",
    imageTag: "v1",
    command: ["python3", "-c", "import sys; sys.exit(0)"],
    env: { GREETING: "hi", LAUNCH_JOB_ID: "the bundle cannot override this" },
    mountLocation: "/launch/config.json",
    resources: { cpus: "500m", memory: "1Gi", storage: null, gpus: null, gpuType: null },
    ...overrides,
  },
});

const labels = jobLabels({ instanceId: "inst1", dataDir: "/data", jobId: "ft-abc" });

const optionsFor = (job: JobRunSpec, gpuIds: string[] = []) =>
  jobCreateOptions({
    job,
    image: "launch-local/test-python:bookworm",
    configFile: "/data/jobs/ft-abc/mount/config.json",
    limits: containerLimits(job.spec.resources.cpus, job.spec.resources.memory, 8),
    gpuIds,
    labels,
    name: "launch-local-inst1-ft-abc",
  });

describe("docker-image batch job containers", () => {
  it("runs the bundle's command in place of the image's entrypoint (a pod's `command`, §6.2)", () => {
    const options = optionsFor(jobOf());
    expect(options.Image).toBe("launch-local/test-python:bookworm");
    expect(options.Entrypoint).toEqual(["python3", "-c", "import sys; sys.exit(0)"]);
    expect(options.Cmd).toBeUndefined();
    expect(options.name).toBe("launch-local-inst1-ft-abc");
  });

  it("leaves the image's own entrypoint and command when the bundle's command is empty", () => {
    const options = optionsFor(jobOf({ command: [] }));
    expect(options.Entrypoint).toBeUndefined();
    expect(options.Cmd).toBeUndefined();
  });

  it("sets the bundle env under the platform's variables, with container paths", () => {
    expect(jobEnv(jobOf(), [])).toEqual({
      PYTHONUNBUFFERED: "1",
      GREETING: "hi",
      LAUNCH_JOB_ID: "ft-abc",
      LAUNCH_JOB_CONFIG_PATH: "/launch/config.json",
      LAUNCH_JOB_MOUNT_DIR: "/launch",
      LAUNCH_JOB_MOUNT_LOCATION: "/launch/config.json",
      JOB_COMPLETION_INDEX: "0",
      DD_SERVICE: "launch-di-batch-job-ft-abc",
      NVIDIA_VISIBLE_DEVICES: "void",
    });
    const env = optionsFor(jobOf()).Env ?? [];
    expect(env).toContain("GREETING=hi");
    expect(env).toContain("LAUNCH_JOB_ID=ft-abc");
    expect(env).not.toContain("LAUNCH_JOB_ID=the bundle cannot override this");
  });

  it("lets the bundle set PYTHONUNBUFFERED, which the platform does not own", () => {
    expect(jobEnv(jobOf({ env: { PYTHONUNBUFFERED: "0" } }), []).PYTHONUNBUFFERED).toBe("0");
  });

  it("bind-mounts the job_config file read-only at exactly mount_location", () => {
    const host = optionsFor(jobOf()).HostConfig;
    expect(host?.Mounts).toEqual([{ Type: "bind", Source: "/data/jobs/ft-abc/mount/config.json", Target: "/launch/config.json", ReadOnly: true }]);
    expect(host?.Binds).toBeUndefined();
  });

  it("limits cpus and memory from the merged resources, without swap", () => {
    const host = optionsFor(jobOf()).HostConfig;
    expect(host?.NanoCpus).toBe(500_000_000);
    expect(host?.Memory).toBe(1024 ** 3);
    expect(host?.MemorySwap).toBe(1024 ** 3);
  });

  it("leaves a limit out when its quantity is not understood", () => {
    const job = jobOf({ resources: { cpus: "lots", memory: "1Gi", storage: null, gpus: null, gpuType: null } });
    const limits = containerLimits(job.spec.resources.cpus, job.spec.resources.memory, 8);
    expect(limits.notes).toEqual(["cpus=lots is not a quantity Docker understands; no CPU limit set."]);
    expect(optionsFor(job).HostConfig?.NanoCpus).toBeUndefined();
  });

  it("asks for its GPUs by device id and shows them to CUDA", () => {
    const options = optionsFor(jobOf(), ["1", "3"]);
    expect(options.HostConfig?.DeviceRequests).toEqual([{ Driver: "nvidia", Count: 0, DeviceIDs: ["1", "3"], Capabilities: [["gpu"]] }]);
    expect(options.Env?.some((entry) => entry.startsWith("NVIDIA_VISIBLE_DEVICES="))).toBe(false);
    expect(optionsFor(jobOf()).HostConfig?.DeviceRequests).toBeUndefined();
  });

  it("publishes no ports, is never restarted, and is not auto-removed (its exit code is read first)", () => {
    const options = optionsFor(jobOf());
    expect(options.ExposedPorts).toBeUndefined();
    expect(options.HostConfig?.PortBindings).toBeUndefined();
    expect(options.HostConfig?.AutoRemove).toBe(false);
    expect(options.HostConfig?.RestartPolicy).toEqual({ Name: "no" });
  });

  it("carries the instance, data-dir and job labels (the orphan sweep reads the first two)", () => {
    expect(optionsFor(jobOf()).Labels).toEqual({ [LABELS.instance]: "inst1", [LABELS.dataDir]: "/data", [JOB_LABEL]: "ft-abc" });
    expect(JOB_LABEL).toBe("launch-local.job");
  });
});
