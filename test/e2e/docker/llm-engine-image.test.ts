/**
 * An LLM endpoint under the Docker runtime (README "LLM endpoints"): the bundle's image, mapped with
 * --image-map (never pulled), runs the bundle's command with vLLM's own server module as its
 * entrypoint, the weights bind-mounted read-only as `model_files` in its working directory, and the
 * gateway's completions reach it unchanged. The real vllm/vllm-openai image needs a GPU and a
 * registry; a stand-in image that parses vLLM's flags and speaks its wire takes its place here.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type Dockerode from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { waitFor } from "../../helpers/wait-for.js";
import { REPO_ROOT } from "../../helpers/cli-process.js";
import { type TestApp, createTestApp } from "../../helpers/test-app.js";
import { tinyModel } from "../../helpers/tiny-model.js";
import { TEST_BASE_IMAGE, buildTestImage, lockDockerSuite, newDocker, removeImages, requireDocker, shouldRunDockerTests } from "./docker-harness.js";

describe.skipIf(!shouldRunDockerTests)("Docker runtime: an LLM endpoint on a vLLM-wire image", () => {
  const image = `launch-local-test/vllm-standin:${Date.now().toString(36)}`;
  let docker: Dockerode;
  let app: TestApp;
  let releaseLock: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    releaseLock = await lockDockerSuite();
    requireDocker();
    docker = newDocker();
    const server = await readFile(`${REPO_ROOT}/fixtures/llm/vllm_standin.py`, "utf8");
    await buildTestImage(docker, image, {
      Dockerfile: `FROM ${TEST_BASE_IMAGE}\nCOPY api_server.py /standin/vllm/entrypoints/openai/api_server.py\nRUN touch /standin/vllm/__init__.py /standin/vllm/entrypoints/__init__.py /standin/vllm/entrypoints/openai/__init__.py\nENV PYTHONPATH=/standin\n`,
      "api_server.py": server,
    });
    const model = tinyModel();
    app = await createTestApp({ useProcessRuntime: true, runtime: "docker", imageMap: `vllm/vllm-openai=${image}`, llmModelsDir: dirname(model.dir) });
    const me = new LaunchHttp(app.url);
    await me.ok("POST", "/v1/llm/model-endpoints", {
      name: "docker-llm",
      model_name: basename(model.dir),
      endpoint_type: "streaming",
      metadata: {},
      min_workers: 1,
      max_workers: 1,
      per_worker: 1,
      labels: { team: "t", product: "p" },
    });
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    if (docker !== undefined) await removeImages(docker, [image]);
    await releaseLock?.();
  });

  it("runs vLLM's module with the bundle's flags on the mounted weights, and the gateway reaches it", async () => {
    const me = new LaunchHttp(app.url);
    const name = basename(tinyModel().dir);
    let answer: { status: number; json: unknown } = { status: 0, json: null };
    await waitFor(
      async () =>
        (answer = await me.call("POST", "/v1/llm/completions-sync?model_endpoint_name=docker-llm", { prompt: "Hi", max_new_tokens: 1, temperature: 0 }))
          .status === 200,
      120_000,
      () => `a 200 from the engine image: last ${JSON.stringify(answer)}`,
    );
    expect(answer.status).toBe(200);
    expect((answer.json as { output: { text: string } }).output.text).toBe(` model_type=llama served=${name},model_files cwd=/launch-local/llm`);

    const [info] = await docker.listContainers({ filters: { label: ["launch-local.endpoint"] } }).then((all) => all.filter((c) => c.Image === image));
    expect(info).toBeDefined();
    const inspected = await docker.getContainer(info?.Id ?? "").inspect();
    expect([inspected.Config.Entrypoint ?? []].flat().join(" ")).toContain(
      "python3 -m vllm.entrypoints.openai.api_server --model model_files --served-model-name",
    );
    expect(inspected.Config.WorkingDir).toBe("/launch-local/llm");
    const mounts = inspected.Mounts.map((mount) => [mount.Destination, mount.RW]);
    expect(mounts).toContainEqual(["/launch-local/llm/model_files/config.json", false]);
    expect(mounts).toContainEqual(["/launch-local/llm/model_files/model.safetensors", false]);
    expect(inspected.HostConfig.PortBindings?.["5005/tcp"]?.[0]?.HostIp).toBe("127.0.0.1");
  }, 180_000);
});
