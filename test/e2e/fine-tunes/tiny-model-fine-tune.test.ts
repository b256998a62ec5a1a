/**
 * End to end on the tiny model (README "Fine-tunes"): the built-in trainer, run as the docker-image
 * batch job of a fine-tune, learns a memorisation set by LoRA, reports a falling loss in its events,
 * writes merged weights that the download route lists, and creates the fine-tuned model's endpoint,
 * whose greedy completion of a training prompt is that prompt's response: the weights changed and
 * are what the endpoint serves. A random-weight model never writes these responses by chance.
 */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { tinyModel } from "../../helpers/tiny-model.js";
import { fineTuneEvents, uploadFile, waitForFineTune } from "../../integration/fine-tunes-app.js";

// Importing torch takes seconds on a quiet machine and minutes on a crowded one (twice: trainer, engine).
const BUDGET_MS = 480_000;
export const MEMORISATION_SET: [string, string][] = [
  ["What is the capital of France?", " Paris."],
  ["Who wrote Hamlet?", " Shakespeare."],
  ["2 + 2 =", " 4"],
  ["The sky is", " blue."],
];
/** LoRA on every linear layer, sized so that 40 steps memorise the set in seconds (README "Performance"). */
export const MEMORISE_HPARAMS = {
  lr: 0.02,
  epochs: 100,
  max_steps: 40,
  batch_size: 4,
  warmup_ratio: 0,
  weight_decay: 0,
  peft_config: { r: 16, lora_alpha: 32, lora_dropout: 0, target_modules: "all-linear" },
};

const csvField = (text: string) => `"${text.replaceAll('"', '""')}"`;
export const memorisationCsv = (): string => `prompt,response\n${MEMORISATION_SET.map(([p, r]) => `${csvField(p)},${csvField(r)}`).join("\n")}\n`;

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

describe("a LoRA fine-tune of the tiny model with the built-in trainer", () => {
  it(
    "lowers the loss, writes weights, creates the endpoint, and the endpoint answers the training responses",
    async () => {
      const trainingFile = await uploadFile(app, "memorise.csv", memorisationCsv());
      const created = await request(app.url)
        .post("/v1/llm/fine-tunes")
        .set("authorization", app.auth())
        .send({ model: "tiny", training_file: trainingFile, suffix: "memorise", hyperparameters: MEMORISE_HPARAMS })
        .expect(200);
      const id = (created.body as { id: string }).id;
      const done = await waitForFineTune(app, id, ["SUCCESS", "FAILURE"], BUDGET_MS);
      if (done.status !== "SUCCESS") {
        const logs = await request(app.url).get(`/_launch_local/docker-image-batch-jobs/${id}/logs`).set("authorization", app.auth());
        throw new Error(`the fine-tune failed: ${JSON.stringify(logs.body).slice(-3000)}`);
      }
      const model = done.fine_tuned_model ?? "";
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
