/**
 * End to end: how the LLM engine starts or refuses to, as the gateway sees it (exit code and the
 * last stderr line, which becomes an endpoint's status_reason). Only the last case loads torch.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asArray, asRecord, postJson } from "../../helpers/llm-client.js";
import { repoRoot } from "../../helpers/python.js";
import { llmPython, startLlmEngine, tinyModel } from "../../helpers/tiny-model.js";

// Every flag model-engine's _create_vllm_bundle_command can write (VLLMEndpointAdditionalArgs), with a value.
const MODEL_ENGINE_FLAGS = [
  "--tensor-parallel-size",
  "1",
  "--gpu-memory-utilization",
  "0.9",
  "--enforce-eager",
  "--max-model-len",
  "512",
  "--max-num-seqs",
  "8",
  "--trust-remote-code",
  "--pipeline-parallel-size",
  "1",
  "--disable-log-requests",
  "--tool-call-parser",
  "hermes",
  "--enable-auto-tool-choice",
  "--load-format",
  "safetensors",
  "--config-format",
  "hf",
  "--tokenizer-mode",
  "auto",
  "--limit-mm-per-prompt",
  "image=1",
  "--max-num-batched-tokens",
  "4096",
  "--dtype",
  "auto",
  "--seed",
  "3",
  "--revision",
  "main",
  "--code-revision",
  "main",
  "--rope-scaling",
  '{"type":"linear","factor":2.0}',
  "--tokenizer-revision",
  "main",
  "--quantization-param-path",
  "x.json",
  "--max-seq-len-to-capture",
  "1024",
  "--disable-sliding-window",
  "--skip-tokenizer-init",
  "--override-neuron-config",
  "{}",
  "--mm-processor-kwargs",
  "{}",
  "--block-size",
  "16",
  "--swap-space",
  "4",
  "--cache-dtype",
  "auto",
  "--num-gpu-blocks-override",
  "100",
  "--enable-prefix-caching",
  "--max-gpu-memory-utilization",
  "0.9",
  "--attention-backend",
  "FLASHINFER",
  "--chat-template",
  "{{ messages }}",
];

// Importing torch and transformers takes seconds on a quiet machine and minutes on a crowded one.
const ENGINE_START_BUDGET_MS = 300_000;
let scratch = "";

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "llm-engine-start-"));
});

afterAll(async () => {
  if (scratch !== "") await rm(scratch, { recursive: true, force: true });
});

interface Exit {
  code: number | null;
  lastStderrLine: string;
}

/** Runs the engine to its exit; `isolated` hides site-packages (`python -S`), so torch and the rest are missing. */
async function runEngine(args: readonly string[], isolated = false, module = "launch_local_llm.server"): Promise<Exit> {
  const python = llmPython().executable;
  const child = spawn(python, [...(isolated ? ["-S"] : []), "-m", module, ...args], {
    env: { PATH: process.env["PATH"] ?? "", PYTHONPATH: join(repoRoot, "src", "worker"), PYTHONDONTWRITEBYTECODE: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, "close")) as [number | null];
  return { code, lastStderrLine: stderr.trim().split("\n").pop() ?? "" };
}

describe("engine start-up", () => {
  it("names every missing package in one line and exits 4, after accepting model-engine's flags", async () => {
    const exit = await runEngine(
      ["--model", "model_files", "--served-model-name", "m", "model_files", "--port", "5005", "--host", "::", ...MODEL_ENGINE_FLAGS],
      true,
    );
    expect(exit.code).toBe(4);
    expect(exit.lastStderrLine).toMatch(
      /^launch-local-llm: cannot start: Python packages "torch", "transformers", .* are not installed for \S+python\S* \(pip install -r \S+requirements\.txt\)$/,
    );
  });

  it("has a check the gateway runs when it builds the environment: exit 0, or 4 and the same line", async () => {
    expect(await runEngine(["peft"], false, "launch_local_llm.check")).toEqual({ code: 0, lastStderrLine: "" });
    const isolated = await runEngine([], true, "launch_local_llm.check");
    expect(isolated.code).toBe(4);
    expect(isolated.lastStderrLine).toMatch(/^launch-local-llm: cannot start: Python packages "torch", .* are not installed for /);
    const extra = await runEngine(["no_such_module_here"], false, "launch_local_llm.check");
    expect(extra).toEqual({ code: 4, lastStderrLine: expect.stringContaining('Python package "no_such_module_here" is not installed') });
  });

  it("refuses an unknown flag as vLLM's argparse does (exit 2)", async () => {
    const exit = await runEngine(["--model", "x", "--not-a-vllm-flag"], true);
    expect(exit.code).toBe(2);
    expect(exit.lastStderrLine).toBe("python -m launch_local_llm.server: error: unrecognized arguments: --not-a-vllm-flag");
    const quantized = await runEngine(["--model", "x", "--quantization", "awq"], true);
    expect(quantized.code).toBe(2);
    expect(quantized.lastStderrLine).toContain("--quantization awq is not supported");
  });

  it("exits 1 with the reason when the model folder is missing or not a model", async () => {
    const missing = await runEngine(["--model", join(scratch, "nowhere")]);
    expect(missing.code).toBe(1);
    expect(missing.lastStderrLine).toBe(`launch-local-llm: cannot start: the model folder ${join(scratch, "nowhere")} does not exist`);
    await writeFile(join(scratch, "README.md"), "not a model\n");
    const notModel = await runEngine(["--model", scratch]);
    expect(notModel.code).toBe(1);
    expect(notModel.lastStderrLine).toContain("has no config.json");
  });

  it(
    "takes its port from LAUNCH_WORKER_PORT over --port, honours --max-model-len and a literal --chat-template",
    async () => {
      // model-engine passes chat_template_override as text; vLLM decodes its escapes (\\n here).
      const template = "{% for m in messages %}[{{ m['role'] }}] {{ m['content'] }}\\n{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}";
      const model = tinyModel();
      const engine = await startLlmEngine(model, ["--port", "5005", "--max-model-len", "256", "--chat-template", template], { LAUNCH_WORKER_PORT: "0" });
      try {
        expect(engine.stdout()).toMatch(/serving tiny \((cpu|cuda)\); ready on \S+:\d+/);
        expect(engine.port).not.toBe(5005);
        const models = asRecord(await (await fetch(`${engine.url}/v1/models`)).json());
        expect(asRecord(asArray(models["data"])[0])["max_model_len"]).toBe(256);
        const tokenized = await postJson(engine.url, "/tokenize", { model: "tiny", messages: [{ role: "user", content: "hi" }] });
        const rendered = await postJson(engine.url, "/detokenize", { model: "tiny", tokens: tokenized.body["tokens"] });
        expect(rendered.body["prompt"]).toBe("[user] hi\n[assistant] ");
      } finally {
        expect(await engine.stop()).toBe(0);
      }
    },
    ENGINE_START_BUDGET_MS,
  );

  it(
    "answers only calls with its LAUNCH_WORKER_TOKEN once launch-local gives it one, /health included",
    async () => {
      const engine = await startLlmEngine(tinyModel(), [], { LAUNCH_WORKER_PORT: "0", LAUNCH_WORKER_TOKEN: "engine-token" });
      try {
        expect((await fetch(`${engine.url}/health`)).status).toBe(401);
        expect((await fetch(`${engine.url}/health`, { headers: { "x-launch-worker-token": "other" } })).status).toBe(403);
        const refused = await fetch(`${engine.url}/v1/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"model": "tiny", "prompt": "hi", "max_tokens": 1}',
        });
        expect(refused.status).toBe(401);
        expect(asRecord(await refused.json())["message"]).toBe("No worker token");
        expect((await fetch(`${engine.url}/health`, { headers: { "x-launch-worker-token": "engine-token" } })).status).toBe(200);
        expect((await fetch(`${engine.url}/v1/models`, { headers: { "x-launch-worker-token": "engine-token" } })).status).toBe(200);
      } finally {
        expect(await engine.stop()).toBe(0);
      }
    },
    ENGINE_START_BUDGET_MS,
  );
});
