/**
 * The LLM engine straight, without launch-local: build (or reuse) the tiny model, start the engine
 * on it as a bundle would, and measure the OpenAI wire. The gateway's LLM rows call the same
 * measuring functions against their own route, so the two figures side by side are the gateway's cost.
 *
 *   const python = resolveLlmPython();           // LAUNCH_LOCAL_LLM_PYTHON or python3, or an Error
 *   const modelDir = tinyModelDir(python);       // cached by the builder's content hash
 *   const engine = await startEngine({ python, modelDir });   // { url, pid, startupMs, healthMs, stop() }
 *   await measureCompletions({ url: engine.url, maxTokens: 32, requests: 20 });
 *   await measureTtft({ url: engine.url, requests: 20 });
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./cache-dir.mjs";
import { readMemory, REPO_ROOT } from "./server.mjs";

const WORKER_DIR = join(REPO_ROOT, "src", "worker");
const PACKAGE_DIR = join(WORKER_DIR, "launch_local_llm");
const START_TIMEOUT_MS = 300_000;
const REQUEST = { prompt: "Hello, my name is", temperature: 0, ignore_eos: true };

/** The interpreter with the engine's requirements, or an Error saying what is missing. */
export function resolveLlmPython() {
  const candidate = process.env.LAUNCH_LOCAL_LLM_PYTHON ?? "python3";
  try {
    execFileSync(candidate, ["-m", "launch_local_llm.check"], { env: { ...process.env, PYTHONPATH: WORKER_DIR }, stdio: ["ignore", "ignore", "pipe"] });
    return execFileSync(candidate, ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).trim();
  } catch (error) {
    const reason = error?.stderr?.toString().trim().split("\n").pop() ?? String(error);
    return new Error(reason);
  }
}

/** The tiny model's folder, built once per builder version (the tests' cache, same key scheme). */
export function tinyModelDir(python, { arch = "llama", seed = 0 } = {}) {
  const versions = execFileSync(python, ["-c", "import importlib.metadata as m; print(*(m.version(n) for n in ('torch', 'transformers', 'tokenizers')))"], {
    encoding: "utf8",
  }).trim();
  const hash = createHash("sha256");
  for (const file of ["tiny_model.py", "tiny_corpus.txt"]) hash.update(readFileSync(join(PACKAGE_DIR, file)));
  hash.update(`${arch} ${seed} ${versions}`);
  const dir = join(cacheDir("tiny-models"), hash.digest("hex").slice(0, 16));
  if (existsSync(join(dir, "launch_local_tiny_model.json"))) return dir;
  const staging = `${dir}.tmp-${process.pid}`;
  mkdirSync(join(dir, ".."), { recursive: true });
  execFileSync(python, ["-m", "launch_local_llm.tiny_model", staging, "--arch", arch, "--seed", String(seed)], {
    env: { ...process.env, PYTHONPATH: WORKER_DIR, PYTHONDONTWRITEBYTECODE: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/**
 * Starts the engine with the bundle's command line on a free port. `startupMs`: spawn → ready line
 * (the port is bound only once the model is loaded); `healthMs`: spawn → first /health 200.
 */
export async function startEngine({ python, modelDir, args = [], env = {} }) {
  const started = performance.now();
  const child = spawn(
    python,
    [
      "-m",
      "launch_local_llm.server",
      "--model",
      modelDir,
      "--served-model-name",
      "tiny",
      "model_files",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--disable-uvicorn-access-log",
      ...args,
    ],
    { env: { ...process.env, PYTHONPATH: WORKER_DIR, PYTHONDONTWRITEBYTECODE: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the engine printed no ready line within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      stdout += chunk;
      const match = /ready on \S+:(\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the engine exited (${code ?? signal}) before ready: ${stderr.trim().split("\n").pop()}`));
    });
  });
  const startupMs = performance.now() - started;
  const url = `http://127.0.0.1:${port}`;
  const health = await fetch(`${url}/health`);
  const healthMs = performance.now() - started;
  if (health.status !== 200) throw new Error(`/health answered ${health.status}`);
  return {
    url,
    pid: child.pid,
    startupMs,
    healthMs,
    memory: () => readMemory(child.pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function post(url, path, body, headers) {
  const response = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Sequential greedy completions of `maxTokens` tokens each (ignore_eos: every answer has exactly
 * that many). Returns generated tokens per second over the whole run and per-request latencies.
 * `path`/`model`/`headers` let the same measurement run through a gateway's OpenAI route.
 */
export async function measureCompletions({ url, path = "/v1/completions", model = "model_files", headers = {}, maxTokens = 32, requests = 20, warmup = 3 }) {
  const body = { model, ...REQUEST, max_tokens: maxTokens };
  for (let i = 0; i < warmup; i++) await post(url, path, body, headers);
  const latencies = [];
  let tokens = 0;
  const began = performance.now();
  for (let i = 0; i < requests; i++) {
    const sent = performance.now();
    const answer = await post(url, path, body, headers);
    latencies.push(performance.now() - sent);
    tokens += answer.usage?.completion_tokens ?? 0;
  }
  const seconds = (performance.now() - began) / 1000;
  if (tokens !== maxTokens * requests) throw new Error(`expected ${maxTokens * requests} tokens, counted ${tokens}`);
  return { tokensPerSecond: tokens / seconds, latenciesMs: latencies, tokens, seconds };
}

/**
 * Time to first token: a streamed request, from sending it to the first SSE event that carries
 * text (the first generated token), and the whole stream's duration. Sequential.
 */
export async function measureTtft({ url, path = "/v1/completions", model = "model_files", headers = {}, maxTokens = 16, requests = 20, warmup = 3 }) {
  const body = { model, ...REQUEST, max_tokens: maxTokens, stream: true };
  const ttft = [];
  const total = [];
  for (let i = 0; i < warmup + requests; i++) {
    const sent = performance.now();
    const response = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`${path} stream answered ${response.status}`);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffered = "";
    let first = null;
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      buffered += decoder.decode(part.value, { stream: true });
      if (first === null && buffered.includes("data: {")) first = performance.now() - sent;
    }
    if (first === null) throw new Error(`${path} stream sent no event`);
    if (i >= warmup) {
      ttft.push(first);
      total.push(performance.now() - sent);
    }
  }
  return { ttftMs: ttft, streamMs: total };
}
