import { mkdtempSync, rmSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { silentLogger } from "../../../src/domain/logger.js";
import { chooseRuntime } from "../../../src/runtime/choose-runtime.js";
import { httpImageEngine } from "../../../src/runtime/docker/engine-probe.js";

/**
 * `--runtime auto`'s image questions over plain HTTP, against a fake engine on a unix socket that
 * answers as Docker 20.10 does offline (no registry reachable) and for a known image.
 */
const OFFLINE = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.0.0.53:53: no such host';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

async function fakeEngine(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ socketPath: string; seen: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), "launch-auto-engine-"));
  const socketPath = join(dir, "docker.sock");
  const seen: string[] = [];
  const engine = createServer((request, response) => {
    seen.push(`${request.method} ${request.url ?? ""}`);
    handle(request, response);
  });
  await new Promise<void>((resolve) => engine.listen(socketPath, resolve));
  cleanups.push(() => {
    engine.closeAllConnections();
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { socketPath, seen };
}

const json = (response: ServerResponse, status: number, body: unknown) =>
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/** Answers like an engine that has `local` images and whose registry knows `known` ones. */
const dockerLike = (local: string[], known: string[]) => (request: IncomingMessage, response: ServerResponse) => {
  const url = request.url ?? "";
  if (url === "/_ping") return void response.writeHead(200).end("OK");
  if (url.startsWith("/containers/json")) return json(response, 200, []);
  const image = /^\/(images|distribution)\/(.+)\/json$/.exec(url);
  if (image?.[1] === "images")
    return local.includes(image[2] ?? "") ? json(response, 200, { Id: "sha256:1" }) : json(response, 404, { message: `No such image: ${image[2]}` });
  if (image?.[1] === "distribution")
    return known.includes(image[2] ?? "") ? json(response, 200, { Descriptor: {} }) : json(response, 500, { message: OFFLINE });
  json(response, 404, { message: "page not found" });
};

describe("httpImageEngine: auto's image questions without dockerode", () => {
  it("asks /images/{name}/json and /distribution/{name}/json, with the engine's own reason", async () => {
    const { socketPath, seen } = await fakeEngine(dockerLike(["launch-local/test-python:bookworm"], ["python:3.11"]));
    const images = httpImageEngine({ socketPath });
    expect(await images.hasImage("launch-local/test-python:bookworm")).toBe(true);
    expect(await images.hasImage("pytorch/pytorch:1.7.0")).toBe(false);
    expect(await images.whyNotPullable("python:3.11")).toBeNull();
    expect(await images.whyNotPullable("pytorch/pytorch:1.7.0")).toBe(OFFLINE);
    expect(seen).toEqual([
      "GET /images/launch-local/test-python:bookworm/json",
      "GET /images/pytorch/pytorch:1.7.0/json",
      "GET /distribution/python:3.11/json",
      "GET /distribution/pytorch/pytorch:1.7.0/json",
    ]);
  });

  it("fails an inspect the engine refuses, and gives up on a registry that never answers", async () => {
    const { socketPath } = await fakeEngine((request, response) => {
      if ((request.url ?? "").startsWith("/images/")) return json(response, 500, { message: "engine broke" });
      // A registry behind a proxy the engine does not use: no answer at all.
    });
    const images = httpImageEngine({ socketPath }, 200);
    await expect(images.hasImage("x:1")).rejects.toThrow("inspecting x:1 answered 500: engine broke");
    expect(await images.whyNotPullable("x:1")).toBe("no registry answered the engine within 0.2 s");
  });
});

describe("chooseRuntime with an engine answering", () => {
  const options = (runtime: "auto" | "docker", socketPath: string) => ({
    runtime,
    dataDir: "/tmp/launch-auto-data",
    blobRoot: "/tmp/launch-auto-data/blobs",
    resultsBucket: "launch-local",
    python: "python3",
    workerStartTimeoutMs: 1000,
    gpus: [],
    gpuPolicy: "strict" as const,
    imageMap: "",
    workerDir: "/tmp/worker",
    llmPython: null,
    logger: silentLogger,
    env: { DOCKER_HOST: `unix://${socketPath}` },
    clock: new FakeClock(),
  });

  it("routes per endpoint under auto, and stays Docker-only under --runtime docker", async () => {
    const { socketPath } = await fakeEngine(dockerLike([], []));
    const auto = await chooseRuntime(options("auto", socketPath));
    const docker = await chooseRuntime(options("docker", socketPath));
    expect([auto.runtime.name, auto.jobRunner.name]).toEqual(["auto", "docker"]);
    expect([docker.runtime.name, docker.jobRunner.name]).toEqual(["docker", "docker"]);
    await Promise.all([auto.runtime.dispose(), docker.runtime.dispose()]);
  });
});
