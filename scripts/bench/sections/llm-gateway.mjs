/**
 * Row 8 (gateway side): the same tiny model and the same engine process, measured straight (the
 * worker's own routes) and through launch-local, in turns so drift hits every side alike: sync
 * /v2/completions against the worker's /v1/completions, then streams through /v2/completions,
 * /v2/chat/completions and /v1/llm/completions-stream against the engine request each becomes,
 * straight and behind the tcp pump (llm-streams.mjs). Also the LLM endpoint's worker start-up
 * (create → a worker serving, the engine environment check and the model load included) and the
 * worker's memory.
 */
import { dirname, basename } from "node:path";
import { fileURLToPath } from "node:url";
import { measureCompletions, resolveLlmPython, tinyModelDir } from "../llm-engine.mjs";
import { compareStreams, streamRoutes } from "../llm-streams.mjs";
import { AUTH, LaunchApi } from "../launch-api.mjs";
import { startReference, stopReference } from "../reference-proxy.mjs";
import { readMemory, startServer } from "../server.mjs";
import { summarize, verdict } from "../stats.mjs";
import { mib } from "./async-tasks.mjs";

const ENDPOINT = "bench-llm";
const TCP_PUMP = fileURLToPath(new URL("../tcp-pump.mjs", import.meta.url));
const headers = { authorization: AUTH };

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
      name: ENDPOINT,
      model_name: basename(modelDir),
      endpoint_type: "streaming",
      metadata: {},
      min_workers: 1,
      max_workers: 1,
      per_worker: 1,
      labels: { team: "bench", product: "llm" },
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

    // Straight calls carry the worker's own token, as the gateway's do (README "Trust model").
    const workerHeaders = worker.token ? { "x-launch-worker-token": worker.token } : {};
    // Alternating rounds over the one worker: straight, then through the gateway.
    const half = Math.max(1, Math.floor(requests / 2));
    const straight = { tokens: 0, seconds: 0, latencies: [] };
    const gateway = { tokens: 0, seconds: 0, latencies: [] };
    for (let round = 0; round < 2; round++) {
      for (const [into, target] of [
        [straight, { url: worker.base_url, headers: workerHeaders }],
        [gateway, { url: server.url, path: "/v2/completions", model: ENDPOINT, headers }],
      ]) {
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

    // Streams per route (issue 20 item 5): the engine straight, behind the tcp pump (one more
    // process hop and nothing else) and through the gateway, in turn.
    const pump = await startReference(TCP_PUMP, [Number(new URL(worker.base_url).port)]);
    let compared;
    try {
      compared = await compareStreams({
        sides: [
          {
            name: "straight",
            url: worker.base_url,
            pid: null,
            request: (route) => ({ ...route.straight, headers: { ...route.straight.headers, ...workerHeaders } }),
          },
          {
            name: "tcp pump",
            url: `http://127.0.0.1:${pump.port}`,
            pid: pump.child.pid,
            request: (route) => ({ ...route.straight, headers: { ...route.straight.headers, ...workerHeaders } }),
          },
          { name: "gateway", url: server.url, pid: server.pid, request: (route) => ({ ...route.gateway, headers }) },
        ],
        routes: streamRoutes({ endpointName: ENDPOINT, maxTokens }),
        requests,
      });
    } finally {
      await stopReference(pump);
    }
    for (const route of compared) {
      const { straight, "tcp pump": hop, gateway } = route.sides;
      if (!route.tokensMatch) report.error("8", `${route.name}: the streams carried other token counts than the engine's straight`);
      const cpu = (side) => (side.cpuMsPerStream === null ? "?" : `${side.cpuMsPerStream.toFixed(1)} ms CPU/stream`);
      report.row("8", `LLM stream ${route.name}, ${requests} turns × ${route.tokens} tokens`, {
        text:
          `tokens/s straight ${straight.tokensPerSecond.toFixed(0)} | tcp pump ${hop.tokensRatio.toFixed(3)}× | gateway ${gateway.tokensRatio.toFixed(3)}× ` +
          `| TTFT p50 straight ${straight.ttftMs.p50.toFixed(2)} ms, added: tcp pump ${hop.ttftAddedMs.toFixed(2)} ms, gateway ${gateway.ttftAddedMs.toFixed(2)} ms ` +
          `| tcp pump ${cpu(hop)}, gateway ${cpu(gateway)}`,
        data: route,
      });
      report.target("8", `${route.name} tokens/s ≥ 0.95× straight`, `${gateway.tokensRatio.toFixed(3)}×`, verdict(gateway.tokensRatio, "at-least", 0.95));
      report.target("8", `${route.name} TTFT added ≤ 1 ms`, `${gateway.ttftAddedMs.toFixed(2)} ms`, verdict(gateway.ttftAddedMs, "at-most", 1));
    }
    const after = readMemory(worker.pid);
    report.row("8", "LLM worker memory after the streams", {
      text: `RSS ${mib(after?.rssMiB)} (peak ${mib(after?.hwmMiB)})`,
      data: { workerRssMiB: after?.rssMiB, workerHwmMiB: after?.hwmMiB },
    });
  } finally {
    api.close();
    await server.stop();
  }
}
