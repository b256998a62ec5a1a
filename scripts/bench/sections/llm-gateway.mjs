/**
 * Row 8 (gateway side): the same tiny model and the same engine process, measured straight (the
 * worker's own /v1/completions) and through launch-local (/v2/completions, /v2/chat/completions,
 * /v1/llm/completions-stream), in alternating rounds so drift hits both alike; the ratio is the
 * gateway's cost. Also the LLM endpoint's worker start-up (create → a worker serving, the engine
 * environment check and the model load included) and the worker's memory.
 */
import { dirname, basename } from "node:path";
import { measureCompletions, measureTtft, resolveLlmPython, tinyModelDir } from "../llm-engine.mjs";
import { AUTH, LaunchApi } from "../launch-api.mjs";
import { readMemory, startServer } from "../server.mjs";
import { summarize } from "../stats.mjs";
import { mib } from "./async-tasks.mjs";

const ENDPOINT = "bench-llm";
const headers = { authorization: AUTH };

/** TTFT of a stream whose body is not the completions one: first `data: {` carrying text. */
async function streamTtft(url, path, body, requests, warmup = 2) {
  const ttft = [];
  for (let i = 0; i < warmup + requests; i++) {
    const sent = performance.now();
    const response = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`${path} stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffered = "";
    let first = null;
    for await (const part of response.body) {
      buffered += decoder.decode(part, { stream: true });
      if (first === null && buffered.includes("data: {")) first = performance.now() - sent;
    }
    if (first === null) throw new Error(`${path} stream sent no event`);
    if (i >= warmup) ttft.push(first);
  }
  return ttft;
}

export async function measureLlmGateway(report, { requests, maxTokens }) {
  const python = resolveLlmPython();
  if (python instanceof Error) {
    report.row("8", "LLM through the gateway (tiny model)", { text: `n/a (${python.message})`, data: { available: false, reason: python.message } });
    return;
  }
  const modelDir = tinyModelDir(python);
  const server = await startServer({ runtime: "process", args: ["--llm-models-dir", dirname(modelDir), "--llm-python", python] });
  const api = new LaunchApi(server.url);
  try {
    const created = performance.now();
    await api.ok("POST", "/v1/llm/model-endpoints", {
      name: ENDPOINT, model_name: basename(modelDir), endpoint_type: "streaming", metadata: {}, min_workers: 1, max_workers: 1, per_worker: 1, labels: { team: "bench", product: "llm" },
    });
    const { id } = await api.ok("GET", `/v1/llm/model-endpoints/${ENDPOINT}`);
    await api.waitForEndpoint(id, (endpoint) => (endpoint.deployment_state?.available_workers ?? 0) > 0, 300_000, "a serving engine worker");
    const startupMs = performance.now() - created;
    const [worker] = (await api.ok("GET", `/_launch_local/endpoints/${id}/workers`)).workers;
    const idle = readMemory(worker.pid);
    report.row("8", "LLM endpoint worker start-up (create → serving)", {
      text: `${(startupMs / 1000).toFixed(1)} s (environment check, engine start, model load) | worker idle RSS ${mib(idle?.rssMiB)}`,
      data: { startupMs, idleRssMiB: idle?.rssMiB },
    });

    // Alternating rounds over the one worker: straight, then through the gateway.
    const half = Math.max(1, Math.floor(requests / 2));
    const straight = { tokens: 0, seconds: 0, latencies: [] };
    const gateway = { tokens: 0, seconds: 0, latencies: [] };
    for (let round = 0; round < 2; round++) {
      for (const [into, target] of [[straight, { url: worker.base_url }], [gateway, { url: server.url, path: "/v2/completions", model: ENDPOINT, headers }]]) {
        const run = await measureCompletions({ ...target, maxTokens, requests: half, warmup: round === 0 ? 2 : 0 });
        into.tokens += run.tokens;
        into.seconds += run.seconds;
        into.latencies.push(...run.latenciesMs);
      }
    }
    const tps = (run) => run.tokens / run.seconds;
    report.row("8", `LLM tokens/s, ${2 * half} × ${maxTokens} tokens greedy (same worker)`, {
      text: `straight ${tps(straight).toFixed(0)} | /v2/completions ${tps(gateway).toFixed(0)} (${(tps(gateway) / tps(straight)).toFixed(3)}× of straight, request p50 +${(summarize(gateway.latencies).p50 - summarize(straight.latencies).p50).toFixed(1)} ms)`,
      data: { straight: tps(straight), gateway: tps(gateway), straightMs: summarize(straight.latencies), gatewayMs: summarize(gateway.latencies) },
    });

    const direct = summarize((await measureTtft({ url: worker.base_url, requests: half })).ttftMs);
    const v2 = summarize((await measureTtft({ url: server.url, path: "/v2/completions", model: ENDPOINT, headers, requests: half })).ttftMs);
    const chat = summarize(await streamTtft(server.url, "/v2/chat/completions", { model: ENDPOINT, messages: [{ role: "user", content: "Hello" }], max_tokens: 16, temperature: 0, stream: true }, half));
    const v1 = summarize(await streamTtft(server.url, `/v1/llm/completions-stream?model_endpoint_name=${ENDPOINT}`, { prompt: "Hello, my name is", max_new_tokens: 16, temperature: 0 }, half));
    const after = readMemory(worker.pid);
    report.row("8", "LLM time to first token, p50 (same worker)", {
      text: `straight ${direct.p50.toFixed(1)} ms | /v2/completions ${v2.p50.toFixed(1)} ms | /v2/chat/completions ${chat.p50.toFixed(1)} ms | /v1/llm/completions-stream ${v1.p50.toFixed(1)} ms | worker RSS after ${mib(after?.rssMiB)} (peak ${mib(after?.hwmMiB)})`,
      data: { straight: direct, v2Completions: v2, v2Chat: chat, v1Stream: v1, workerRssMiB: after?.rssMiB, workerHwmMiB: after?.hwmMiB },
    });
  } finally {
    api.close();
    await server.stop();
  }
}
