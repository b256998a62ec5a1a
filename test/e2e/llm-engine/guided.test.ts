/**
 * End to end: guided decoding on the tiny model. A random-weight model left alone writes gibberish,
 * so every output that full-matches its regex, is one of its choices, validates against its JSON
 * Schema (checked by the jsonschema library) or parses under its grammar (checked by lark's Earley
 * parser) was made so by the engine's masking.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asArray, asRecord, choice, postJson, postStream } from "../../helpers/llm-client.js";
import type { PythonServer } from "../../helpers/python.js";
import { runLlmPython, startLlmEngine, tinyModel } from "../../helpers/tiny-model.js";

let engine: PythonServer;

beforeAll(async () => {
  engine = await startLlmEngine(tinyModel());
});

afterAll(async () => {
  await engine?.stop();
});

const SEEDS = [1, 2, 3];
const complete = (body: Record<string, unknown>) =>
  postJson(engine.url, "/v1/completions", { model: "model_files", prompt: "Hello, my name is", max_tokens: 120, ...body });
const text = (body: Record<string, unknown>) => String(choice(body)["text"]);

/** jsonschema's verdict on each output: "ok" or the first error. */
function validate(schema: unknown, outputs: string[]): string[] {
  const code =
    "import json, sys, jsonschema; schema = json.loads(sys.argv[1]); out = []\n" +
    "for text in json.loads(sys.argv[2]):\n" +
    "    try:\n        jsonschema.validate(json.loads(text), schema); out.append('ok')\n" +
    "    except Exception as error:\n        out.append(type(error).__name__ + ': ' + str(error).splitlines()[0])\n" +
    "print(json.dumps(out))";
  return asArray(JSON.parse(runLlmPython(code, [JSON.stringify(schema), JSON.stringify(outputs)]))).map(String);
}

const PERSON = {
  $defs: { tag: { enum: ["red", "green", "blue"] } },
  type: "object",
  properties: {
    name: { type: "string", minLength: 1, maxLength: 8 },
    age: { type: "integer", minimum: 0, maximum: 120 },
    score: { type: "number", minimum: 0, maximum: 1 },
    member: { type: "boolean" },
    nickname: { anyOf: [{ type: "string", maxLength: 5 }, { type: "null" }] },
    tags: { type: "array", items: { $ref: "#/$defs/tag" }, minItems: 1, maxItems: 3 },
    address: { type: "object", properties: { city: { type: "string", pattern: "^[A-Z][a-z]{2,9}$" }, zip: { const: "12345" } }, required: ["city"] },
    kind: { type: "string", format: "date" },
  },
  required: ["name", "age", "tags", "address"],
};

describe("guided decoding", () => {
  it("full-matches guided_regex, sampled or greedy, streamed or not", async () => {
    const pattern = "Sean [A-Z][a-z]{2,6}";
    const full = new RegExp(`^(?:${pattern})$`);
    for (const seed of SEEDS) {
      const { body } = await complete({ temperature: 1, seed, guided_regex: pattern });
      expect(text(body)).toMatch(full);
      expect(choice(body)["finish_reason"]).toBe("stop");
    }
    const greedy = await complete({ temperature: 0, guided_regex: pattern, logprobs: 0 });
    expect(text(greedy.body)).toMatch(full);
    expect(asArray(asRecord(choice(greedy.body)["logprobs"])["token_logprobs"]).every((value) => Number(value) <= 0)).toBe(true);
    const stream = await postStream(engine.url, "/v1/completions", {
      model: "model_files",
      prompt: "Hi",
      max_tokens: 60,
      temperature: 1,
      seed: 4,
      guided_regex: pattern,
      stream: true,
    });
    expect(stream.events.map((chunk) => choice(chunk)["text"]).join("")).toMatch(full);
  });

  it("answers one of guided_choice on completions and chat", async () => {
    const choices = ["dog", "cat", "horse"];
    const outputs = [];
    for (const seed of SEEDS) outputs.push(text((await complete({ temperature: 1, seed, guided_choice: choices })).body));
    const chat = await postJson(engine.url, "/v1/chat/completions", {
      model: "model_files",
      messages: [{ role: "user", content: "Pick an animal." }],
      temperature: 1,
      seed: 9,
      max_tokens: 20,
      guided_choice: choices,
    });
    outputs.push(String(asRecord(choice(chat.body)["message"])["content"]));
    for (const output of outputs) expect(choices).toContain(output);
  });

  it("writes JSON that validates against guided_json, response_format json_schema and structured_outputs", async () => {
    const outputs: string[] = [];
    for (const seed of SEEDS) {
      const { body } = await complete({ temperature: 1, seed, guided_json: PERSON, guided_whitespace_pattern: "[ ]?", max_tokens: 200 });
      expect(choice(body)["finish_reason"]).toBe("stop");
      outputs.push(text(body));
    }
    const chat = await postJson(engine.url, "/v1/chat/completions", {
      model: "model_files",
      messages: [{ role: "user", content: "Describe someone." }],
      temperature: 0.8,
      seed: 5,
      max_tokens: 200,
      response_format: { type: "json_schema", json_schema: { name: "person", schema: PERSON } },
      guided_whitespace_pattern: "[ ]?",
    });
    outputs.push(String(asRecord(choice(chat.body)["message"])["content"]));
    const structured = await complete({ temperature: 1, seed: 6, structured_outputs: { json: PERSON }, guided_whitespace_pattern: "[ ]?", max_tokens: 200 });
    outputs.push(text(structured.body));
    expect(validate(PERSON, outputs)).toEqual(outputs.map(() => "ok"));
  });

  it("writes a JSON object for response_format json_object", async () => {
    const { body } = await postJson(engine.url, "/v1/chat/completions", {
      model: "model_files",
      messages: [{ role: "user", content: "JSON please." }],
      temperature: 1,
      seed: 11,
      max_tokens: 300,
      response_format: { type: "json_object" },
      guided_whitespace_pattern: "[ ]?",
    });
    expect(choice(body)["finish_reason"]).toBe("stop");
    expect(validate({ type: "object" }, [String(asRecord(choice(body)["message"])["content"])])).toEqual(["ok"]);
  });

  it("parses under guided_grammar, in GBNF-style EBNF and in lark's syntax", async () => {
    const ebnf = 'root ::= "Answer: " answer "." [0-9]{1,3}\nanswer ::= "yes" | "no" # the verdict';
    for (const seed of SEEDS) {
      expect(text((await complete({ temperature: 1, seed, guided_grammar: ebnf })).body)).toMatch(/^Answer: (yes|no)\.[0-9]{1,3}$/);
    }
    const lark = 'start: "(" sum ")"\nsum: NUMBER ("+" NUMBER)*\nNUMBER: /[1-9][0-9]{0,2}/\n%ignore " "';
    const outputs = [];
    for (const seed of SEEDS) {
      const { body } = await complete({ temperature: 1, seed, guided_grammar: lark, max_tokens: 60 });
      expect(choice(body)["finish_reason"]).toBe("stop");
      outputs.push(text(body));
    }
    const check = "import json, sys; from lark import Lark; g = Lark(sys.argv[1]); [g.parse(t) for t in json.loads(sys.argv[2])]; print('parsed')";
    expect(runLlmPython(check, [lark, JSON.stringify(outputs)]).trim()).toBe("parsed");
  });

  it("refuses constraints it cannot honour with a 400 naming the problem", async () => {
    const unique = await complete({ guided_json: { type: "array", items: { type: "integer" }, uniqueItems: true } });
    expect(unique.status).toBe(400);
    expect(unique.body["message"]).toBe("guided_json: the JSON Schema keyword 'uniqueItems' is not supported by launch-local's engine.");
    const badRegex = await complete({ guided_regex: "(unclosed" });
    expect(badRegex.status).toBe(400);
    expect(String(badRegex.body["message"])).toMatch(/^Invalid regular expression for guided decoding/);
    const two = await complete({ guided_regex: "a", guided_choice: ["b"] });
    expect(two.body["message"]).toMatch(/^You can only use one kind of guided decoding/);
    const notSchema = await complete({ guided_json: { type: 12 } });
    expect(String(notSchema.body["message"])).toMatch(/^guided_json is not a valid JSON Schema/);
    const ambiguous = await complete({ guided_grammar: 'start: a | b\na: "x"\nb: "x"' });
    expect(ambiguous.status).toBe(400);
    expect(String(ambiguous.body["message"])).toMatch(/^Invalid grammar for guided decoding/);
  });
});
