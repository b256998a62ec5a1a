/**
 * End to end through the gateway (issue 14 item 7): a real launch-local with the process runtime, an
 * LLM endpoint on the tiny random-weight model (built and cached by test/helpers/tiny-model.ts), the
 * engine as a host process, every request through /v1/llm/* and /v2/*: determinism, streams equal to
 * sync, token counts, log probs, stops, guided decoding, and answers valid against the real API's
 * response models.
 */
import { spawn } from "node:child_process";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { validate, validateExcludeNone } from "../../helpers/openapi-validate.js";
import { type TestApp, createTestApp } from "../../helpers/test-app.js";
import { runLlmPython, tinyModel } from "../../helpers/tiny-model.js";
import { REPO_ROOT } from "../../helpers/cli-process.js";

let app: TestApp;
let me: LaunchHttp;
let modelDir: string;
let promptTokens: number;
const PROMPT = "Hello, my name is";
/** Generous: on a loaded 2-core machine one request behind another's torch import takes tens of seconds. */
const SLOW = 240_000;

beforeAll(async () => {
  const model = tinyModel();
  modelDir = model.dir;
  promptTokens = promptTokenCount(PROMPT);
  app = await createTestApp({ useProcessRuntime: true, runtime: "process", llmModelsDir: dirname(model.dir), llmPython: model.python });
  me = new LaunchHttp(app.url);
  const body = {
    name: "tiny-llm",
    model_name: basename(model.dir),
    endpoint_type: "streaming",
    metadata: {},
    min_workers: 1,
    max_workers: 1,
    per_worker: 1,
    labels: { team: "t", product: "p" },
  };
  await me.ok("POST", "/v1/llm/model-endpoints", body);
  const id = (await me.ok<{ id: string }>("GET", "/v1/llm/model-endpoints/tiny-llm")).id;
  await me.waitForWorkers(id, 240_000);
}, 300_000);

afterAll(async () => app?.close());

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { authorization: app.auth(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}
const events = (text: string): Record<string, unknown>[] =>
  text
    .split("\r\n\r\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);

interface V1Output {
  text: string;
  num_prompt_tokens: number;
  num_completion_tokens: number;
  tokens: { token: string; log_prob: number }[] | null;
}
async function sync(body: Record<string, unknown>): Promise<V1Output> {
  const { status, text } = await post("/v1/llm/completions-sync?model_endpoint_name=tiny-llm", { prompt: PROMPT, max_new_tokens: 12, temperature: 0, ...body });
  expect(status, text).toBe(200);
  const answer = JSON.parse(text) as { output: V1Output };
  expect(validate("CompletionSyncV1Response", answer)).toEqual([]);
  return answer.output;
}

function promptTokenCount(prompt: string): number {
  const code = "import sys; from transformers import AutoTokenizer; print(len(AutoTokenizer.from_pretrained(sys.argv[1])(sys.argv[2])['input_ids']))";
  return Number(runLlmPython(code, [modelDir, prompt]).trim());
}

describe("/v1/llm completions on the tiny model", () => {
  it(
    "is deterministic at temperature 0, counts tokens as the tokenizer does, and gives log probs ≤ 0",
    async () => {
      const a = await sync({ return_token_log_probs: true });
      const b = await sync({ return_token_log_probs: true });
      expect(b.text).toBe(a.text);
      expect(a.text.length).toBeGreaterThan(0);
      expect(a.num_prompt_tokens).toBe(promptTokens);
      expect(a.tokens?.length).toBe(a.num_completion_tokens);
      for (const token of a.tokens ?? []) expect(token.log_prob).toBeLessThanOrEqual(0);
    },
    SLOW,
  );

  it(
    "streams deltas that join to the sync text, with the running count and the prompt count last",
    async () => {
      const expected = await sync({});
      const { status, text } = await post("/v1/llm/completions-stream?model_endpoint_name=tiny-llm", {
        prompt: PROMPT,
        max_new_tokens: 12,
        temperature: 0,
        return_token_log_probs: true,
      });
      expect(status).toBe(200);
      expect(text).not.toContain("[DONE]");
      const stream = events(text);
      for (const event of stream) expect(validate("CompletionStreamV1Response", event)).toEqual([]);
      const outputs = stream.map(
        (event) => event.output as { text: string; finished: boolean; num_prompt_tokens: number | null; num_completion_tokens: number },
      );
      expect(outputs.map((output) => output.text).join("")).toBe(expected.text);
      expect(outputs.at(-1)).toMatchObject({
        finished: true,
        num_prompt_tokens: expected.num_prompt_tokens,
        num_completion_tokens: expected.num_completion_tokens,
      });
      expect(outputs.slice(0, -1).every((output) => !output.finished && output.num_prompt_tokens === null)).toBe(true);
      const counts = outputs.map((output) => output.num_completion_tokens);
      expect(counts).toEqual([...counts].sort((x, y) => x - y));
    },
    SLOW,
  );

  it(
    "stops at a stop sequence, with and without the stop string",
    async () => {
      const full = (await sync({ max_new_tokens: 24 })).text;
      const stop = full.slice(Math.floor(full.length / 2), Math.floor(full.length / 2) + 2);
      const cut = full.slice(0, full.indexOf(stop));
      expect((await sync({ max_new_tokens: 24, stop_sequences: [stop] })).text).toBe(cut);
      expect((await sync({ max_new_tokens: 24, stop_sequences: [stop], include_stop_str_in_output: true })).text).toBe(cut + stop);
    },
    SLOW,
  );

  it(
    "constrains guided outputs to their regex, choices and JSON schema",
    async () => {
      const regex = await sync({ max_new_tokens: 16, guided_regex: "Sean [A-Z][a-z]{2,6}" });
      expect(regex.text).toMatch(/^Sean [A-Z][a-z]{2,6}$/);
      const choice = await sync({ max_new_tokens: 8, guided_choice: ["dog", "cat", "parrot"] });
      expect(["dog", "cat", "parrot"]).toContain(choice.text);
      // guided_json through v1 is the same constraint; its free whitespace lets a random model pad until
      // max_new_tokens, so the schema check is done through v2 with a whitespace pattern (below).
      const json = await sync({ max_new_tokens: 6, guided_json: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } });
      expect(json.text.startsWith("{")).toBe(true);
    },
    SLOW,
  );
});

describe("/v2 on the tiny model", () => {
  const chat = { model: "tiny-llm", messages: [{ role: "user", content: "Hi there" }], max_tokens: 10, temperature: 0 };

  it(
    "answers chat and completions in the real response models, streams joining to the sync text",
    async () => {
      const sync = JSON.parse((await post("/v2/chat/completions", chat)).text) as { model: string; choices: { message: { content: string } }[] };
      expect(validate("CreateChatCompletionResponse", sync)).toEqual([]);
      expect(sync.model).toBe("tiny-llm");
      const stream = events((await post("/v2/chat/completions", { ...chat, stream: true, stream_options: { include_usage: true } })).text);
      for (const chunk of stream) expect(validateExcludeNone("CreateChatCompletionStreamResponse", chunk)).toEqual([]);
      const joined = stream.map((chunk) => (chunk.choices as { delta?: { content?: string } }[])[0]?.delta?.content ?? "").join("");
      expect(joined).toBe(sync.choices[0]?.message.content);
      expect(stream.at(-1)?.usage).toMatchObject({ completion_tokens: expect.any(Number) });
      expect(JSON.stringify(stream)).not.toContain("null");

      const plain = JSON.parse(
        (await post("/v2/completions", { model: "tiny-llm", prompt: PROMPT, max_tokens: 8, temperature: 0, logprobs: 1 })).text,
      ) as Record<string, unknown>;
      expect(validate("CreateCompletionResponse", plain)).toEqual([]);
      const logprobs = (plain.choices as { logprobs: { token_logprobs: number[] } }[])[0]?.logprobs.token_logprobs ?? [];
      expect(logprobs.length).toBeGreaterThan(0);
      for (const value of logprobs) expect(value).toBeLessThanOrEqual(0);
    },
    SLOW,
  );

  it(
    "constrains guided_json and a response_format json_schema",
    async () => {
      const colors = { type: "object", properties: { color: { enum: ["red", "blue"] }, ok: { type: "boolean" } }, required: ["color", "ok"] };
      const guided = JSON.parse(
        (
          await post("/v2/completions", {
            model: "tiny-llm",
            prompt: PROMPT,
            max_tokens: 40,
            temperature: 0,
            guided_json: colors,
            guided_whitespace_pattern: " ?",
          })
        ).text,
      ) as { choices: { text: string }[] };
      const parsed = JSON.parse(guided.choices[0]?.text ?? "") as Record<string, unknown>;
      expect(["red", "blue"]).toContain(parsed.color);
      expect(typeof parsed.ok).toBe("boolean");
      const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
      const answer = JSON.parse(
        (await post("/v2/chat/completions", { ...chat, max_tokens: 24, response_format: { type: "json_schema", json_schema: { name: "x", schema } } })).text,
      ) as { choices: { message: { content: string } }[] };
      expect(typeof (JSON.parse(answer.choices[0]?.message.content ?? "") as { ok: unknown }).ok).toBe("boolean");
    },
    SLOW,
  );

  it(
    "turns the engine's 400 into a 400 whose detail is the engine's error object",
    async () => {
      const { status, text } = await post("/v2/completions", { model: "tiny-llm", prompt: PROMPT, max_tokens: 100000 });
      expect(status).toBe(400);
      expect((JSON.parse(text) as { detail: { object: string; code: number } }).detail).toMatchObject({ object: "error", code: 400 });
    },
    SLOW,
  );
});

async function runPython(script: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn("python3", [join(REPO_ROOT, "test", "e2e", "python", script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, output };
}

describe("the clients", () => {
  it("the official openai SDK, unmodified, runs chat and completions against /v2, sync and streaming with include_usage, and log probs", async () => {
    const { code, output } = await runPython("openai_flow.py", [app.url, "tiny-llm"]);
    expect(output).toContain("openai flow: OK");
    expect(code).toBe(0);
  }, 120_000);

  it("the requests llmengine and scale-launch send, replayed, get what the clients read", async () => {
    const { code, output } = await runPython("llm_client_flow.py", [app.url, "tiny-llm", basename(modelDir)]);
    expect(output).toContain("llm client flow: OK");
    expect(code).toBe(0);
  }, 120_000);
});
