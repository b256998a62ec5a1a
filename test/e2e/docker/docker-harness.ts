/**
 * Shared set-up of the Docker end-to-end tests. They run when an engine answers and the test base
 * image (scripts/ci/build-test-image.sh) exists; with CI=true they never skip: a missing engine or
 * image fails the suite instead.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Dockerode from "dockerode";
import type { BundleFlavor, BundleRecord, RunnableFlavor } from "../../../src/domain/bundle.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { WorkerLaunchSpec } from "../../../src/domain/ports.js";
import { createDockerRuntime, type DockerRuntime, type DockerRuntimeOptions } from "../../../src/runtime/docker/docker-runtime.js";
import { isDockerAvailable } from "../../../src/runtime/docker/engine-info.js";
import { LABELS } from "../../../src/runtime/docker/labels.js";
import { localImageId } from "../../../src/runtime/docker/local-image.js";
import { followProgress } from "../../../src/runtime/docker/progress-stream.js";
import { type TarEntry, tarStream } from "../../../src/runtime/docker/tar-writer.js";
import { findPython } from "../../helpers/python.js";

export const TEST_BASE_IMAGE = process.env["LAUNCH_TEST_IMAGE"] ?? "launch-local/test-python:bookworm";
const isCI = process.env["CI"] === "true";

const probe = new Dockerode();
const hasEngine = await isDockerAvailable(probe, 3000);
const hasBaseImage = hasEngine && (await localImageId(probe, TEST_BASE_IMAGE)) !== null;

/** Whether the suite runs here; in CI it always runs (and fails in `requireDocker` when it cannot). */
export const shouldRunDockerTests = isCI || (hasEngine && hasBaseImage);

export function requireDocker(): void {
  if (!hasEngine) throw new Error("CI=true but no Docker engine answers: run scripts/ci/install-docker.sh first");
  if (!hasBaseImage) throw new Error(`CI=true but ${TEST_BASE_IMAGE} is missing: run scripts/ci/build-test-image.sh first`);
}

/**
 * Docker test files share one engine and, through content-hashed tags, the same bundle images (a
 * file that removes "its" image would pull it from under another). They take turns: an exclusive
 * lock directory, taken in beforeAll and released in afterAll; a lock whose owner died is broken.
 */
export async function lockDockerSuite(timeoutMs = 600_000): Promise<() => Promise<void>> {
  const lock = join(tmpdir(), "launch-local-docker-e2e.lock");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      return () => rm(lock, { recursive: true, force: true });
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    }
    const owner = Number(await readFile(join(lock, "pid"), "utf8").catch(() => "0"));
    if (owner > 0 && !isAlive(owner)) await rm(lock, { recursive: true, force: true });
    if (Date.now() > deadline) throw new Error(`the Docker e2e lock ${lock} was held for ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A fresh client per test file (no shared module state between files). */
export const newDocker = (): Dockerode => new Dockerode();

export interface Sandbox {
  dir: string;
  dataDir: string;
  blobRoot: string;
  instanceId: string;
}

export async function createSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), "launch-docker-e2e-"));
  return { dir, dataDir: join(dir, "data"), blobRoot: join(dir, "blobs"), instanceId: `test-${randomBytes(4).toString("hex")}` };
}

export async function removeSandbox(sandbox: Sandbox): Promise<void> {
  await rm(sandbox.dir, { recursive: true, force: true });
}

export function createTestRuntime(docker: Dockerode, sandbox: Sandbox, overrides: Partial<DockerRuntimeOptions> = {}): DockerRuntime {
  return createDockerRuntime({
    docker,
    instanceId: sandbox.instanceId,
    dataDir: sandbox.dataDir,
    blobRoot: sandbox.blobRoot,
    resultsBucket: "launch-local",
    workerDir: resolve("src/worker"),
    logger: silentLogger,
    startTimeoutMs: 30_000,
    imageMap: { pytorch: TEST_BASE_IMAGE },
    gpus: [],
    python: findPython(),
    env: process.env,
    ...overrides,
  });
}

/** Containers of one instance still known to the engine (running or not). */
export async function instanceContainers(docker: Dockerode, instanceId: string): Promise<Dockerode.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instanceId}`] } });
}

export async function containerOfWorker(docker: Dockerode, workerId: string): Promise<Dockerode.Container> {
  const [found] = await docker.listContainers({ all: true, filters: { label: [`${LABELS.worker}=${workerId}`] } });
  if (!found) throw new Error(`no container for worker ${workerId}`);
  return docker.getContainer(found.Id);
}

/** Builds an image from in-memory files with the project's own tar writer; throws on a failed build. */
export async function buildTestImage(docker: Dockerode, tag: string, files: Record<string, string>): Promise<void> {
  const entries: TarEntry[] = Object.entries(files).map(([name, text]) => ({ name, mode: 0o644, source: { data: Buffer.from(text) } }));
  const stream = await docker.buildImage(tarStream(entries), { t: tag, rm: true, forcerm: true });
  const error = await followProgress(stream, () => undefined);
  if (error !== null) throw new Error(`building ${tag} failed: ${error}`);
}

/** Removes images this file created; one still in use elsewhere (another test file) is left alone. */
export async function removeImages(docker: Dockerode, tags: Iterable<string>): Promise<void> {
  for (const tag of new Set(tags)) {
    await docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
  }
}

/**
 * Removes every bundle image on the engine (label launch-local.bundle-image=1) that no container
 * uses: their tags are content hashes, so one left by an earlier run (a bench, a crashed test) would
 * be reused where a test expects a build. Call it holding lockDockerSuite.
 */
export async function removeBundleImages(docker: Dockerode): Promise<void> {
  const images = await docker.listImages({ filters: { label: ["launch-local.bundle-image=1"] } });
  for (const image of images) {
    await docker
      .getImage(image.Id)
      .remove()
      .catch(() => undefined);
  }
}

/** The bundle image tags a prepare log mentions (to remove them afterwards). */
export const bundleImageTags = (lines: readonly string[]): string[] =>
  lines.flatMap((line) => /(?:Building|Reusing) image (launch-local\/bundle:[0-9a-f]+)/.exec(line)?.[1] ?? []);

let counter = 0;

export const bundleOf = (flavor: BundleFlavor): BundleRecord => ({
  id: `bun_${++counter}`,
  name: "b",
  owner: "u",
  createdBy: "u",
  createdAt: 0,
  metadata: {},
  schemaLocation: null,
  modelArtifactIds: [],
  flavor,
  legacy: null,
});

export const specOf = (bundle: BundleRecord, overrides: Partial<WorkerLaunchSpec> = {}): WorkerLaunchSpec => ({
  endpointId: "end_e2e",
  endpointName: "e2e",
  workerId: `end_e2e-w${++counter}`,
  bundle,
  artifactPath: null,
  concurrency: 1,
  cpus: 1,
  memory: "256Mi",
  gpus: 0,
  endpointType: "sync",
  ...overrides,
});

export const runnableFlavor = (repository: string, tag: string, command: string[], overrides: Partial<RunnableFlavor> = {}): RunnableFlavor => ({
  flavor: "runnable_image",
  repository,
  tag,
  command,
  predict_route: "/predict",
  healthcheck_route: "/readyz",
  env: null,
  protocol: "http",
  readiness_initial_delay_seconds: 0,
  extra_routes: [],
  routes: [],
  forwarder_type: null,
  worker_command: null,
  worker_env: null,
  ...overrides,
});

/** `token`: the worker's (WorkerHandle.token), which launch-local's worker checks on every call. */
export async function postJson(url: string, body: unknown, token: string | null = null): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token === null ? {} : { "x-launch-worker-token": token }) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text.length > 0 ? (JSON.parse(text) as unknown) : null };
}
