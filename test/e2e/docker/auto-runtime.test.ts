/**
 * `--runtime auto` with a running engine chooses per endpoint (issue 19 item 4): with no base image
 * the README's quick start is served by local processes and says why (creation logs, status_reason
 * while READY, one terminal line); with the base image mapped it runs in Docker; `--runtime docker`
 * stays strict and fails as documented. The registry is whatever this engine reaches: none here and
 * in CI. Were one reachable, pytorch/pytorch:1.7.0 would be pullable (gigabytes), so the tests then
 * ask for a tag no registry has. "Pullable" itself is tested against fake registry answers
 * (test/unit/runtime/runtime-router.test.ts).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstance, type Instance } from "../../../src/instance.js";
import { httpImageEngine, plainEngineTarget } from "../../../src/runtime/docker/engine-probe.js";
import { LABELS } from "../../../src/runtime/docker/labels.js";
import { type CliProcess, readPortFile, startCli, waitFor } from "../../helpers/cli-process.js";
import { buildPickle, LaunchHttp } from "../../helpers/launch-http.js";
import { TEST_BASE_IMAGE, bundleImageTags, lockDockerSuite, newDocker, removeImages, requireDocker, shouldRunDockerTests } from "./docker-harness.js";

/** The README quick start's model. */
const DOUBLER = `
def load_model_fn():
    def my_model(x):
        return x * 2
    return my_model
def load_predict_fn(model):
    def predict(x):
        return model(x)
    return predict
`;

interface EndpointView {
  status: string;
  status_reason: string | null;
}

async function quickStart(http: LaunchHttp, tag: string): Promise<string> {
  const bundleId = await http.createCloudpickleBundle("doubler", buildPickle(DOUBLER), [], tag);
  return http.createEndpoint("doubler", bundleId, { endpoint_type: "async", min_workers: 0, max_workers: 2 });
}

async function settled(http: LaunchHttp, endpointId: string): Promise<EndpointView> {
  return waitFor(
    async () => {
      const view = await http.ok<EndpointView>("GET", `/v1/model-endpoints/${endpointId}`);
      return view.status === "READY" || view.status === "UPDATE_FAILED" ? view : null;
    },
    180_000,
    "the endpoint's build",
  );
}

async function predict42(http: LaunchHttp, endpointId: string): Promise<unknown> {
  const { task_id } = await http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { x: 21 } });
  const done = await waitFor(
    async () => {
      const task = await http.ok<{ status: string; result: unknown }>("GET", `/v1/async-tasks/${task_id}`);
      return task.status === "SUCCESS" || task.status === "FAILURE" ? task : null;
    },
    180_000,
    "the task",
  );
  return done.result;
}

const creationLogs = async (http: LaunchHttp): Promise<string> =>
  ((await http.ok<{ content: string }>("GET", "/v1/hosted_inference/endpoints/creation_logs/doubler")).content ?? "").toString();

describe.skipIf(!shouldRunDockerTests)("--runtime auto with a running engine", () => {
  let docker: Dockerode;
  let releaseLock: (() => Promise<void>) | undefined;
  /** The quick start's tag, unless a registry this engine reaches could serve it. */
  let tag = "1.7.0";
  const builtTags: string[] = [];

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    const target = plainEngineTarget(process.env);
    if (target === null) throw new Error("these tests need an engine plain HTTP reaches (a unix socket or tcp without TLS)");
    const images = httpImageEngine(target);
    expect(await images.hasImage(TEST_BASE_IMAGE)).toBe(true);
    expect(await images.hasImage("pytorch/pytorch:1.7.0")).toBe(false);
    if ((await images.whyNotPullable("pytorch/pytorch:1.7.0")) === null) tag = "0.0.0-launch-local-absent";
  }, 600_000);

  afterAll(async () => {
    await removeImages(docker, builtTags);
    await releaseLock?.();
  });

  it("serves the quick start with no base image through local processes, and says why", async () => {
    const dir = await mkdtemp(join(tmpdir(), "launch-auto-"));
    const portFile = join(dir, "port");
    let cli: CliProcess | undefined;
    try {
      cli = startCli(["--port", "0", "--port-file", portFile, "--data-dir", join(dir, "data")], {
        LAUNCH_LOCAL_RUNTIME: undefined,
        LAUNCH_LOCAL_IMAGE_MAP: undefined,
      });
      const port = await waitFor(() => readPortFile(portFile), 60_000, "the port file");
      expect(cli.stdout()).toContain("(runtime: auto,");
      const http = new LaunchHttp(`http://127.0.0.1:${port}`);
      const endpointId = await quickStart(http, tag);
      const view = await settled(http, endpointId);
      const why = `Runs as local processes, not in Docker (--runtime auto): Base image pytorch/pytorch:${tag} is not present locally and cannot be pulled (`;
      expect(view.status).toBe("READY");
      expect(view.status_reason).toContain(why);
      expect(view.status_reason).toMatch(/\); map it with --image-map pytorch=<local image> to run it in Docker$/);
      expect(await creationLogs(http)).toContain(`Runtime: ${why}`);
      expect(await predict42(http, endpointId)).toEqual({ result: "42" });

      const { workers } = await http.ok<{ workers: { pid: number | null }[] }>("GET", `/_launch_local/endpoints/${endpointId}/workers`);
      expect(workers.length).toBeGreaterThan(0);
      for (const worker of workers) expect(worker.pid).toEqual(expect.any(Number));
      const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.endpoint}=${endpointId}`] } });
      expect(containers).toEqual([]);
      // One line on the terminal for the endpoint's choice.
      expect(
        cli
          .stderr()
          .split("\n")
          .filter((line) => line.includes("not in Docker (--runtime auto)")),
      ).toHaveLength(1);
    } finally {
      cli?.child.kill("SIGTERM");
      await cli?.exited;
      await rm(dir, { recursive: true, force: true });
    }
  }, 360_000);

  it("runs the same endpoint in Docker once its base image is mapped", async () => {
    const terminal: string[] = [];
    const instance: Instance = await createInstance(
      { port: 0, ephemeral: true, runtime: "auto", imageMap: `pytorch=${TEST_BASE_IMAGE}`, logLevel: "info" },
      { logWriter: (line) => terminal.push(line) },
    );
    try {
      expect(instance.services.info().runtime).toBe("auto");
      const http = new LaunchHttp(instance.url);
      const endpointId = await quickStart(http, tag);
      const view = await settled(http, endpointId);
      expect(view).toMatchObject({ status: "READY", status_reason: null });
      const logs = await creationLogs(http);
      builtTags.push(...bundleImageTags(logs.split("\n")));
      expect(logs).toContain(`Runtime: Docker (--runtime auto): Base image ${TEST_BASE_IMAGE} (mapped from pytorch/pytorch:${tag}) is present locally`);
      expect(await predict42(http, endpointId)).toEqual({ result: "42" });
      const containers = await docker.listContainers({ filters: { label: [`${LABELS.endpoint}=${endpointId}`] } });
      expect(containers.length).toBeGreaterThan(0);
      expect(terminal.filter((line) => line.includes("not in Docker"))).toEqual([]);
    } finally {
      await instance.close();
    }
  }, 360_000);

  it("keeps --runtime docker strict: the endpoint fails with the documented message", async () => {
    const instance = await createInstance({ port: 0, ephemeral: true, runtime: "docker", logLevel: "warn" });
    try {
      expect(instance.services.info().runtime).toBe("docker");
      const http = new LaunchHttp(instance.url);
      const view = await settled(http, await quickStart(http, tag));
      expect(view.status).toBe("UPDATE_FAILED");
      expect(view.status_reason).toMatch(
        new RegExp(
          `^Base image pytorch/pytorch:${tag.replace(/\./g, "\\.")} is not available locally and could not be pulled \\(.+\\); map it with --image-map pytorch=<local image>$`,
        ),
      );
    } finally {
      await instance.close();
    }
  }, 360_000);
});
