/**
 * End to end on the tiny model (README "Fine-tunes"): the llmengine client's flow, replayed, starts a
 * fine-tune; the built-in trainer, run as the docker-image
 * batch job of a fine-tune, learns a memorisation set by LoRA, reports a falling loss in its events,
 * writes merged weights that the download route lists, and creates the fine-tuned model's endpoint,
 * whose greedy completion of a training prompt is that prompt's response: the weights changed and
 * are what the endpoint serves. A random-weight model never writes these responses by chance.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../helpers/cli-process.js";
import { findPython } from "../../helpers/python.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { tinyModel } from "../../helpers/tiny-model.js";
import { fineTuneEvents } from "../../integration/fine-tunes-app.js";
import { MEMORISATION_SET, MEMORISE_HPARAMS, memorisationCsv } from "../../helpers/memorisation-set.js";

// Importing torch takes seconds on a quiet machine and minutes on a crowded one (twice: trainer, engine).
const BUDGET_MS = 480_000;

let app: TestApp;
let modelsDir = "";

beforeAll(async () => {
  const model = tinyModel();
  modelsDir = await mkdtemp(join(tmpdir(), "fine-tune-models-"));
  await symlink(model.dir, join(modelsDir, "tiny"), "dir");
  app = await createTestApp({ useProcessRuntime: true, runtime: "process", llmModelsDir: modelsDir, llmPython: model.python, logLevel: "warn" });
});

afterAll(async () => {
  await app?.close();
  if (modelsDir !== "") await rm(modelsDir, { recursive: true, force: true });
});

/** The llmengine client's flow, replayed by test/e2e/python/fine_tune_client_flow.py; resolves the fine-tune it made. */
async function replayClientFlow(csvPath: string): Promise<{ id: string; model: string; output: string }> {
  const script = join(REPO_ROOT, "test", "e2e", "python", "fine_tune_client_flow.py");
  const child = spawn(findPython(), [script, app.url, csvPath, JSON.stringify(MEMORISE_HPARAMS)], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  const made = /^fine-tune: (\S+) (\S+)$/m.exec(output);
  if (code !== 0 || made?.[1] === undefined || made[2] === undefined || !output.includes("fine-tune client flow: OK")) {
    const logs =
      made?.[1] === undefined
        ? ""
        : JSON.stringify((await request(app.url).get(`/_launch_local/docker-image-batch-jobs/${made[1]}/logs`).set("authorization", app.auth())).body);
    throw new Error(`the client flow failed (exit ${String(code)}): ${output.slice(-3000)} ${logs.slice(-3000)}`);
  }
  return { id: made[1], model: made[2], output };
}

describe("a LoRA fine-tune of the tiny model with the built-in trainer", () => {
  it(
    "runs the llmengine client's flow, lowers the loss, writes weights, and the new endpoint answers the training responses",
    async () => {
      const csvPath = join(modelsDir, "memorise.csv");
      await writeFile(csvPath, memorisationCsv());
      const { id, model } = await replayClientFlow(csvPath);
      expect(model).toMatch(/^tiny\.memorise\.\d{6}-\d{6}$/);

      const events = await fineTuneEvents(app, id);
      const losses = events.flatMap((event) => [...event.message.matchAll(/^\{'loss': ([0-9.e-]+),/g)].map((match) => Number(match[1])));
      expect(losses.length).toBeGreaterThan(5);
      expect(losses[losses.length - 1]).toBeLessThan((losses[0] ?? 0) / 3);
      expect(events.at(-1)?.message).toMatch(/^\{'train_runtime': [0-9.]+, .*'train_loss': [0-9.]+, 'epoch': 40\.0\}$/);
      expect(events.every((event) => typeof event.timestamp === "number" && event.level === "info")).toBe(true);

      const download = await request(app.url).post("/v1/llm/model-endpoints/download").set("authorization", app.auth()).send({ model_name: model }).expect(200);
      const files = Object.keys((download.body as { urls: Record<string, string> }).urls);
      expect(files).toEqual(expect.arrayContaining(["config.json", "model.safetensors", "tokenizer.json", "generation_config.json"]));

      const endpoint = await request(app.url).get(`/v1/llm/model-endpoints/${model}`).set("authorization", app.auth()).expect(200);
      expect(endpoint.body).toMatchObject({
        name: model,
        model_name: "tiny",
        inference_framework: "vllm",
        checkpoint_path: `s3://launch-local/hosted-model-inference/fine_tuned_weights/me/${model}`,
      });

      for (const [prompt, response] of MEMORISATION_SET) {
        const answer = await request(app.url)
          .post("/v1/llm/completions-sync")
          .query({ model_endpoint_name: model })
          .set("authorization", app.auth())
          .send({ prompt, max_new_tokens: 12, temperature: 0 });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect((answer.body as { output: { text: string } }).output.text.startsWith(response), `${prompt} → ${JSON.stringify(answer.body)}`).toBe(true);
      }
    },
    BUDGET_MS + 120_000,
  );
});
