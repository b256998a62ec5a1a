/**
 * End to end: the LLM engine (src/worker/launch_local_llm) on the tiny model, straight over HTTP,
 * on vLLM's /v1/completions wire: real tokens, greedy and seeded sampling, stops, log probs,
 * streams, usage, concurrency and vLLM's error answers.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asArray, asRecord, choice, postJson, postStream, usageOf } from "../../helpers/llm-client.js";
import type { PythonServer } from "../../helpers/python.js";
import { runLlmPython, startLlmEngine, tinyModel, type TinyModel } from "../../helpers/tiny-model.js";

let model: TinyModel;
let engine: PythonServer;
const PROMPT = "Hello, my name is";

beforeAll(async () => {
  model = tinyModel();
  engine = await startLlmEngine(model);
});

afterAll(async () => {
  await engine?.stop();
});

const complete = (body: Record<string, unknown>) => postJson(engine.url, "/v1/completions", { model: "model_files", prompt: PROMPT, ...body });
const greedy = { temperature: 0, max_tokens: 24, ignore_eos: true };

/** Token ids of `texts` per the model's tokenizer.json, read by the tokenizers library itself. */
function tokenizerIds(texts: string[]): number[][] {
  const code =
    "import json, sys; from tokenizers import Tokenizer; t = Tokenizer.from_file(sys.argv[1] + '/tokenizer.json'); " +
    "print(json.dumps([t.encode(s, add_special_tokens=True).ids for s in json.loads(sys.argv[2])]))";
  return asArray(JSON.parse(runLlmPython(code, [model.dir, JSON.stringify(texts)]))).map((ids) => asArray(ids).map(Number));
}

describe("the engine on the tiny model", () => {
  it("answers /health, /v1/models and a completion in vLLM's shape", async () => {
    const health = await fetch(`${engine.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("");
    const models = asRecord(await (await fetch(`${engine.url}/v1/models`)).json());
    expect(asArray(models["data"]).map((card) => asRecord(card)["id"])).toEqual(["tiny", "model_files"]);

    const { status, body } = await complete(greedy);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(["id", "object", "created", "model", "choices", "service_tier", "system_fingerprint", "usage", "kv_transfer_params"]);
    expect(body["object"]).toBe("text_completion");
    expect(body["model"]).toBe("tiny");
    expect(String(body["id"])).toMatch(/^cmpl-[0-9a-f]{32}$/);
    const first = choice(body);
    expect(Object.keys(first)).toEqual(["index", "text", "logprobs", "finish_reason", "stop_reason", "token_ids", "prompt_logprobs", "prompt_token_ids"]);
    expect(first["finish_reason"]).toBe("length");
    expect(String(first["text"]).length).toBeGreaterThan(0);
    expect(usageOf(body).completion).toBe(24);
  });

  it("sends a JSON answer's head and body in one write, so no delayed ACK stands between them", async () => {
    const body = JSON.stringify({ model: "model_files", prompt: PROMPT, ...greedy, max_tokens: 2 });
    const socket = connect(Number(new URL(engine.url).port), "127.0.0.1");
    socket.setNoDelay(true);
    socket.write(`POST /v1/completions HTTP/1.1\r\nHost: e\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    // The first read on loopback holds everything written at once; a head sent alone arrives alone.
    const first = await new Promise<string>((resolve) => socket.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8"))));
    socket.destroy();
    const length = Number(/content-length: (\d+)/i.exec(first)?.[1]);
    expect(Buffer.byteLength(first.slice(first.indexOf("\r\n\r\n") + 4))).toBe(length);
    expect(first).toContain('"text_completion"');
  });

  it("is deterministic at temperature 0 and under a seed; other seeds sample other text", async () => {
    const a = await complete({ ...greedy, return_token_ids: true });
    const b = await complete({ ...greedy, return_token_ids: true });
    expect(choice(b.body)["text"]).toBe(choice(a.body)["text"]);
    expect(choice(b.body)["token_ids"]).toEqual(choice(a.body)["token_ids"]);

    const sampled = { temperature: 1, top_p: 0.95, top_k: 100, max_tokens: 24, ignore_eos: true };
    const s1 = await complete({ ...sampled, seed: 7 });
    const s2 = await complete({ ...sampled, seed: 7 });
    const s3 = await complete({ ...sampled, seed: 8 });
    expect(choice(s2.body)["text"]).toBe(choice(s1.body)["text"]);
    expect(choice(s3.body)["text"]).not.toBe(choice(s1.body)["text"]);
  });

  it("counts tokens as the tokenizer does", async () => {
    const { body } = await complete({ ...greedy, return_token_ids: true });
    const [promptIds, textIds] = tokenizerIds([PROMPT, String(choice(body)["text"])]);
    const usage = usageOf(body);
    expect(usage.prompt).toBe(promptIds?.length);
    expect(choice(body)["prompt_token_ids"]).toEqual(promptIds);
    expect(asArray(choice(body)["token_ids"])).toHaveLength(usage.completion);
    expect(usage.total).toBe(usage.prompt + usage.completion);
    expect(textIds?.length).toBeGreaterThan(0);
  });

  it("reports log probs in the completions shape: all ≤ 0, one per completion token", async () => {
    const { body } = await complete({ ...greedy, logprobs: 3 });
    const logprobs = asRecord(choice(body)["logprobs"]);
    const tokens = asArray(logprobs["tokens"]);
    const values = asArray(logprobs["token_logprobs"]).map(Number);
    expect(tokens).toHaveLength(usageOf(body).completion);
    expect(values.every((value) => value <= 0)).toBe(true);
    const tops = asArray(logprobs["top_logprobs"]).map((top) => asRecord(top));
    expect(tops.every((top) => Object.keys(top).length >= 1 && Object.keys(top).length <= 4)).toBe(true);
    // Greedy picks the most likely token (tokens with the same string share one key in the top list).
    tops.forEach((top, index) => expect(values[index]).toBeGreaterThanOrEqual(Math.max(...Object.values(top).map(Number))));
    const offsets = asArray(logprobs["text_offset"]).map(Number);
    expect(offsets[0]).toBe(0);
    offsets.slice(1).forEach((offset, index) => expect(offset).toBe((offsets[index] ?? 0) + String(tokens[index]).length));
  });

  it("streams deltas that join to the sync text, then usage, then [DONE]", async () => {
    const sync = await complete({ ...greedy, logprobs: 1 });
    const stream = await postStream(engine.url, "/v1/completions", {
      model: "model_files",
      prompt: PROMPT,
      ...greedy,
      logprobs: 1,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    expect(stream.endsWithDone).toBe(true);
    const usageChunk = stream.events.at(-1) ?? {};
    expect(usageChunk["choices"]).toEqual([]);
    const chunks = stream.events.slice(0, -1);
    expect(chunks).toHaveLength(24);
    expect(chunks.map((chunk) => choice(chunk)["text"]).join("")).toBe(choice(sync.body)["text"]);
    expect(chunks.at(-1) && choice(chunks.at(-1) ?? {})["finish_reason"]).toBe("length");
    expect(chunks.slice(0, -1).every((chunk) => choice(chunk)["finish_reason"] === null)).toBe(true);
    expect(usageOf(usageChunk)).toEqual(usageOf(sync.body));
    const streamedTokens = chunks.flatMap((chunk) => asArray(asRecord(choice(chunk)["logprobs"])["tokens"]));
    expect(streamedTokens).toEqual(asRecord(choice(sync.body)["logprobs"])["tokens"]);
  });

  it("truncates at a stop string, with or without it, in sync answers and streams", async () => {
    const full = String(choice((await complete(greedy)).body)["text"]);
    const stop = full.slice(8, 11);
    const at = full.indexOf(stop);
    const without = await complete({ ...greedy, stop: [stop] });
    expect(choice(without.body)["text"]).toBe(full.slice(0, at));
    expect(choice(without.body)["finish_reason"]).toBe("stop");
    expect(choice(without.body)["stop_reason"]).toBe(stop);
    const withStop = await complete({ ...greedy, stop: stop, include_stop_str_in_output: true });
    expect(choice(withStop.body)["text"]).toBe(full.slice(0, at + stop.length));

    const stream = await postStream(engine.url, "/v1/completions", { model: "model_files", prompt: PROMPT, ...greedy, stop: [stop], stream: true });
    expect(stream.events.map((chunk) => choice(chunk)["text"]).join("")).toBe(full.slice(0, at));
    expect(choice(stream.events.at(-1) ?? {})["stop_reason"]).toBe(stop);
  });

  it("echoes the prompt, serves n choices and several prompts, honours min_tokens and stop_token_ids", async () => {
    const echo = await complete({ ...greedy, echo: true, max_tokens: 4 });
    expect(String(choice(echo.body)["text"]).startsWith(PROMPT)).toBe(true);

    const many = await postJson(engine.url, "/v1/completions", { prompt: ["one", "two"], n: 2, temperature: 1, seed: 3, max_tokens: 5, ignore_eos: true });
    expect(asArray(many.body["choices"]).map((item) => asRecord(item)["index"])).toEqual([0, 1, 2, 3]);
    expect(usageOf(many.body).completion).toBe(20);
    // Each prompt of a list samples as it would alone (vLLM runs them as requests of their own).
    const alone = await postJson(engine.url, "/v1/completions", { prompt: "two", n: 2, temperature: 1, seed: 3, max_tokens: 5, ignore_eos: true });
    expect(asArray(alone.body["choices"]).map((item) => asRecord(item)["text"])).toEqual(
      asArray(many.body["choices"])
        .slice(2)
        .map((item) => asRecord(item)["text"]),
    );

    const ids = asArray(choice((await complete({ ...greedy, return_token_ids: true })).body)["token_ids"]).map(Number);
    const stopId = ids[3] ?? -1;
    const stopped = await complete({ ...greedy, stop_token_ids: [stopId], return_token_ids: true });
    expect(choice(stopped.body)["stop_reason"]).toBe(stopId);
    expect(choice(stopped.body)["token_ids"]).toEqual(ids.slice(0, ids.indexOf(stopId) + 1));
    const held = await complete({ ...greedy, stop_token_ids: [stopId], min_tokens: ids.indexOf(stopId) + 2, return_token_ids: true });
    expect(asArray(choice(held.body)["token_ids"]).length).toBeGreaterThan(ids.indexOf(stopId) + 1);
  });

  it("answers /health and other requests while a stream is in flight, each request correct", async () => {
    const expected = String(choice((await complete({ ...greedy, max_tokens: 60 })).body)["text"]);
    const response = await fetch(`${engine.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "model_files", prompt: PROMPT, ...greedy, max_tokens: 60, stream: true }),
    });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error("no stream body");
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect((await fetch(`${engine.url}/health`)).status).toBe(200);
    const other = await complete({ ...greedy, max_tokens: 8 });
    expect(String(choice(other.body)["text"])).toBe(expected.slice(0, String(choice(other.body)["text"]).length));
    let raw = new TextDecoder().decode(first.value);
    for (let part = await reader.read(); !part.done; part = await reader.read()) raw += new TextDecoder().decode(part.value);
    const texts = raw
      .split("\n\n")
      .filter((block) => block.startsWith("data: {"))
      .map((block) => choice(asRecord(JSON.parse(block.slice(6))))["text"]);
    expect(texts.join("")).toBe(expected);
  });

  it("honours logit_bias, allowed_token_ids, bad_words and return_tokens_as_token_ids", async () => {
    const biased = await complete({ ...greedy, max_tokens: 6, logit_bias: { "300": 100 }, return_token_ids: true });
    expect(choice(biased.body)["token_ids"]).toEqual([300, 300, 300, 300, 300, 300]);
    const allowed = [65, 66, 67, 68];
    const limited = await complete({ temperature: 1, seed: 5, max_tokens: 12, allowed_token_ids: allowed, return_token_ids: true });
    expect(asArray(choice(limited.body)["token_ids"]).every((token) => allowed.includes(Number(token)))).toBe(true);

    const plain = await complete({ ...greedy, return_token_ids: true, logprobs: 0 });
    const word =
      asArray(asRecord(choice(plain.body)["logprobs"])["tokens"])
        .map(String)
        .find((token) => /^\s?[A-Za-z]+$/.test(token))
        ?.trim() ?? "";
    expect(word).not.toBe("");
    const banned: number[] = [];
    for (const text of [word, ` ${word}`]) {
      const ids = asArray((await postJson(engine.url, "/tokenize", { prompt: text, add_special_tokens: false })).body["tokens"]).map(Number);
      if (ids.length === 1 && ids[0] !== undefined) banned.push(ids[0]);
    }
    expect(banned.length).toBeGreaterThan(0);
    const clean = await complete({ ...greedy, bad_words: [word], return_token_ids: true });
    expect(asArray(choice(clean.body)["token_ids"]).some((token) => banned.includes(Number(token)))).toBe(false);
    expect(choice(clean.body)["token_ids"]).not.toEqual(choice(plain.body)["token_ids"]);

    const named = await complete({ ...greedy, max_tokens: 4, logprobs: 1, return_token_ids: true, return_tokens_as_token_ids: true });
    const ids = asArray(choice(named.body)["token_ids"]);
    expect(asRecord(choice(named.body)["logprobs"])["tokens"]).toEqual(ids.map((token) => `token_id:${String(token)}`));
    expect((await complete({ logit_bias: { "99999": 1 } })).status).toBe(400);
  });

  it("refuses bad requests with vLLM's error object", async () => {
    const tooLong = await complete({ max_tokens: 5000 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toEqual({
      object: "error",
      message: expect.stringContaining("This model's maximum context length is 1024 tokens."),
      type: "BadRequestError",
      param: null,
      code: 400,
    });
    const unknown = await complete({ model: "gpt-17" });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ object: "error", message: "The model `gpt-17` does not exist.", type: "NotFoundError", code: 404 });
    const badTemperature = await complete({ temperature: -1 });
    expect(badTemperature.status).toBe(400);
    expect(badTemperature.body["message"]).toBe("temperature must be non-negative, got -1.0.");
    const badTopK = await complete({ top_k: -5 });
    expect(badTopK.body["message"]).toBe("top_k must be 0 or -1 (disable), or at least 1, got -5.");
    const noPrompt = await postJson(engine.url, "/v1/completions", { max_tokens: 3 });
    expect(noPrompt.status).toBe(400);
    const ignoredField = await complete({ ...greedy, max_tokens: 2, some_future_field: true });
    expect(ignoredField.status).toBe(200);
  });
});
