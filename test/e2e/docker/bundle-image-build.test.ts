/**
 * Bundle image builds beyond the happy path: requirements installed offline from wheels the host
 * downloaded, and the failures that must end in a clear status_reason (a missing base image, an
 * unresolvable requirement, a build step that fails inside the image).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CloudpickleFlavor } from "../../../src/domain/bundle.js";
import { LaunchError } from "../../../src/domain/errors.js";
import type { DockerRuntime } from "../../../src/runtime/docker/docker-runtime.js";
import { runPythonOrThrow } from "../../helpers/python.js";
import {
  type Sandbox,
  TEST_BASE_IMAGE,
  buildTestImage,
  bundleImageTags,
  bundleOf,
  createSandbox,
  createTestRuntime,
  newDocker,
  postJson,
  removeImages,
  removeSandbox,
  requireDocker,
  shouldRunDockerTests,
  specOf,
  lockDockerSuite,
} from "./docker-harness.js";

// load_model_fn imports a package that only the requirements bring into the image.
const MAKE_IDNA_BUNDLE = `
import sys, cloudpickle
def load_model_fn():
    import idna
    return idna.__version__
def load_predict_fn(model):
    def predict(**kwargs):
        return {"idna": model, **kwargs}
    return predict
with open(sys.argv[1], "wb") as f:
    cloudpickle.dump({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}, f)
`;

const flavorWith = (requirements: string[], framework: CloudpickleFlavor["framework"]): CloudpickleFlavor => ({
  flavor: "cloudpickle_artifact",
  requirements,
  framework,
  app_config: null,
  location: "s3://launch-local/model-bundles/u/idna.pkl",
  load_predict_fn: "predict",
  load_model_fn: "model",
});

const pytorch = { framework_type: "pytorch", pytorch_image_tag: "1.7.0" } as const;

async function prepareError(runtime: DockerRuntime, flavor: CloudpickleFlavor, log: string[]): Promise<LaunchError> {
  const error: unknown = await runtime
    .prepare(bundleOf(flavor), 0, (line) => log.push(line))
    .then(
      () => null,
      (caught: unknown) => caught,
    );
  if (!(error instanceof LaunchError)) throw new Error(`expected a LaunchError, got ${String(error)}`);
  return error;
}

describe.skipIf(!shouldRunDockerTests)("Docker runtime: bundle image builds", () => {
  let docker: Dockerode;
  let sandbox: Sandbox;
  let runtime: DockerRuntime;
  const noPipImage = `launch-local-test/no-pip:${Date.now().toString(36)}`;
  const buildLog: string[] = [];

  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    sandbox = await createSandbox();
    await mkdir(sandbox.blobRoot, { recursive: true });
    // A base image whose pip is gone: installing requirements in it fails inside the build.
    await buildTestImage(docker, noPipImage, {
      Dockerfile: `FROM ${TEST_BASE_IMAGE}\nRUN rm -rf /usr/lib/python3/dist-packages/pip\n`,
    });
    runtime = createTestRuntime(docker, sandbox, {
      imageMap: { pytorch: TEST_BASE_IMAGE, "no-pip/base:1": noPipImage },
    });
  });

  afterAll(async () => {
    // beforeAll may have stopped early (CI=true without an engine): undo only what it did.
    await runtime?.dispose();
    if (docker !== undefined) await removeImages(docker, [...bundleImageTags(buildLog), noPipImage]);
    if (sandbox !== undefined) await removeSandbox(sandbox);
    await releaseLock?.();
  });

  it("installs requirements from wheels downloaded on the host, with no network in the build", async () => {
    const bundlePath = join(sandbox.dir, "idna.pkl");
    await runPythonOrThrow(["-c", MAKE_IDNA_BUNDLE, bundlePath]);
    const bundle = bundleOf(flavorWith(["idna"], pytorch));
    await runtime.prepare(bundle, 0, (line) => buildLog.push(line));
    expect(buildLog.some((line) => line.startsWith("Downloading requirements on the host: idna"))).toBe(true);
    expect(buildLog.some((line) => /Successfully installed idna/.test(line))).toBe(true);

    const worker = await runtime.start(specOf(bundle, { artifactPath: bundlePath }), () => undefined);
    await worker.ready;
    const { status, json } = await postJson(`${worker.baseUrl}/predict`, { args: { y: 1 } }, worker.token ?? null);
    expect(status).toBe(200);
    expect(json).toEqual({ result: expect.stringMatching(/^\{"idna": "[0-9.]+", "y": 1\}$/) });
    await worker.stop();
  });

  it("fails with a clear status_reason when the base image is missing and cannot be pulled", async () => {
    const log: string[] = [];
    const error = await prepareError(
      runtime,
      flavorWith([], { framework_type: "custom_base_image", image_repository: "launch-local-test/does-not-exist", image_tag: "nope" }),
      log,
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(
      /^Base image launch-local-test\/does-not-exist:nope is not available locally and could not be pulled \(.+\); map it with --image-map launch-local-test\/does-not-exist:nope=<local image>$/,
    );
    expect(log).toContain("Base image launch-local-test/does-not-exist:nope is not present locally; trying to pull it");
  });

  it("fails with a clear status_reason when a requirement cannot be downloaded", async () => {
    const error = await prepareError(runtime, flavorWith(["launch-local-no-such-package-xyz==1.0"], pytorch), []);
    expect(error.message).toMatch(/^Could not download the bundle's requirements with the host's pip: .*launch-local-no-such-package-xyz/);
  });

  it("fails with a clear status_reason when a build step fails", async () => {
    const log: string[] = [];
    const error = await prepareError(
      runtime,
      flavorWith(["idna"], { framework_type: "custom_base_image", image_repository: "no-pip/base", image_tag: "1" }),
      log,
    );
    buildLog.push(...log);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/^Image build failed: .*returned a non-zero code/);
    expect(error.message).toMatch(/\(last output: .*No module named pip/);
    expect(log.some((line) => /No module named pip/.test(line))).toBe(true);
  });

  it("fails a worker whose bundle does not load, with its stderr in the reason", async () => {
    const brokenPath = join(sandbox.dir, "broken.pkl");
    await writeFile(brokenPath, "not a pickle");
    // The idna environment is this file's own: another file may be using the no-requirements image.
    const bundle = bundleOf(flavorWith(["idna"], pytorch));
    await runtime.prepare(bundle, 0, (line) => buildLog.push(line));
    const worker = await runtime.start(specOf(bundle, { artifactPath: brokenPath }), () => undefined);
    await expect(worker.ready).rejects.toThrow(/^Worker container exited with code 1 before becoming ready; last stderr lines: .*/);
    expect(await worker.exited).toEqual({ code: 1, signal: null });
  });
});
