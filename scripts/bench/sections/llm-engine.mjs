/**
 * Row 7 (engine side): the LLM engine straight on the tiny model, no gateway: start-up (spawn →
 * port bound, which happens only once the model is loaded), memory idle and after the load,
 * generated tokens per second (sequential greedy completions) and time to first token (streams).
 * The gateway's LLM rows run the same measurements through launch-local.
 */
import { measureCompletions, measureTtft, resolveLlmPython, startEngine, tinyModelDir } from "../llm-engine.mjs";
import { median, summarize } from "../stats.mjs";
import { mib } from "./async-tasks.mjs";

export async function measureLlmEngineStraight(report, { requests, maxTokens, starts }) {
  const python = resolveLlmPython();
  if (python instanceof Error) {
    report.row("7", "LLM engine straight (tiny model)", { text: `n/a (${python.message})`, data: { available: false, reason: python.message } });
    return;
  }
  const modelDir = tinyModelDir(python);
  const startups = [];
  const idle = [];
  for (let i = 0; i < starts; i++) {
    const engine = await startEngine({ python, modelDir });
    try {
      startups.push(engine.startupMs);
      idle.push(engine.memory()?.rssMiB ?? Number.NaN);
    } finally {
      await engine.stop();
    }
  }
  report.row("7", `LLM engine start-up, ${starts} starts`, {
    text: `port bound (model loaded) after ${median(startups).toFixed(0)} ms (median) | idle RSS ${mib(median(idle))}`,
    data: { startupMs: startups, idleRssMiB: idle },
  });

  const engine = await startEngine({ python, modelDir });
  try {
    const throughput = await measureCompletions({ url: engine.url, maxTokens, requests });
    const streams = await measureTtft({ url: engine.url, requests });
    const latency = summarize(throughput.latenciesMs);
    const ttft = summarize(streams.ttftMs);
    const memory = engine.memory();
    report.row("7", `LLM engine straight, ${requests} × ${maxTokens} tokens greedy`, {
      text:
        `${throughput.tokensPerSecond.toFixed(0)} tokens/s (request p50 ${latency.p50.toFixed(1)} ms) | ` +
        `TTFT p50 ${ttft.p50.toFixed(1)} ms, p90 ${ttft.p90.toFixed(1)} ms | RSS ${mib(memory?.rssMiB)} (peak ${mib(memory?.hwmMiB)})`,
      data: { tokensPerSecond: throughput.tokensPerSecond, requestMs: latency, ttftMs: ttft, rssMiB: memory?.rssMiB, hwmMiB: memory?.hwmMiB },
    });
  } finally {
    await engine.stop();
  }
}
