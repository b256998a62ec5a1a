/**
 * The batch-completion routes (llm-contract.md §1.6, server-contract.md §7.3–§7.4) without the
 * engine: `--llm-python /bin/false` makes every run fail at start, so these tests see the checks,
 * the jobs and their views. test/e2e/batch-completions/ runs them for real on the tiny model.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let app: TestApp;
let modelsDir = "";
const OUTPUT = "s3://launch-local/batch/out.json";
const content = { prompts: ["a", "b"], max_new_tokens: 4, temperature: 0 };

const v1 = (body: Record<string, unknown>, user = "me") =>
  request(app.url)
    .post("/v1/llm/batch-completions")
    .set("authorization", app.auth(user))
    .send({ output_data_path: OUTPUT, model_config: { model: "tiny" }, content, ...body });
const v2 = (body: Record<string, unknown>, user = "me") =>
  request(app.url)
    .post("/v2/batch-completions")
    .set("authorization", app.auth(user))
    .send({ output_data_path: OUTPUT, model_config: { model: "tiny" }, content: [{ prompt: "a", max_tokens: 2 }], ...body });

beforeAll(async () => {
  modelsDir = mkdtempSync(join(tmpdir(), "batch-models-"));
  mkdirSync(join(modelsDir, "tiny"));
  for (const file of ["config.json", "model.safetensors", "tokenizer.json"]) writeFileSync(join(modelsDir, "tiny", file), "{}");
  app = await createTestApp({ llmModelsDir: modelsDir, llmPython: "/bin/false" });
});

afterAll(async () => {
  await app.close();
  rmSync(modelsDir, { recursive: true, force: true });
});

describe("POST /v1/llm/batch-completions", () => {
  it("answers the real checks and launch-local's own", async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ data_parallelism: 2 }, 400, "Data parallelism is disabled for batch completions."],
      [{ model_config: { model: "nowhere" } }, 400, "No checkpoint path found for model nowhere"],
      [{ tool_config: { name: "python" } }, 400, "Only code_evaluator tool is supported for batch completions."],
      [{ tool_config: { name: "code_evaluator" } }, 400, "tool_config is not supported by launch-local's batch runner"],
      [{ content: null }, 400, "Either input_data_path or content needs to be provided."],
      [
        { output_data_path: "/tmp/out.json" },
        400,
        'output_data_path must be an s3://<bucket>/<key> location in launch-local\'s blob store, got "/tmp/out.json".',
      ],
      [{ input_data_path: "https://example.com/in.json" }, 400, "input_data_path must be an s3://<bucket>/<key> location"],
    ];
    for (const [body, status, detail] of cases) {
      const response = await v1(body);
      expect({ body, status: response.status }).toEqual({ body, status });
      expect(String(response.body.detail)).toContain(detail);
    }
  });

  it("validates as pydantic does (422)", async () => {
    const response = await v1({ content: { prompts: ["a"], max_new_tokens: 1, temperature: 2 }, max_runtime_sec: 0 });
    expect(response.status).toBe(422);
    expect(response.body.detail.map((item: { loc: unknown[] }) => item.loc)).toEqual([
      ["body", "max_runtime_sec"],
      ["body", "content", "temperature"],
    ]);
    const missing = await request(app.url).post("/v1/llm/batch-completions").set("authorization", app.auth()).send({});
    expect(missing.body.detail.map((item: { loc: unknown[] }) => item.loc)).toEqual([
      ["body", "output_data_path"],
      ["body", "model_config"],
    ]);
  });

  it("creates a docker-image batch job and a private bundle named <model>_<yymmdd-HHMMSS>", async () => {
    const created = await v1({ model_config: { model: "tiny", labels: { team: "t", product: "p" }, max_model_len: 64 } }).expect(200);
    const id = (created.body as { job_id: string }).job_id;
    expect(id).toMatch(/^ft-/);
    const bundles = await request(app.url).get("/v1/docker-image-batch-job-bundles").set("authorization", app.auth()).expect(200);
    const bundle = (
      bundles.body as {
        docker_image_batch_job_bundles: { name: string; command: string[]; env: Record<string, string>; mount_location: string; public: boolean }[];
      }
    ).docker_image_batch_job_bundles.at(-1);
    expect(bundle?.name).toMatch(/^tiny_\d{6}-\d{6}$/);
    expect(bundle).toMatchObject({
      command: ["python", "-m", "launch_local_llm.batch"],
      env: { CONFIG_FILE: "/opt/config.json" },
      mount_location: "/opt/config.json",
      public: false,
    });
    const job = await request(app.url).get(`/v2/batch-completions/${id}`).set("authorization", app.auth()).expect(200);
    expect(job.body.job).toMatchObject({ job_id: id, input_data_path: null, output_data_path: OUTPUT, metadata: { team: "t", product: "p" } });
    expect(job.body.job.model_config).toMatchObject({ model: "tiny", max_model_len: 64, num_shards: 1, checkpoint_path: null });
    expect(job.body.job.model_config).not.toHaveProperty("labels");
  });
});

describe("the /v2/batch-completions routes", () => {
  it("creates a job and answers the BatchCompletionsJob (metadata = labels, as the schema intends)", async () => {
    const created = await v2({ labels: { team: "t" }, priority: "high" }).expect(200);
    const job = created.body as Record<string, unknown>;
    expect(Object.keys(job)).toEqual([
      "job_id",
      "input_data_path",
      "output_data_path",
      "model_config",
      "priority",
      "status",
      "created_at",
      "expires_at",
      "completed_at",
      "metadata",
    ]);
    expect(job).toMatchObject({
      input_data_path: null,
      output_data_path: OUTPUT,
      priority: "high",
      status: "queued",
      completed_at: null,
      metadata: { team: "t" },
    });
    expect(String(job.created_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
    const got = await request(app.url)
      .get(`/v2/batch-completions/${String(job.job_id)}`)
      .set("authorization", app.auth())
      .expect(200);
    expect(got.body.job).toMatchObject({ job_id: job.job_id, priority: "high", expires_at: job.expires_at, metadata: { team: "t" } });
    expect(["queued", "running", "failed"]).toContain(got.body.job.status);
  });

  it("updates the priority, cancels, and keeps other teams out", async () => {
    const id = String((await v2({}).expect(200)).body.job_id);
    const updated = await request(app.url)
      .post(`/v2/batch-completions/${id}`)
      .set("authorization", app.auth())
      .send({ job_id: id, priority: "low" })
      .expect(200);
    expect(updated.body).toMatchObject({ job_id: id, priority: "low", success: true });
    expect((await request(app.url).get(`/v2/batch-completions/${id}`).set("authorization", app.auth("other"))).status).toBe(404);
    expect((await request(app.url).post(`/v2/batch-completions/${id}/actions/cancel`).set("authorization", app.auth("other")).expect(200)).body).toEqual({
      success: false,
    });
    expect((await request(app.url).post(`/v2/batch-completions/${id}/actions/cancel`).set("authorization", app.auth()).expect(200)).body).toEqual({
      success: true,
    });
    const gone = await request(app.url).get(`/v2/batch-completions/${id}`).set("authorization", app.auth());
    expect([gone.status, gone.body]).toEqual([404, { detail: `Batch completion ${id} not found.` }]);
  });

  it("takes the hardware when all five fields are given, and checks it", async () => {
    const given = await v2({ cpus: 1, gpus: 1, memory: "1Gi", storage: "1Gi", gpu_type: "nvidia-tesla-t4", nodes_per_worker: 1 });
    expect(given.status).toBe(200);
    const bad = await v2({ cpus: 1, gpus: 0, memory: "1Gi", storage: "1Gi", gpu_type: "nvidia-tesla-t4" });
    expect([bad.status, bad.body.detail]).toEqual([400, "Cannot have gpus=0 when gpu_type is not None"]);
  });
});
