import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { waitFor } from "../../helpers/wait-for.js";
import { type TestApp, createTestApp } from "../../helpers/test-app.js";

let modelsDir: string;
let app: TestApp;
let me: LaunchHttp;
let other: LaunchHttp;

/** An HF-shaped folder; the fake runtime never loads it, so the bytes do not matter here. */
function placeModel(dir: string, files = ["config.json", "model.safetensors", "tokenizer.json"]): void {
  mkdirSync(dir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, file), "{}");
}

const createBody = (overrides: Record<string, unknown> = {}) => ({
  name: "tiny-llm",
  model_name: "tiny",
  endpoint_type: "streaming",
  metadata: { team_note: "x" },
  min_workers: 0,
  max_workers: 1,
  per_worker: 2,
  labels: { team: "infra", product: "demo" },
  ...overrides,
});

beforeAll(() => {
  modelsDir = mkdtempSync(join(tmpdir(), "llm-models-"));
  placeModel(join(modelsDir, "tiny"));
  placeModel(join(modelsDir, "no-weights"), ["config.json", "tokenizer.json"]);
});
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

beforeEach(async () => {
  app = await createTestApp({ llmModelsDir: modelsDir });
  me = new LaunchHttp(app.url, "me");
  other = new LaunchHttp(app.url, "other");
});
afterEach(async () => app.close());

async function detail(user: LaunchHttp, method: string, path: string, body?: unknown): Promise<[number, unknown]> {
  const { status, json } = await user.call(method, path, body);
  return [status, (json as { detail?: unknown }).detail];
}

describe("POST /v1/llm/model-endpoints", () => {
  it("creates an ordinary bundle and endpoint carrying _llm, with the local hardware answer", async () => {
    const created = await me.ok<Record<string, unknown>>("POST", "/v1/llm/model-endpoints", createBody());
    expect(Object.keys(created)).toEqual(["endpoint_creation_task_id"]);

    const llm = await me.ok<Record<string, unknown>>("GET", "/v1/llm/model-endpoints/tiny-llm");
    expect(Object.keys(llm)).toEqual([
      "id",
      "name",
      "model_name",
      "source",
      "status",
      "inference_framework",
      "inference_framework_image_tag",
      "num_shards",
      "quantize",
      "checkpoint_path",
      "chat_template_override",
      "task_expires_seconds",
      "queue_message_timeout_seconds",
      "spec",
    ]);
    expect(llm).toMatchObject({
      name: "tiny-llm",
      model_name: "tiny",
      source: "hugging_face",
      inference_framework: "vllm",
      inference_framework_image_tag: "latest",
      num_shards: 1,
      quantize: null,
      checkpoint_path: null,
    });
    const spec = llm.spec as Record<string, unknown>;
    expect(spec).toMatchObject({ name: "tiny-llm", endpoint_type: "streaming", bundle_name: "tiny-llm", public_inference: true });
    expect((spec.metadata as Record<string, unknown>)._llm).toEqual({
      model_name: "tiny",
      source: "hugging_face",
      inference_framework: "vllm",
      inference_framework_image_tag: "latest",
      num_shards: 1,
      model_cache_enabled: false,
      quantize: null,
      checkpoint_path: null,
      chat_template_override: null,
    });

    // The same endpoint through the ordinary routes, scaling from zero like any endpoint.
    const ordinary = await me.ok<{ model_endpoints: Record<string, unknown>[] }>("GET", "/v1/model-endpoints?name=tiny-llm");
    const endpoint = ordinary.model_endpoints[0];
    expect(endpoint?.id).toBe(llm.id);
    await waitFor(
      async () => (await me.ok<Record<string, unknown>>("GET", `/v1/model-endpoints/${String(llm.id)}`)).status === "READY",
      10_000,
      "the LLM endpoint to be READY",
    );
    const ready = await me.ok<Record<string, unknown>>("GET", `/v1/model-endpoints/${String(llm.id)}`);
    expect(ready.deployment_state).toMatchObject({ min_workers: 0, max_workers: 1, per_worker: 2, concurrent_requests_per_worker: 250 });
    expect(ready.resource_state).toMatchObject({ cpus: 1, gpus: 1, memory: "8Gi", storage: "16Gi", gpu_type: "nvidia-ampere-a10", nodes_per_worker: 1 });

    const bundles = await me.ok<{ model_bundles: Record<string, unknown>[] }>("GET", "/v2/model-bundles?model_name=tiny-llm");
    const flavor = bundles.model_bundles[0]?.flavor as Record<string, unknown>;
    expect(flavor).toMatchObject({
      flavor: "streaming_enhanced_runnable_image",
      repository: "vllm/vllm-openai",
      tag: "latest",
      healthcheck_route: "/health",
      routes: ["/v1/chat/completions", "/v1/completions"],
      readiness_initial_delay_seconds: 10,
    });
    expect(flavor.command).toEqual([
      "/bin/bash",
      "-c",
      'set -euo pipefail;python -m launch_local_llm.server --model model_files --served-model-name tiny model_files --port 5005 --host "::" --enforce-eager --tensor-parallel-size 1 --gpu-memory-utilization 0.9',
    ]);
    expect(flavor.streaming_command).toEqual(flavor.command);
  });

  it("writes the vLLM arguments given, in field order, and the chat template through base64", async () => {
    await me.ok("POST", "/v1/llm/model-endpoints", createBody({ max_model_len: 512, dtype: "float32", chat_template_override: "{{ x }}'s", seed: 3 }));
    const bundles = await me.ok<{ model_bundles: { flavor: { command: string[] } }[] }>("GET", "/v2/model-bundles?model_name=tiny-llm");
    const script = bundles.model_bundles[0]?.flavor.command[2] ?? "";
    expect(script).toContain(`export CHAT_TEMPLATE=$(echo "${Buffer.from("{{ x }}'s").toString("base64")}" | base64 --decode);python -m`);
    expect(script).toMatch(
      /--max-model-len 512 --enforce-eager --tensor-parallel-size 1 --chat-template "\$CHAT_TEMPLATE" --dtype float32 --seed 3 --gpu-memory-utilization 0\.9$/,
    );
    const llm = await me.ok<{ spec: { metadata: { _llm: Record<string, unknown> } } }>("GET", "/v1/llm/model-endpoints/tiny-llm");
    expect(llm.spec.metadata._llm.vllm_additional_args).toEqual({ max_model_len: 512, dtype: "float32", seed: 3 });
  });

  it("runs the real checks in the real order, with the real messages", async () => {
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ endpoint_type: undefined }))).toEqual([
      400,
      "Creating endpoint type ModelEndpointType.SYNC is not allowed. Can only create streaming endpoints for text-generation-inference, vLLM, LightLLM, and TensorRT-LLM.",
    ]);
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ gpus: 1 }))).toEqual([
      400,
      "All hardware spec fields (gpus, gpu_type, cpus, memory, storage, nodes_per_worker) must be provided if any hardware spec field is missing.",
    ]);
    const hardware = { gpus: 2, gpu_type: "nvidia-ampere-a10", cpus: 2, memory: "8Gi", storage: "16Gi", nodes_per_worker: 1 };
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody(hardware))).toEqual([400, "Num shard 1 must be equal to the number of GPUs 2."]);
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ quantize: "bitsandbytes" }))).toEqual([
      400,
      "Quantization Quantization.BITSANDBYTES is not supported for inference framework LLMInferenceFramework.VLLM. Supported quantization types are [<Quantization.AWQ: 'awq'>].",
    ]);
    expect(
      await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ inference_framework: "text_generation_inference", chat_template_override: "t" })),
    ).toEqual([400, "Chat template is only supported for inference framework LLMInferenceFramework.VLLM."]);
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ inference_framework: "deepspeed", endpoint_type: "sync" }))).toEqual([
      400,
      "DeepSpeed requires more than 1 GPU.",
    ]);
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ labels: { team: "infra" } }))).toEqual([
      400,
      "Missing label 'product' in labels. These are all required: {'team', 'product'}",
    ]);
    const [status, missing] = await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ model_name: "llama-2-7b" }));
    expect(status).toBe(400);
    expect(String(missing)).toMatch(
      /^No checkpoint path found for model llama-2-7b: no checkpoint_path was given, .*llama-2-7b is not a folder \(--llm-models-dir\), and the Hugging Face cache \(.*\) has no snapshot of huggyllama\/llama-7b\./,
    );
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ model_name: "no-weights" }))).toEqual([
      400,
      "No safetensors found in the checkpoint path.",
    ]);
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ checkpoint_path: "/tmp/x" }))).toEqual([
      400,
      "Only S3, Azure Blob Storage, and GCS paths are supported. Given checkpoint path: /tmp/x.",
    ]);
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ checkpoint_path: "s3://launch-local/m.tar" }))).toEqual([
      400,
      "Tar files are not supported. Given checkpoint path: s3://launch-local/m.tar.",
    ]);
    expect(await detail(me, "POST", "/v1/llm/model-endpoints", createBody({ checkpoint_path: "s3://launch-local/nothing/here" }))).toEqual([
      400,
      "No safetensors found in the checkpoint path.",
    ]);
    await me.ok("POST", "/v1/llm/model-endpoints", createBody());
    expect(await detail(other, "POST", "/v1/llm/model-endpoints", createBody())).toEqual([400, "The specified model endpoint already exists."]);
  });

  it("answers pydantic's 422 under the variant's tag", async () => {
    const { status, json } = await me.call("POST", "/v1/llm/model-endpoints", createBody({ name: undefined }));
    expect(status).toBe(422);
    expect((json as { detail: { loc: unknown[]; type: string }[] }).detail).toEqual([
      expect.objectContaining({ type: "missing", loc: ["body", "vllm", "name"] }),
    ]);
    const unknown = await me.call("POST", "/v1/llm/model-endpoints", createBody({ inference_framework: "llama.cpp" }));
    expect((unknown.json as { detail: { type: string; loc: unknown[] }[] }).detail[0]).toMatchObject({ type: "union_tag_invalid", loc: ["body"] });
  });

  it("reads the weights from the blob folder a checkpoint_path names", async () => {
    for (const file of ["config.json", "model-00001-of-00001.safetensors"]) {
      const put = await fetch(`${app.url}/_launch_local/blobs?location=s3://launch-local/ckpt/tiny/${file}`, {
        method: "PUT",
        headers: { authorization: app.auth() },
        body: "{}",
      });
      expect(put.status).toBe(200);
    }
    await me.ok("POST", "/v1/llm/model-endpoints", createBody({ name: "from-blob", model_name: "llama-2-7b", checkpoint_path: "s3://launch-local/ckpt/tiny" }));
    const llm = await me.ok<Record<string, unknown>>("GET", "/v1/llm/model-endpoints/from-blob");
    expect(llm.checkpoint_path).toBe("s3://launch-local/ckpt/tiny");
  });
});

describe("GET, PUT, DELETE /v1/llm/model-endpoints/{name} and download", () => {
  it("shows the team's and public endpoints; others' private ones are 404", async () => {
    await me.ok("POST", "/v1/llm/model-endpoints", createBody());
    await me.ok("POST", "/v1/llm/model-endpoints", createBody({ name: "private-llm", public_inference: false }));
    const mine = await me.ok<{ model_endpoints: { name: string }[] }>("GET", "/v1/llm/model-endpoints?order_by=newest");
    expect(mine.model_endpoints.map((e) => e.name)).toEqual(["private-llm", "tiny-llm"]);
    const theirs = await other.ok<{ model_endpoints: { name: string }[] }>("GET", "/v1/llm/model-endpoints");
    expect(theirs.model_endpoints.map((e) => e.name)).toEqual(["tiny-llm"]);
    expect(await detail(other, "GET", "/v1/llm/model-endpoints/private-llm")).toEqual([404, "Model Endpoint private-llm  was not found."]);
    expect(await detail(other, "DELETE", "/v1/llm/model-endpoints/tiny-llm")).toEqual([
      403,
      "You don't have permission to delete the requested model endpoint.",
    ]);
    expect(await detail(other, "DELETE", "/v1/llm/model-endpoints/private-llm")).toEqual([404, "The requested model endpoint could not be found."]);
    expect(await me.ok("DELETE", "/v1/llm/model-endpoints/tiny-llm")).toEqual({ deleted: true });
    expect(await detail(me, "GET", "/v1/llm/model-endpoints/tiny-llm")).toEqual([404, "Model Endpoint tiny-llm  was not found."]);
  });

  it("updates scaling in place and rebuilds the bundle when the model changes", async () => {
    await me.ok("POST", "/v1/llm/model-endpoints", createBody());
    const id = String((await me.ok<Record<string, unknown>>("GET", "/v1/llm/model-endpoints/tiny-llm")).id);
    await waitFor(
      async () => (await me.ok<Record<string, unknown>>("GET", `/v1/model-endpoints/${id}`)).status === "READY",
      10_000,
      "the endpoint to be READY",
    );
    expect(await detail(other, "PUT", "/v1/llm/model-endpoints/tiny-llm", { max_workers: 2 })).toEqual([404, "The specified LLM endpoint could not be found."]);
    expect(await detail(me, "PUT", "/v1/llm/model-endpoints/tiny-llm", { metadata: { _llm: {} } })).toEqual([
      400,
      "_llm is a reserved metadata key and cannot be used by user.",
    ]);
    await me.ok("PUT", "/v1/llm/model-endpoints/tiny-llm", { max_workers: 2, metadata: { extra: 1 } });
    const scaled = await me.ok<{ spec: { metadata: Record<string, unknown>; bundle_name: string } }>("GET", "/v1/llm/model-endpoints/tiny-llm");
    expect(Object.keys(scaled.spec.metadata)).toEqual(["team_note", "_llm", "extra"]);
    await me.ok("PUT", "/v1/llm/model-endpoints/tiny-llm", { max_model_len: 256, force_bundle_recreation: true });
    const bundles = await me.ok<{ model_bundles: { flavor: { command: string[] } }[] }>("GET", "/v2/model-bundles?model_name=tiny-llm&order_by=newest");
    expect(bundles.model_bundles).toHaveLength(2);
    expect(bundles.model_bundles[0]?.flavor.command[2]).toContain("--max-model-len 256");
  });

  it("lists fine-tuned weights as signed URLs for the team's endpoint of that name", async () => {
    expect(await detail(me, "POST", "/v1/llm/model-endpoints/download", { model_name: "tiny-llm" })).toEqual([
      404,
      "The requested fine-tuned model could not be found.",
    ]);
    await me.ok("POST", "/v1/llm/model-endpoints", createBody());
    const key = "hosted-model-inference/fine_tuned_weights/me/tiny-llm/model.safetensors";
    await fetch(`${app.url}/_launch_local/blobs?location=s3://launch-local/${key}`, { method: "PUT", headers: { authorization: app.auth() }, body: "weights" });
    const { urls } = await me.ok<{ urls: Record<string, string> }>("POST", "/v1/llm/model-endpoints/download", { model_name: "tiny-llm" });
    expect(Object.keys(urls)).toEqual(["model.safetensors"]);
    const got = await fetch(urls["model.safetensors"] ?? "");
    expect(await got.text()).toBe("weights");
  });
});
