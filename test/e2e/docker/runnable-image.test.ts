/**
 * Runnable images in containers, as the real pod runs them (server-contract.md §4.1): the image's
 * own server on port 5005 started with the bundle's command, readiness from healthcheck_route after
 * the initial delay, sync predict and SSE streaming through the published loopback port.
 */
import { readFile } from "node:fs/promises";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamingFlavor } from "../../../src/domain/bundle.js";
import { LaunchError } from "../../../src/domain/errors.js";
import type { DockerRuntime } from "../../../src/runtime/docker/docker-runtime.js";
import { echoServerPath } from "../../helpers/python.js";
import {
  type Sandbox,
  TEST_BASE_IMAGE,
  buildTestImage,
  bundleOf,
  createSandbox,
  createTestRuntime,
  instanceContainers,
  newDocker,
  postJson,
  removeImages,
  removeSandbox,
  requireDocker,
  runnableFlavor,
  shouldRunDockerTests,
  specOf,
  lockDockerSuite,
} from "./docker-harness.js";

const ECHO_COMMAND = ["python3", "/app/echo_server.py", "--host", "0.0.0.0", "--port", "5005"];

describe.skipIf(!shouldRunDockerTests)("Docker runtime: runnable images", () => {
  let docker: Dockerode;
  let sandbox: Sandbox;
  let runtime: DockerRuntime;
  const echoImage = `launch-local-test/echo:${Date.now().toString(36)}`;

  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    sandbox = await createSandbox();
    // Runnable images get no mounts on the real platform, so the user server is baked into an image.
    await buildTestImage(docker, echoImage, {
      Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCOPY echo_server.py /app/echo_server.py\n`,
      "echo_server.py": await readFile(echoServerPath, "utf8"),
    });
    runtime = createTestRuntime(docker, sandbox, { imageMap: { "model-engine": echoImage } });
  });

  afterAll(async () => {
    // beforeAll may have stopped early (CI=true without an engine): undo only what it did.
    await runtime?.dispose();
    if (docker !== undefined) await removeImages(docker, [echoImage]);
    if (sandbox !== undefined) await removeSandbox(sandbox);
    await releaseLock?.();
  });

  it("runs the command and forwards a sync predict (number literals intact)", async () => {
    const bundle = bundleOf(runnableFlavor("model-engine", "abc", ECHO_COMMAND, { env: { GREETING: "hi" } }));
    const log: string[] = [];
    await runtime.prepare(bundle, 0, (line) => log.push(line));
    expect(log).toContain(`Image model-engine:abc is mapped to ${echoImage}`);
    const worker = await runtime.start(specOf(bundle, { cpus: 1, memory: "128Mi" }), (line) => log.push(line));
    await worker.ready;
    const response = await fetch(`${worker.baseUrl}/predict`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"x": 1.0}' });
    expect(await response.text()).toBe('{"x": 1.0}');
    expect(log).toContain("echo-server ready on 0.0.0.0:5005");

    const container = docker.getContainer((await instanceContainers(docker, sandbox.instanceId))[0]?.Id ?? "");
    const info = await container.inspect();
    expect(info.Config.Cmd).toEqual(ECHO_COMMAND);
    expect(info.Config.Env).toContain("GREETING=hi");
    expect(info.HostConfig.Mounts ?? []).toEqual([]);
    expect(info.HostConfig.Memory).toBe(128 * 1024 * 1024);
    await worker.stop();
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });

  it("streams from a streaming image started with streaming_command", async () => {
    const flavor: StreamingFlavor = {
      ...runnableFlavor("model-engine", "abc", []),
      flavor: "streaming_enhanced_runnable_image",
      streaming_command: ["python3", "/app/echo_server.py", "--host", "0.0.0.0"],
      streaming_predict_route: "/stream",
    };
    const bundle = bundleOf(flavor);
    await runtime.prepare(bundle, 0, () => undefined);
    const worker = await runtime.start(specOf(bundle, { endpointType: "streaming" }), () => undefined);
    await worker.ready;
    const response = await fetch(`${worker.baseUrl}/stream`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"y": 1}' });
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await response.text()).toBe('data: {"y": 1}\r\n\r\n');
    expect((await postJson(`${worker.baseUrl}/predict`, { y: 1 })).json).toEqual({ y: 1 });
    await worker.stop();
  });

  it("waits readiness_initial_delay_seconds before probing the health route", async () => {
    const bundle = bundleOf(runnableFlavor("model-engine", "abc", ECHO_COMMAND, { readiness_initial_delay_seconds: 1, healthcheck_route: "/healthz" }));
    const startedAt = Date.now();
    const worker = await runtime.start(specOf(bundle), () => undefined);
    await worker.ready;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1000);
    await worker.stop();
  });

  it("a container killed from outside resolves exited and is removed", async () => {
    const bundle = bundleOf(runnableFlavor("model-engine", "abc", ECHO_COMMAND));
    const worker = await runtime.start(specOf(bundle), () => undefined);
    await worker.ready;
    const [running] = await instanceContainers(docker, sandbox.instanceId);
    await newDocker()
      .getContainer(running?.Id ?? "")
      .kill();
    expect(await worker.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(await instanceContainers(docker, sandbox.instanceId)).toEqual([]);
  });

  it("reports a command that exits at once through ready, with its stderr", async () => {
    const bundle = bundleOf(runnableFlavor("model-engine", "abc", ["python3", "-c", "import sys; sys.stderr.write('no model here\\n'); sys.exit(3)"]));
    const worker = await runtime.start(specOf(bundle), () => undefined);
    await expect(worker.ready).rejects.toThrow("Worker container exited with code 3 before becoming ready; last stderr lines: no model here");
    expect(await worker.exited).toEqual({ code: 3, signal: null });
    expect(await instanceContainers(docker, sandbox.instanceId)).toEqual([]);
  });

  it("fails start with the engine's reason when the command does not exist in the image", async () => {
    const bundle = bundleOf(runnableFlavor("model-engine", "abc", ["/no/such/server"]));
    await expect(runtime.start(specOf(bundle), () => undefined)).rejects.toThrow(/^Docker could not start worker end_e2e-w\d+: .*no such file or directory/);
    expect(await instanceContainers(docker, sandbox.instanceId)).toEqual([]);
  });

  it("fails prepare with a clear status_reason for an image that is not available", async () => {
    const bundle = bundleOf(runnableFlavor("launch-local-test/missing", "v1", ECHO_COMMAND));
    const error: unknown = await runtime.prepare(bundle, 0, () => undefined).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LaunchError);
    expect(error instanceof Error ? error.message : "").toMatch(
      /^Image launch-local-test\/missing:v1 is not available locally and could not be pulled \(.+\); map it with --image-map launch-local-test\/missing:v1=<local image>$/,
    );
  });
});
