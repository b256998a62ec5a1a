/**
 * End to end: the LLM engine's /v1/chat/completions on the tiny model (its ChatML template, a
 * request's own template and kwargs, roles, echo, chat log probs, streams with usage), straight over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asArray, asRecord, choice, postJson, postStream, usageOf } from "../../helpers/llm-client.js";
import type { PythonServer } from "../../helpers/python.js";
import { runLlmPython, startLlmEngine, tinyModel, type TinyModel } from "../../helpers/tiny-model.js";

let model: TinyModel;
let engine: PythonServer;
const MESSAGES = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "Say hello." },
];
const CHATML = "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nSay hello.<|im_end|>\n<|im_start|>assistant\n";

beforeAll(async () => {
  model = tinyModel();
  engine = await startLlmEngine(model);
});

afterAll(async () => {
  await engine?.stop();
});

const chat = (body: Record<string, unknown>) => postJson(engine.url, "/v1/chat/completions", { model: "model_files", messages: MESSAGES, ...body });
const greedy = { temperature: 0, max_completion_tokens: 16, ignore_eos: true };

/** How many tokens the model's tokenizer.json makes of `text` (special tokens in it included). */
function countTokens(text: string): number {
  const code =
    "import sys; from tokenizers import Tokenizer; print(len(Tokenizer.from_file(sys.argv[1] + '/tokenizer.json').encode(sys.argv[2], add_special_tokens=False).ids))";
  return Number(runLlmPython(code, [model.dir, text]).trim());
}

const message = (body: Record<string, unknown>) => asRecord(choice(body)["message"]);

describe("chat completions on the tiny model", () => {
  it("applies the tokenizer's chat template and answers in vLLM's shape", async () => {
    const { status, body } = await chat(greedy);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual([
      "id",
      "object",
      "created",
      "model",
      "choices",
      "service_tier",
      "system_fingerprint",
      "usage",
      "prompt_logprobs",
      "prompt_token_ids",
      "kv_transfer_params",
    ]);
    expect(body["object"]).toBe("chat.completion");
    expect(String(body["id"])).toMatch(/^chatcmpl-[0-9a-f]{32}$/);
    expect(Object.keys(choice(body))).toEqual(["index", "message", "logprobs", "finish_reason", "stop_reason", "token_ids"]);
    expect(message(body)).toEqual({
      role: "assistant",
      content: expect.any(String),
      refusal: null,
      annotations: null,
      audio: null,
      function_call: null,
      tool_calls: [],
      reasoning_content: null,
    });
    expect(choice(body)["finish_reason"]).toBe("length");
    expect(usageOf(body)).toEqual({ prompt: countTokens(CHATML), completion: 16, total: countTokens(CHATML) + 16 });
  });

  it("streams a role chunk, content deltas that join to the sync content, usage on every chunk and at the end", async () => {
    const sync = await chat(greedy);
    const stream = await postStream(engine.url, "/v1/chat/completions", {
      model: "model_files",
      messages: MESSAGES,
      ...greedy,
      stream: true,
      stream_options: { include_usage: true, continuous_usage_stats: true },
    });
    expect(stream.endsWithDone).toBe(true);
    const [first, ...rest] = stream.events;
    expect(choice(first ?? {})).toEqual({ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null });
    const final = rest.at(-1) ?? {};
    expect(final["choices"]).toEqual([]);
    expect(usageOf(final)).toEqual(usageOf(sync.body));
    const deltas = rest.slice(0, -1);
    expect(deltas).toHaveLength(16);
    expect(deltas.map((chunk) => asRecord(choice(chunk)["delta"])["content"]).join("")).toBe(message(sync.body)["content"]);
    deltas.forEach((chunk, index) => expect(usageOf(chunk).completion).toBe(index + 1));
    expect(choice(deltas.at(-1) ?? {})["finish_reason"]).toBe("length");
    expect(deltas.every((chunk) => chunk["object"] === "chat.completion.chunk" && chunk["model"] === "tiny")).toBe(true);
  });

  it("reports chat log probs: one entry per token, each ≤ 0 with its bytes and its top list", async () => {
    const { body } = await chat({ ...greedy, logprobs: true, top_logprobs: 2 });
    const content = asArray(asRecord(choice(body)["logprobs"])["content"]).map((item) => asRecord(item));
    expect(content).toHaveLength(usageOf(body).completion);
    for (const entry of content) {
      expect(Number(entry["logprob"])).toBeLessThanOrEqual(0);
      expect(entry["bytes"]).toEqual([...Buffer.from(String(entry["token"]), "utf8")]);
      const tops = asArray(entry["top_logprobs"]).map((item) => asRecord(item));
      expect(tops).toHaveLength(2);
      expect(tops[0]?.["token"]).toBe(entry["token"]);
    }
  });

  it("uses a request's own chat template with its kwargs, and the last role without a generation prompt", async () => {
    const template = "{% for m in messages %}{{ greeting }} {{ m['role'] }}: {{ m['content'] }}\n{% endfor %}";
    const { body } = await chat({ ...greedy, chat_template: template, chat_template_kwargs: { greeting: "Hi" }, add_generation_prompt: false });
    expect(usageOf(body).prompt).toBe(countTokens("Hi system: You are terse.\nHi user: Say hello.\n"));
    expect(message(body)["role"]).toBe("user");

    const prefill = [...MESSAGES, { role: "assistant", content: "Hello" }];
    const continued = await chat({ ...greedy, messages: prefill, add_generation_prompt: false, continue_final_message: true, echo: true });
    expect(usageOf(continued.body).prompt).toBe(countTokens(`${CHATML}Hello`));
    expect(message(continued.body)["role"]).toBe("assistant");
    expect(String(message(continued.body)["content"]).startsWith("Hello")).toBe(true);
  });

  it("stops at a stop string and counts max_completion_tokens", async () => {
    const full = String(message((await chat(greedy)).body)["content"]);
    const stop = full.slice(5, 8);
    const stopped = await chat({ ...greedy, stop: [stop] });
    expect(message(stopped.body)["content"]).toBe(full.slice(0, full.indexOf(stop)));
    expect(choice(stopped.body)["finish_reason"]).toBe("stop");
    const short = await chat({ ...greedy, max_completion_tokens: 3 });
    expect(usageOf(short.body).completion).toBe(3);
  });

  it("forces a named tool call or the required ones, arguments valid against each tool's parameters", async () => {
    const weather = {
      type: "object",
      properties: { city: { type: "string", minLength: 1, maxLength: 10 }, days: { type: "integer", minimum: 1, maximum: 7 } },
      required: ["city", "days"],
    };
    const time = { type: "object", properties: { zone: { enum: ["UTC", "CET"] } }, required: ["zone"] };
    const tools = [
      { type: "function", function: { name: "get_weather", parameters: weather } },
      { type: "function", function: { name: "get_time", parameters: time } },
    ];
    const base = { temperature: 1, seed: 2, max_tokens: 120, tools, guided_whitespace_pattern: "[ ]?" };
    const named = await chat({ ...base, tool_choice: { type: "function", function: { name: "get_weather" } } });
    const call = asRecord(asArray(message(named.body)["tool_calls"])[0]);
    expect(message(named.body)["content"]).toBe("");
    expect(call).toEqual({
      id: expect.stringMatching(/^chatcmpl-tool-[0-9a-f]{32}$/),
      type: "function",
      function: { name: "get_weather", arguments: expect.any(String) },
    });
    const required = await chat({ ...base, tool_choice: "required", seed: 3, max_tokens: 400 });
    const calls = asArray(message(required.body)["tool_calls"]).map((item) => asRecord(asRecord(item)["function"]));
    expect(calls.length).toBeGreaterThan(0);
    const stream = await postStream(engine.url, "/v1/chat/completions", {
      model: "model_files",
      messages: MESSAGES,
      ...base,
      seed: 4,
      stream: true,
      tool_choice: { type: "function", function: { name: "get_time" } },
    });
    const deltas = stream.events
      .slice(1)
      .map((chunk) => asArray(asRecord(choice(chunk)["delta"])["tool_calls"])[0])
      .map((item) => asRecord(asRecord(item)["function"]));
    expect(deltas[0]?.["name"]).toBe("get_time");
    const checks = [
      [weather, String(asRecord(call["function"])["arguments"])],
      ...calls.map((item) => [item["name"] === "get_weather" ? weather : time, String(item["arguments"])]),
      [time, deltas.map((item) => String(item["arguments"])).join("")],
    ];
    const code = "import json, sys, jsonschema\nfor schema, text in json.loads(sys.argv[1]): jsonschema.validate(json.loads(text), schema)\nprint('valid')";
    expect(runLlmPython(code, [JSON.stringify(checks)]).trim()).toBe("valid");
    const unknown = await chat({ tools, tool_choice: { type: "function", function: { name: "nope" } } });
    expect(unknown.body["message"]).toBe("Tool 'nope' has not been passed in `tools`.");
  });

  it("refuses what vLLM refuses, in its error object", async () => {
    const both = await chat({ add_generation_prompt: true, continue_final_message: true });
    expect(both).toEqual({
      status: 400,
      body: expect.objectContaining({
        object: "error",
        type: "BadRequestError",
        code: 400,
        message: "Cannot set both `continue_final_message` and `add_generation_prompt` to True.",
      }),
    });
    const tools = await chat({ tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }] });
    expect(tools.body["message"]).toBe('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set');
    const topOnly = await chat({ top_logprobs: 2 });
    expect(topOnly.body["message"]).toBe("when using `top_logprobs`, `logprobs` must be set to true.");
    const empty = await chat({ messages: [] });
    expect(empty.status).toBe(400);
    const image = await chat({ messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:," } }] }] });
    expect(image.status).toBe(400);
    const unknown = await chat({ model: "other" });
    expect(unknown.status).toBe(404);
    const long = await chat({ max_completion_tokens: 4000 });
    expect(String(long.body["message"])).toMatch(/^This model's maximum context length is 1024 tokens\. However, you requested \d+ tokens/);
  });
});
