/**
 * End to end on the tiny model (README "Batch completions"): a v1 run with inline content and a v2
 * run reading its requests from the blob store, each a docker-image batch job of the engine image;
 * the output file holds, prompt for prompt, what the LLM endpoint's sync routes answer at
 * temperature 0 (text, token counts, per-token log probs), and a request the engine refuses becomes
 * its error object in the v2 output.
 */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../helpers/cli-process.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { tinyModel } from "../../helpers/tiny-model.js";
import { putBlob } from "../../integration/fine-tunes-app.js";

const BUDGET_MS = 420_000;
const PROMPTS = ["The sky is", "Once upon a time", "2 + 2 ="];
let app: TestApp;
let modelsDir = "";

interface CompletionOutput {
  text: string;
  num_prompt_tokens: number;
  num_completion_tokens: number;
  tokens: { token: string; log_prob: number }[] | null;
}

async function finished(id: string): Promise<string> {
  return waitFor(
    async () => {
      const { status } = (await request(app.url).get(`/v2/batch-completions/${id}`).set("authorization", app.auth()).expect(200)).body.job as {
        status: string;
      };
      return status === "completed" || status === "failed" ? status : null;
    },
    BUDGET_MS,
    `batch completion ${id} to finish`,
  );
}

async function output(location: string): Promise<unknown[]> {
  const response = await request(app.url).get("/_launch_local/blobs").query({ location }).set("authorization", app.auth()).expect(200);
  return JSON.parse(Buffer.from(response.body as Buffer).toString("utf8")) as unknown[];
}

async function jobLog(id: string): Promise<string> {
  return JSON.stringify((await request(app.url).get(`/_launch_local/docker-image-batch-jobs/${id}/logs`).set("authorization", app.auth())).body).slice(-3000);
}

beforeAll(async () => {
  const model = tinyModel();
  modelsDir = await mkdtemp(join(tmpdir(), "batch-models-"));
  await symlink(model.dir, join(modelsDir, "tiny"), "dir");
  app = await createTestApp({ useProcessRuntime: true, runtime: "process", llmModelsDir: modelsDir, llmPython: model.python, logLevel: "warn" });
  await request(app.url)
    .post("/v1/llm/model-endpoints")
    .set("authorization", app.auth())
    .send({
      name: "tiny-sync",
      model_name: "tiny",
      endpoint_type: "streaming",
      metadata: {},
      min_workers: 1,
      max_workers: 1,
      per_worker: 4,
      labels: { team: "t", product: "p" },
    })
    .expect(200);
});

afterAll(async () => {
  await app?.close();
  if (modelsDir !== "") await rm(modelsDir, { recursive: true, force: true });
});

describe("batch completions on the tiny model", () => {
  it(
    "v1: the output file is the sync route's answers for the same prompts at temperature 0",
    async () => {
      const location = "s3://launch-local/batch/v1-out.json";
      const content = { prompts: PROMPTS, max_new_tokens: 8, temperature: 0, return_token_log_probs: true };
      const created = await request(app.url)
        .post("/v1/llm/batch-completions")
        .set("authorization", app.auth())
        .send({ output_data_path: location, model_config: { model: "tiny", labels: { team: "t", product: "p" } }, content })
        .expect(200);
      const id = (created.body as { job_id: string }).job_id;
      if ((await finished(id)) !== "completed") throw new Error(`the batch failed: ${await jobLog(id)}`);
      const outputs = (await output(location)) as CompletionOutput[];
      expect(outputs).toHaveLength(PROMPTS.length);
      for (const [index, prompt] of PROMPTS.entries()) {
        const sync = await request(app.url)
          .post("/v1/llm/completions-sync")
          .query({ model_endpoint_name: "tiny-sync" })
          .set("authorization", app.auth())
          .send({ prompt, max_new_tokens: 8, temperature: 0, return_token_log_probs: true })
          .expect(200);
        const expected = (sync.body as { output: CompletionOutput }).output;
        const got = outputs[index];
        expect(Object.keys(got ?? {})).toEqual(["text", "num_prompt_tokens", "num_completion_tokens", "tokens"]);
        expect({ text: got?.text, prompt: got?.num_prompt_tokens, completion: got?.num_completion_tokens }).toEqual({
          text: expected.text,
          prompt: expected.num_prompt_tokens,
          completion: expected.num_completion_tokens,
        });
        expect(got?.tokens?.map((token) => token.token)).toEqual(expected.tokens?.map((token) => token.token));
        got?.tokens?.forEach((token, position) => expect(token.log_prob).toBeCloseTo(expected.tokens?.[position]?.log_prob ?? Number.NaN, 4));
      }
    },
    BUDGET_MS + 60_000,
  );

  it(
    "v2: requests from input_data_path, completions and chat, answered as /v2 answers them; a refused one is its error",
    async () => {
      const input = "s3://launch-local/batch/v2-in.json";
      const location = "s3://launch-local/batch/v2-out.json";
      const requests = [
        { prompt: PROMPTS[0], max_tokens: 6, temperature: 0 },
        { messages: [{ role: "user", content: "Hello" }], max_tokens: 6, temperature: 0 },
        { prompt: PROMPTS[1], max_tokens: 6, temperature: 0, suffix: "not served" },
      ];
      await putBlob(app, input, JSON.stringify(requests));
      const created = await request(app.url)
        .post("/v2/batch-completions")
        .set("authorization", app.auth())
        .send({ input_data_path: input, output_data_path: location, model_config: { model: "tiny" }, labels: { team: "t" } })
        .expect(200);
      const id = String(created.body.job_id);
      if ((await finished(id)) !== "completed") throw new Error(`the batch failed: ${await jobLog(id)}`);
      const [completion, chat, refused] = (await output(location)) as Record<string, unknown>[];
      const sync = await request(app.url)
        .post("/v2/completions")
        .set("authorization", app.auth())
        .send({ ...requests[0], model: "tiny-sync" })
        .expect(200);
      const text = (answer: unknown) => (answer as { choices: { text?: string; message?: { content: string } }[] }).choices[0];
      expect(text(completion)?.text).toBe(text(sync.body)?.text);
      // The file holds vLLM's own answer (vllm_batch.py dumps it); the /v2 route answers model-engine's model of it.
      const { prompt_tokens, completion_tokens } = (sync.body as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
      expect(completion).toMatchObject({ object: "text_completion", model: "tiny", usage: { prompt_tokens, completion_tokens } });
      const syncChat = await request(app.url)
        .post("/v2/chat/completions")
        .set("authorization", app.auth())
        .send({ ...requests[1], model: "tiny-sync" })
        .expect(200);
      expect(text(chat)?.message?.content).toBe(text(syncChat.body)?.message?.content);
      expect(refused).toMatchObject({ object: "error", code: 400, message: "suffix is not currently supported" });
    },
    BUDGET_MS + 60_000,
  );
});
