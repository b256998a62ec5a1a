/**
 * The Docker runtime behind the real API (issue 3): the same answers on the wire as the process
 * runtime — an artifact bundle in containers (sync, async from zero workers), a runnable image
 * (sync and streaming), and a worker container killed from outside while it runs an async task.
 */
import { readFile } from "node:fs/promises";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInstance, type Instance } from "../../../src/instance.js";
import { LABELS } from "../../../src/runtime/docker/labels.js";
import { waitFor } from "../../helpers/cli-process.js";
import { buildPickle, LaunchHttp } from "../../helpers/launch-http.js";
import { echoServerPath } from "../../helpers/python.js";
import {
  TEST_BASE_IMAGE,
  buildTestImage,
  bundleImageTags,
  lockDockerSuite,
  newDocker,
  removeImages,
  requireDocker,
  shouldRunDockerTests,
} from "./docker-harness.js";

const ECHO = `
import time
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        time.sleep(kwargs.get("sleep", 0))
        return kwargs
    return predict
`;

describe.skipIf(!shouldRunDockerTests)("Docker runtime through the API", () => {
  let docker: Dockerode;
  let instance: Instance;
  let http: LaunchHttp;
  let bundleId: string;
  const echoImage = `launch-local-test/api-echo:${Date.now().toString(36)}`;

  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    await buildTestImage(docker, echoImage, {
      Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCOPY echo_server.py /app/echo_server.py\n`,
      "echo_server.py": await readFile(echoServerPath, "utf8"),
    });
    instance = await createInstance({
      port: 0,
      ephemeral: true,
      runtime: "docker",
      imageMap: `pytorch=${TEST_BASE_IMAGE},echo-server=${echoImage}`,
      logLevel: "warn",
    });
    expect(instance.services.info().runtime).toBe("docker");
    http = new LaunchHttp(instance.url);
    bundleId = await http.createCloudpickleBundle("echo", buildPickle(ECHO));
  }, 600_000);

  afterAll(async () => {
    // The bundle image is content-hashed and shared with other Docker test files: remove it so theirs build afresh.
    const builtTags: string[] = [];
    if (http !== undefined) {
      const logs = await http.call("GET", "/v1/hosted_inference/endpoints/creation_logs/echo-sync");
      const content = (logs.json as { content?: unknown } | null)?.content;
      if (typeof content === "string") builtTags.push(...bundleImageTags(content.split("\n")));
    }
    await instance?.close();
    if (docker !== undefined) {
      const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.dataDir}=${instance?.config.dataDir ?? ""}`] } });
      expect(left).toEqual([]);
      await removeImages(docker, [echoImage, ...builtTags]);
    }
    await releaseLock?.();
  });

  it("serves an artifact bundle from containers: sync, and async from zero workers", async () => {
    const syncId = await http.createEndpoint("echo-sync", bundleId, { endpoint_type: "sync", min_workers: 1, max_workers: 1 });
    await http.waitForWorkers(syncId, 120_000);
    const answer = await http.ok("POST", `/v1/sync-tasks?model_endpoint_id=${syncId}`, { args: { y: 1 } });
    expect(answer).toEqual({ status: "SUCCESS", result: { result: '{"y": 1}' }, traceback: null, status_code: 200 });

    const asyncId = await http.createEndpoint("echo-async", bundleId, { endpoint_type: "async", min_workers: 0, max_workers: 1 });
    const { task_id } = await http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${asyncId}`, { args: { y: 2 } });
    const done = await waitFor(
      async () => {
        const task = await http.ok<{ status: string; result: unknown }>("GET", `/v1/async-tasks/${task_id}`);
        return task.status === "SUCCESS" ? task : null;
      },
      120_000,
      "the async task",
    );
    expect(done.result).toEqual({ result: '{"y": 2}' });
  }, 240_000);

  it("runs a runnable image and streams from it", async () => {
    const command = ["python3", "/app/echo_server.py", "--host", "0.0.0.0", "--port", "5005"];
    const { model_bundle_id } = await http.ok<{ model_bundle_id: string }>("POST", "/v2/model-bundles", {
      name: "echo-stream",
      schema_location: "s3://launch-local/none",
      flavor: {
        flavor: "streaming_enhanced_runnable_image",
        repository: "echo-server",
        tag: "local",
        command,
        streaming_command: command,
        protocol: "http",
        readiness_initial_delay_seconds: 0,
      },
    });
    const streamId = await http.createEndpoint("echo-stream", model_bundle_id, { endpoint_type: "streaming", per_worker: 1 });
    await http.waitForWorkers(streamId, 120_000);
    // Sent as text: `1.0` must reach the user server as a float literal (JSON.stringify would write 1).
    const syncResponse = await fetch(`${instance.url}/v1/sync-tasks?model_endpoint_id=${streamId}`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("me:").toString("base64")}`, "content-type": "application/json" },
      body: '{"args": {"x": 1.0}}',
    });
    const sync: unknown = await syncResponse.json();
    expect(sync).toEqual({ status: "SUCCESS", result: { result: '{"x": 1.0}' }, traceback: null, status_code: 200 });
    const response = await fetch(`${instance.url}/v1/streaming-tasks?model_endpoint_id=${streamId}`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("me:").toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ args: { y: 1 } }),
    });
    expect((await response.text()).trim()).toBe('data: {"status":"SUCCESS","result":{"result":{"y":1}},"traceback":null,"status_code":200}');
  }, 240_000);

  it("replaces a worker container killed from outside; its async task still completes", async () => {
    const endpointId = await http.createEndpoint("echo-kill", bundleId, { endpoint_type: "async", min_workers: 1, max_workers: 1 });
    await http.waitForWorkers(endpointId, 120_000);
    const { task_id } = await http.ok<{ task_id: string }>("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { sleep: 2, y: 3 } });
    await waitFor(async () => ((await http.ok<{ status: string }>("GET", `/v1/async-tasks/${task_id}`)).status === "STARTED" ? true : null), 30_000, "STARTED");
    const [container] = await docker.listContainers({ filters: { label: [`${LABELS.endpoint}=${endpointId}`] } });
    if (!container) throw new Error("no container for the endpoint");
    await docker.getContainer(container.Id).kill();

    const done = await waitFor(
      async () => {
        const task = await http.ok<{ status: string; result: unknown }>("GET", `/v1/async-tasks/${task_id}`);
        return task.status === "SUCCESS" ? task : null;
      },
      120_000,
      "the retried task",
    );
    expect(done.result).toEqual({ result: '{"sleep": 2, "y": 3}' });
    const endpoint = await http.ok<{ status: string }>("GET", `/v1/model-endpoints/${endpointId}`);
    expect(endpoint.status).toBe("READY");
    const now = await docker.listContainers({ filters: { label: [`${LABELS.endpoint}=${endpointId}`] } });
    expect(now.map((c) => c.Id)).not.toContain(container.Id);
  }, 240_000);
});
