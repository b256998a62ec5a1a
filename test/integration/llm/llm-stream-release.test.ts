import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { userFromName } from "../../../src/domain/identity.js";
import { completionV1Schema } from "../../../src/http/schemas/llm-completions.js";
import { parseBody } from "../../../src/http/validation/parse.js";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { LaunchHttp } from "../../helpers/launch-http.js";
import { type TestApp, createTestApp } from "../../helpers/test-app.js";
import { createFakeEngine } from "./fake-engine.js";

let modelsDir: string;
let app: TestApp;

beforeAll(() => {
  modelsDir = mkdtempSync(join(tmpdir(), "llm-models-"));
  mkdirSync(join(modelsDir, "tiny"));
  for (const file of ["config.json", "model.safetensors"]) writeFileSync(join(modelsDir, "tiny", file), "{}");
});
afterAll(() => rmSync(modelsDir, { recursive: true, force: true }));

beforeEach(async () => {
  const engine = createFakeEngine();
  app = await createTestApp({ llmModelsDir: modelsDir, fakeRuntime: createFakeRuntime({ handler: (request) => engine.handler(request) }) });
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
  await new LaunchHttp(app.url).ok("POST", "/v1/llm/model-endpoints", body);
});
afterEach(async () => app.close());

const slotsHeld = (): number => app.instance.scheduler.loads().reduce((sum, load) => sum + load.active, 0);

describe("LLM streams stopped by their reader", () => {
  it.each(["completion", "chat"] as const)("give the worker slot back when a /v2 %s stream's reader stops after the first chunk", async (kind) => {
    const v2 = app.instance.services.llmCompletionsV2;
    if (!v2) throw new Error("no LLM completions");
    const body = kind === "chat" ? { model: "llm", messages: [{ role: "user", content: "Hi" }], stream: true } : { model: "llm", prompt: "Hi", stream: true };
    const chunks = (await v2.stream(userFromName("me"), kind, body))[Symbol.asyncIterator]();
    expect((await chunks.next()).done).toBe(false);
    expect(slotsHeld()).toBe(1);
    // What the SSE response does when the client goes away (sse-response.ts cancel).
    await chunks.return?.(undefined);
    expect(slotsHeld()).toBe(0);
  });

  it("gives the worker slot back when a /v1 stream's reader stops after the first event", async () => {
    const v1 = app.instance.services.llmCompletionsV1;
    if (!v1) throw new Error("no LLM completions");
    const stream = v1.stream(userFromName("me"), "llm", parseBody(completionV1Schema, { prompt: "Hi", max_new_tokens: 3, temperature: 0 }));
    const events = stream[Symbol.asyncIterator]();
    expect((await events.next()).done).toBe(false);
    expect(slotsHeld()).toBe(1);
    await events.return?.(undefined);
    expect(slotsHeld()).toBe(0);
  });
});
