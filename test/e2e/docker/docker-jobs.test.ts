/**
 * Docker-image batch jobs as containers (server-contract.md §2.5, §3.3, §6.2) through the real API
 * of an instance on the Docker runtime: the bundle's image (mapped to the local test image) runs its
 * command, reads `job_config` at `mount_location` itself, and its exit code is the status; the max
 * runtime and cancel end the container; a missing image is §2.5's 404. Then the runner alone: an
 * image gone after create fails the job, and a job container left by a crashed instance is removed
 * by `reap` and by the start-up sweep.
 */
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/domain/logger.js";
import type { JobRunSpec } from "../../../src/domain/job-ports.js";
import { createInstance, type Instance } from "../../../src/instance.js";
import { JOB_LABEL } from "../../../src/runtime/docker/job-container-spec.js";
import { createDockerJobRunner } from "../../../src/runtime/docker/job-runner.js";
import { LABELS } from "../../../src/runtime/docker/labels.js";
import { waitFor } from "../../helpers/cli-process.js";
import { LaunchHttp } from "../../helpers/launch-http.js";
import {
  TEST_BASE_IMAGE,
  type Sandbox,
  createSandbox,
  createTestRuntime,
  lockDockerSuite,
  newDocker,
  removeSandbox,
  requireDocker,
  shouldRunDockerTests,
} from "./docker-harness.js";

const JOB_IMAGE = "launch-test/di-job";
const READ_CONFIG = [
  "import json, os, sys",
  "text = open('/launch/config.json').read()",
  "print('raw:' + text)",
  "print('greeting:', os.environ['GREETING'], 'job:', os.environ['LAUNCH_JOB_ID'], 'path:', os.environ['LAUNCH_JOB_CONFIG_PATH'])",
  "c = json.loads(text)",
  "sys.exit(c['code'])",
].join("\n");
const LABELS_BODY = { team: "infra", product: "demo" };

const jobContainers = (docker: Dockerode, jobId: string) => docker.listContainers({ all: true, filters: { label: [`${JOB_LABEL}=${jobId}`] } });

describe.skipIf(!shouldRunDockerTests)("docker-image batch jobs as containers, through the API", () => {
  let docker: Dockerode;
  let instance: Instance;
  let http: LaunchHttp;
  let releaseLock: (() => Promise<void>) | undefined;

  const createBundle = async (name: string, fields: Record<string, unknown>): Promise<string> => {
    const created = await http.ok<{ docker_image_batch_job_bundle_id: string }>("POST", "/v1/docker-image-batch-job-bundles", {
      name,
      image_repository: JOB_IMAGE,
      image_tag: "v1",
      resource_requests: { cpus: "0.5", memory: "256Mi" },
      ...fields,
    });
    return created.docker_image_batch_job_bundle_id;
  };
  const createJob = async (body: Record<string, unknown>): Promise<string> =>
    (await http.ok<{ job_id: string }>("POST", "/v1/docker-image-batch-jobs", { labels: LABELS_BODY, ...body })).job_id;
  const statusOf = async (id: string): Promise<string> => (await http.ok<{ status: string }>("GET", `/v1/docker-image-batch-jobs/${id}`)).status;
  const waitForStatus = (id: string, statuses: string[], timeoutMs = 60_000): Promise<string> =>
    waitFor(
      async () => {
        const status = await statusOf(id);
        return statuses.includes(status) ? status : null;
      },
      timeoutMs,
      `job ${id} to reach ${statuses.join("/")}`,
    );
  const logsOf = (id: string) =>
    http.ok<{ status: string; status_reason: string | null; lines: string[] }>("GET", `/_launch_local/docker-image-batch-jobs/${id}/logs`);

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    instance = await createInstance({ port: 0, ephemeral: true, runtime: "docker", imageMap: `${JOB_IMAGE}:v1=${TEST_BASE_IMAGE}`, logLevel: "warn" });
    expect(instance.services.info().runtime).toBe("docker");
    http = new LaunchHttp(instance.url);
  }, 600_000);

  afterAll(async () => {
    await instance?.close();
    if (docker !== undefined && instance !== undefined) {
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.dataDir}=${instance.config.dataDir}`] } });
      expect(left).toEqual([]);
    }
    await releaseLock?.();
  });

  it("runs the bundle's command in its image with job_config at mount_location; exit 0 → SUCCESS, 3 → FAILURE", async () => {
    const bundle = await createBundle("reader", {
      command: ["python3", "-c", READ_CONFIG],
      env: { GREETING: "hi", LAUNCH_JOB_ID: "the bundle cannot override this" },
      mount_location: "/launch/config.json",
    });
    const ok = await createJob({ docker_image_batch_job_bundle_id: bundle, job_config: { code: 0, name: "café", ratio: 0.5 } });
    expect(await waitForStatus(ok, ["SUCCESS", "FAILURE"])).toBe("SUCCESS");
    const lines = (await logsOf(ok)).lines;
    expect(lines).toContain("[launch-local] Image launch-test/di-job:v1 is mapped to launch-local/test-python:bookworm");
    expect(lines).toContain('raw:{"code": 0, "name": "caf\\u00e9", "ratio": 0.5}');
    expect(lines).toContain(`greeting: hi job: ${ok} path: /launch/config.json`);
    expect(await jobContainers(docker, ok)).toEqual([]);

    const failing = await createJob({ docker_image_batch_job_bundle_name: "reader", job_config: { code: 3 } });
    expect(await waitForStatus(failing, ["SUCCESS", "FAILURE"])).toBe("FAILURE");
    expect((await logsOf(failing)).status_reason).toBe("The job's command exited with code 3.");
  }, 120_000);

  it("kills a job at override_job_max_runtime_s: FAILURE, never TIMEOUT, and its container is gone", async () => {
    const bundle = await createBundle("sleeper", { command: ["sleep", "30"] });
    const id = await createJob({ docker_image_batch_job_bundle_id: bundle, override_job_max_runtime_s: 1 });
    const started = Date.now();
    expect(await waitForStatus(id, ["SUCCESS", "FAILURE"], 20_000)).toBe("FAILURE");
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await logsOf(id)).status_reason).toBe("The job exceeded its maximum runtime of 1 s and was stopped.");
    expect(await jobContainers(docker, id)).toEqual([]);
  }, 60_000);

  it("cancel deletes the job and its container; the container had the job's limits, mount and labels", async () => {
    const bundle = await createBundle("long-sleeper", { command: ["sleep", "300"], mount_location: "/launch/config.json" });
    const id = await createJob({ docker_image_batch_job_bundle_id: bundle, job_config: { code: 0 }, resource_requests: { memory: "128Mi" } });
    await waitForStatus(id, ["RUNNING"]);
    const [found] = await jobContainers(docker, id);
    if (!found) throw new Error(`no container for job ${id}`);
    const info = await docker.getContainer(found.Id).inspect();
    expect(info.State.Running).toBe(true);
    expect(info.Config.Labels).toMatchObject({ [JOB_LABEL]: id, [LABELS.dataDir]: instance.config.dataDir });
    expect(info.HostConfig.NanoCpus).toBe(500_000_000);
    expect(info.HostConfig.Memory).toBe(128 * 1024 * 1024);
    expect(info.HostConfig.PortBindings ?? {}).toEqual({});
    expect(info.Mounts.map((mount) => ({ target: mount.Destination, isWritable: mount.RW }))).toEqual([{ target: "/launch/config.json", isWritable: false }]);

    expect(await http.ok("PUT", `/v1/docker-image-batch-jobs/${id}`, { cancel: true })).toEqual({ success: true });
    expect((await http.call("GET", `/v1/docker-image-batch-jobs/${id}`)).status).toBe(404);
    expect(await jobContainers(docker, id)).toEqual([]);
  }, 60_000);

  it("answers 404 for a bundle whose image is not present locally, for jobs and triggers", async () => {
    const bundle = await createBundle("missing-image", { image_repository: "launch-test/missing", image_tag: "nope", command: ["true"] });
    const job = await http.call("POST", "/v1/docker-image-batch-jobs", { docker_image_batch_job_bundle_id: bundle, labels: LABELS_BODY });
    expect(job).toEqual({ status: 404, json: { detail: "The specified docker image launch-test/missing:nope was not found" } });
    const trigger = await http.call("POST", "/v1/triggers", { name: "t", cron_schedule: "@daily", bundle_id: bundle, default_job_metadata: LABELS_BODY });
    expect(trigger).toEqual({ status: 404, json: { detail: "The specified docker image launch-test/missing:nope was not found" } });
  });
});

describe.skipIf(!shouldRunDockerTests)("the Docker job runner on its own", () => {
  let docker: Dockerode;
  let sandbox: Sandbox;
  let releaseLock: (() => Promise<void>) | undefined;

  const sleeperJob = (jobId: string): JobRunSpec => ({
    jobId,
    credentials: null,
    owner: "me",
    jobConfigText: "null",
    spec: {
      imageRepository: TEST_BASE_IMAGE,
      imageTag: "",
      command: ["sleep", "300"],
      env: {},
      mountLocation: "/restricted_launch/batch_payload.json",
      resources: { cpus: 1, memory: "128Mi", storage: null, gpus: null, gpuType: null },
    },
  });
  const runnerOf = (instanceId: string) =>
    createDockerJobRunner({ docker, instanceId, dataDir: sandbox.dataDir, imageMap: {}, logger: silentLogger, gpus: [], env: {} });

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    sandbox = await createSandbox();
  }, 600_000);

  afterAll(async () => {
    if (docker !== undefined && sandbox !== undefined) {
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.dataDir}=${sandbox.dataDir}`] } });
      await Promise.all(left.map((container) => docker.getContainer(container.Id).remove({ force: true })));
      expect(left).toEqual([]);
      await removeSandbox(sandbox);
    }
    await releaseLock?.();
  });

  it("fails a job whose image went missing after create at once, naming the --image-map fix", async () => {
    const runner = runnerOf("missing");
    const job = sleeperJob("ft-missing");
    const run = runner.run({ ...job, spec: { ...job.spec, imageRepository: "launch-test/gone", imageTag: "v9" } }, () => undefined);
    await expect(run).rejects.toThrow(
      "Image launch-test/gone:v9 is not present locally and is never pulled for a job; map it with --image-map launch-test/gone:v9=<local image>",
    );
    expect(await jobContainers(docker, "ft-missing")).toEqual([]);
    await runner.dispose();
  });

  it("reap removes a crashed instance's job container by its ref; the runtime's start-up sweep removes the rest", async () => {
    // The "crashed" runner is never disposed: its containers stay, as after a SIGKILL.
    const crashed = runnerOf("crashed");
    const first = await crashed.run(sleeperJob("ft-crash-1"), () => undefined);
    await crashed.run(sleeperJob("ft-crash-2"), () => undefined);
    expect(await jobContainers(docker, "ft-crash-1")).toHaveLength(1);

    const next = runnerOf("next");
    await next.reap("ft-crash-1", first.ref);
    expect(await jobContainers(docker, "ft-crash-1")).toEqual([]);
    expect(await first.exited).toMatchObject({ error: null });

    const runtime = createTestRuntime(docker, { ...sandbox, instanceId: "next" });
    expect(await runtime.sweepOrphans()).toBe(1);
    expect(await jobContainers(docker, "ft-crash-2")).toEqual([]);
    await runtime.dispose();
    await next.dispose();
    await crashed.dispose();
  }, 60_000);
});
