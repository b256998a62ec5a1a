import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { waitFor } from "../../helpers/wait-for.js";
import { type TestApp, createTestApp } from "../../helpers/test-app.js";
import { type FakeEngine, createFakeEngine } from "./fake-engine.js";

let modelsDir: string;
let app: TestApp;
let engine: FakeEngine;
let me: LaunchHttp;

beforeAll(() => {
  modelsDir = mkdtempSync(join(tmpdir(), "llm-models-"));
  mkdirSync(join(modelsDir, "tiny"));
  for (const file of ["config.json", "model.safetensors"]) writeFileSync(join(modelsDir, "tiny", file), "{}");
});
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

beforeEach(async () => {
  engine = createFakeEngine();
  app = await createTestApp({ llmModelsDir: modelsDir, fakeRuntime: createFakeRuntime({ handler: (request) => engine.handler(request) }) });
  me = new LaunchHttp(app.url);
  const body = {
    name: "llm",
    model_name: "tiny",
    endpoint_type: "streaming",
    metadata: {},
    min_workers: 0,
    max_workers: 1,
    per_worker: 1,
    labels: { team: "t", product: "p" },
  };
  await me.ok("POST", "/v1/llm/model-endpoints", body);
});
afterEach(async () => app.close());

const completion = { prompt: "Hi", max_new_tokens: 3, temperature: 0.5, return_token_log_probs: true, stop_sequences: ["\n"] };

async function post(path: string, body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${app.url}${path}`, {
    method: "POST",
    headers: { authorization: app.auth(), "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}
const dataOf = (text: string): unknown[] =>
  text
    .split("\r\n\r\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => JSON.parse(block.slice(6)) as unknown);

describe("/v1/llm/completions-sync and -stream", () => {
  it("sends the vLLM args to /v1/completions and answers model-engine's shape", async () => {
    const { status, text } = await post("/v1/llm/completions-sync?model_endpoint_name=llm", completion);
    expect(status).toBe(200);
    expect(engine.requests.at(-1)?.path).toBe("/v1/completions");
    expect(engine.requests.at(-1)?.body).toBe(
      '{"prompt":"Hi","max_tokens":3,"presence_penalty":0,"frequency_penalty":0,"stop":["\\n"],"temperature":0.5,"top_k":-1,"top_p":1,"logprobs":1,"skip_special_tokens":true}',
    );
    const answer = JSON.parse(text) as { request_id: string; output: Record<string, unknown> };
    expect(text).toBe(
      `{"request_id":"${answer.request_id}","output":{"text":" John and I","num_prompt_tokens":5,"num_completion_tokens":3,"tokens":[{"token":" John","log_prob":-0.5},{"token":" and","log_prob":-1.25},{"token":" I","log_prob":-0.75}]}}`,
    );
    const greedy = await post("/v1/llm/completions-sync?model_endpoint_name=llm", { prompt: "Hi", max_new_tokens: 3, temperature: 0 });
    expect((JSON.parse(greedy.text) as { output: { tokens: unknown } }).output.tokens).toBeNull();
    expect(engine.requests.at(-1)?.json).toEqual({
      prompt: "Hi",
      max_tokens: 3,
      presence_penalty: 0,
      frequency_penalty: 0,
      temperature: 0,
      skip_special_tokens: true,
    });
  });

  it("answers the real 400s, 404 and the upstream error", async () => {
    const cases: [string, unknown, number, unknown][] = [
      ["llm", { ...completion, temperature: 0, top_k: 5 }, 400, "top_k and top_p can't be enabled when temperature is 0."],
      ["llm", { ...completion, top_k: 0 }, 400, "top_k needs to be strictly positive, or set it to be -1 / None to disable top_k."],
      [
        "llm",
        { ...completion, guided_regex: "a", guided_choice: ["a"] },
        400,
        "Only one of guided_json, guided_choice, guided_regex, guided_grammar can be enabled.",
      ],
      ["nope", completion, 404, "The specified endpoint could not be found."],
      [
        "llm",
        { ...completion, prompt: "bad" },
        400,
        "{'object': 'error', 'message': \"This model's maximum context length is 8 tokens.\", 'type': 'BadRequestError', 'param': None, 'code': 400}",
      ],
    ];
    for (const [name, body, status, detail] of cases) {
      const answer = await post(`/v1/llm/completions-sync?model_endpoint_name=${name}`, body);
      expect([answer.status, (JSON.parse(answer.text) as { detail: unknown }).detail]).toEqual([status, detail]);
    }
    const failed = await post("/v1/llm/completions-sync?model_endpoint_name=llm", { ...completion, prompt: "crash" });
    expect(failed.status).toBe(500);
    expect((JSON.parse(failed.text) as { detail: string }).detail).toMatch(/^Upstream service error for request_id [0-9a-f-]{36}$/);
    const missing = await post("/v1/llm/completions-sync", completion);
    expect(missing.status).toBe(422);
  });

  it("streams events with the running count, num_prompt_tokens only when finished, and no [DONE]", async () => {
    const { status, text } = await post("/v1/llm/completions-stream?model_endpoint_name=llm", completion);
    expect(status).toBe(200);
    expect(engine.requests.at(-1)?.json).toMatchObject({ stream: true, stream_options: { include_usage: true, continuous_usage_stats: true } });
    expect(text).not.toContain("DONE");
    const events = dataOf(text) as { request_id: string; output: Record<string, unknown>; error: null }[];
    expect(events.map((event) => event.output)).toEqual([
      { text: " John", finished: false, num_prompt_tokens: null, num_completion_tokens: 1, token: { token: " John", log_prob: -0.5 } },
      { text: " and", finished: false, num_prompt_tokens: null, num_completion_tokens: 2, token: { token: " and", log_prob: -1.25 } },
      { text: " I", finished: true, num_prompt_tokens: 5, num_completion_tokens: 3, token: { token: " I", log_prob: -0.75 } },
    ]);
    expect(Object.keys(events[0] ?? {})).toEqual(["request_id", "output", "error"]);
    expect(new Set(events.map((event) => event.request_id)).size).toBe(1);

    const failed = await post("/v1/llm/completions-stream?model_endpoint_name=llm", { ...completion, prompt: "bad" });
    const [error] = dataOf(failed.text) as { output: null; error: { status_code: number; content: { error: string; timestamp: string } } }[];
    expect(error?.output).toBeNull();
    expect(error?.error.status_code).toBe(400);
    expect(error?.error.content.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d P[SD]T$/);
    expect((await post("/v1/llm/completions-stream?model_endpoint_name=nope", completion)).text).toBe('{"detail":"Model endpoint nope not found."}');
  });
});

describe("/v2/chat/completions and /v2/completions", () => {
  const chat = { model: "llm", messages: [{ role: "user", content: "Hi" }], max_tokens: 3 };

  it("passes the body through with model_files upstream and validates the answer into the response model", async () => {
    const { status, text } = await post("/v2/chat/completions", { ...chat, top_k: 2, some_unknown: 1, temperature: null });
    expect(status).toBe(200);
    const upstream = engine.requests.at(-1)?.json as Record<string, unknown>;
    expect(upstream).toMatchObject({
      model: "model_files",
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 3,
      top_k: 2,
      temperature: 1,
      stream: false,
      n: 1,
    });
    expect(upstream).not.toHaveProperty("some_unknown");
    expect(JSON.parse(text)).toEqual({
      id: "cmpl-1",
      choices: [
        {
          finish_reason: "length",
          index: 0,
          message: {
            content: " John and I",
            refusal: null,
            tool_calls: [],
            annotations: null,
            role: "assistant",
            function_call: null,
            audio: null,
            reasoning_content: null,
          },
          logprobs: null,
        },
      ],
      created: 1700000000,
      model: "llm",
      service_tier: null,
      system_fingerprint: null,
      object: "chat.completion",
      usage: { completion_tokens: 3, prompt_tokens: 5, total_tokens: 8, completion_tokens_details: null, prompt_tokens_details: null },
    });
    const plain = JSON.parse((await post("/v2/completions", { model: "llm", prompt: "Hi" })).text) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(["id", "choices", "created", "model", "system_fingerprint", "object", "usage"]);
    expect(Object.keys((plain.choices as Record<string, unknown>[])[0] ?? {})).toEqual(["finish_reason", "index", "logprobs", "text"]);
  });

  it("streams chunks without nulls and without [DONE]", async () => {
    const { text } = await post("/v2/completions", { model: "llm", prompt: "Hi", stream: true, stream_options: { include_usage: true } });
    expect(text).not.toContain("DONE");
    const chunks = dataOf(text) as Record<string, unknown>[];
    expect(chunks).toHaveLength(4);
    expect(chunks[0]).toEqual({
      id: "cmpl-1",
      choices: [{ finish_reason: null, index: 0, text: " John" }].map(({ finish_reason: _, ...rest }) => rest),
      created: 1700000000,
      model: "llm",
      object: "text_completion",
    });
    expect(chunks[3]).toEqual({
      id: "cmpl-1",
      choices: [],
      created: 1700000000,
      model: "llm",
      object: "text_completion",
      usage: { completion_tokens: 3, prompt_tokens: 5, total_tokens: 8 },
    });
    const chatChunks = dataOf((await post("/v2/chat/completions", { ...chat, stream: true })).text) as { choices: { delta: unknown }[] }[];
    expect(chatChunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([{ content: " John", role: "assistant" }, { content: " and" }, { content: " I" }]);
  });

  it("answers upstream 400s with the engine's object, 404, 410 and unsupported frameworks", async () => {
    const bad = await post("/v2/chat/completions", { ...chat, messages: [{ role: "user", content: "bad" }] });
    expect([bad.status, JSON.parse(bad.text)]).toEqual([
      400,
      { detail: { object: "error", message: "This model's maximum context length is 8 tokens.", type: "BadRequestError", param: null, code: 400 } },
    ]);
    const badStream = await post("/v2/completions", { model: "llm", prompt: "bad", stream: true });
    expect(badStream.status).toBe(400);
    expect(JSON.parse((await post("/v2/chat/completions", { ...chat, model: "nope" })).text)).toEqual({ detail: "The specified endpoint could not be found." });
    expect(JSON.parse((await post("/v2/chat/completions", { ...chat, model: "nope", stream: true })).text)).toEqual({
      detail: "Model endpoint nope not found.",
    });
    const tooShort = await post("/v2/chat/completions", { ...chat, messages: [] });
    expect(tooShort.status).toBe(422);

    const id = String((await me.ok<{ id: string }>("GET", "/v1/llm/model-endpoints/llm")).id);
    await waitFor(async () => (await me.ok<{ status: string }>("GET", `/v1/model-endpoints/${id}`)).status === "READY", 10_000, "the endpoint to be READY");
    await me.ok("PUT", "/v1/llm/model-endpoints/llm", { max_workers: 0 });
    expect(JSON.parse((await post("/v2/chat/completions", chat)).text)).toEqual({ detail: "The endpoint llm is deprecated. max_workers is 0." });

    await me.ok("POST", "/v1/llm/model-endpoints", {
      name: "tgi",
      model_name: "tiny",
      inference_framework: "text_generation_inference",
      endpoint_type: "streaming",
      metadata: {},
      min_workers: 0,
      max_workers: 1,
      per_worker: 1,
      labels: { team: "t", product: "p" },
    });
    expect(JSON.parse((await post("/v2/completions", { model: "tgi", prompt: "Hi" })).text)).toEqual({
      detail:
        "Unsupported inference type: The endpoint's inference framework (LLMInferenceFramework.TEXT_GENERATION_INFERENCE) does not support openai compatible completion.",
    });
  });
});
