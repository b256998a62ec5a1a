/**
 * LLM streams straight and through the gateway, side by side (row 8): each gateway route is paired
 * with the engine request it becomes, and the two are sent alternately, one stream at a time, so the
 * machine's drift hits both alike. Per stream: time to first token (request written → the first SSE
 * event that carries generated text), the stream's whole duration and its generated tokens.
 *
 * Streams are read with node:http on a keep-alive agent (both sides the same client), and events are
 * parsed only far enough to find text and token counts.
 */
import http from "node:http";
import { readCpuPreciseMs } from "./server.mjs";
import { summarize } from "./stats.mjs";

/** The gateway routes of issue 20 item 5 and the engine request each is forwarded as. */
export function streamRoutes({ endpointName, maxTokens, prompt = "Hello, my name is" }) {
  const messages = [{ role: "user", content: prompt }];
  const greedy = { temperature: 0, max_tokens: maxTokens, ignore_eos: true, stream: true };
  return [
    {
      name: "/v2/completions",
      gateway: { path: "/v2/completions", body: { model: endpointName, prompt, ...greedy } },
      straight: { path: "/v1/completions", body: { model: "model_files", prompt, ...greedy } },
    },
    {
      name: "/v2/chat/completions",
      gateway: { path: "/v2/chat/completions", body: { model: endpointName, messages, ...greedy } },
      straight: { path: "/v1/chat/completions", body: { model: "model_files", messages, ...greedy } },
    },
    {
      // v1 has no ignore_eos: both sides generate the same greedy tokens, counted from the events.
      name: "/v1/llm/completions-stream",
      gateway: { path: `/v1/llm/completions-stream?model_endpoint_name=${endpointName}`, body: { prompt, max_new_tokens: maxTokens, temperature: 0 } },
      // What the gateway sends for it (completion-v1.ts vllmCompletionArgs), with no gateway in between.
      straight: {
        path: "/v1/completions",
        body: {
          prompt,
          max_tokens: maxTokens,
          presence_penalty: 0,
          frequency_penalty: 0,
          temperature: 0,
          skip_special_tokens: true,
          stream: true,
          stream_options: { include_usage: true, continuous_usage_stats: true },
        },
      },
    },
  ];
}

/** The generated text an event carries (OpenAI completion, chat chunk, or model-engine v1), "" if none. */
export function eventText(event) {
  const choice = Array.isArray(event?.choices) ? event.choices[0] : undefined;
  const text = choice?.text ?? choice?.delta?.content ?? event?.output?.text;
  return typeof text === "string" ? text : "";
}

/** Running token count an event reports (usage, or v1's num_completion_tokens), null if none. */
export function eventTokenCount(event) {
  const count = event?.usage?.completion_tokens ?? event?.output?.num_completion_tokens;
  return typeof count === "number" ? count : null;
}

/**
 * Reads SSE `data:` payloads out of text chunks; returns the JSON ones (non-JSON such as `[DONE]`
 * skipped). `push` keeps an unfinished event for the next chunk.
 */
const BLANK_LINE = /\r?\n\r?\n/;

export function createEventParser() {
  let buffer = "";
  return {
    push(chunk) {
      buffer += chunk;
      const events = [];
      for (let end = BLANK_LINE.exec(buffer); end !== null; end = BLANK_LINE.exec(buffer)) {
        const block = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        for (const line of block.split(/\r?\n/)) {
          if (!line.startsWith("data:")) continue;
          try {
            events.push(JSON.parse(line.slice(5).trimStart()));
          } catch {
            // [DONE] or a non-JSON payload: nothing to count
          }
        }
      }
      return events;
    },
  };
}

/** One stream: { ttftMs, totalMs, tokens }. Throws on a non-200 or a stream without text. */
export function streamOnce(agent, url, path, body, headers = {}) {
  const target = new URL(path, url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers },
      },
      (response) => {
        response.setEncoding("utf8");
        if (response.statusCode !== 200) {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => reject(new Error(`${path} answered ${response.statusCode}: ${text.slice(0, 300)}`)));
          return;
        }
        const parser = createEventParser();
        let ttftMs = null;
        let counted = null;
        let textEvents = 0;
        response.on("data", (chunk) => {
          for (const event of parser.push(chunk)) {
            if (eventText(event) !== "") {
              textEvents++;
              ttftMs ??= performance.now() - sent;
            }
            counted = eventTokenCount(event) ?? counted;
          }
        });
        response.on("end", () => {
          if (ttftMs === null) reject(new Error(`${path} stream carried no text`));
          else resolve({ ttftMs, totalMs: performance.now() - sent, tokens: counted ?? textEvents });
        });
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}

/**
 * Every route on every side (the engine straight, then what stands in front of it: the tcp pump, the
 * gateway), one stream at a time in turn, the first side rotating, after `warmup` turns per route.
 * A side is `{ name, url, pid, request(route) → { path, body, headers } }`; `pid` (or null) is the
 * process in the path whose CPU is counted per stream.
 */
export async function compareStreams({ sides, routes, requests, warmup = 2 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const results = [];
    for (const route of routes) {
      const streams = Object.fromEntries(sides.map((side) => [side.name, []]));
      const cpuMs = Object.fromEntries(sides.map((side) => [side.name, 0]));
      for (let i = 0; i < warmup + requests; i++) {
        for (let k = 0; k < sides.length; k++) {
          const side = sides[(i + k) % sides.length];
          const { path, body, headers = {} } = side.request(route);
          const before = side.pid === null ? null : readCpuPreciseMs(side.pid);
          const stream = await streamOnce(agent, side.url, path, body, headers);
          if (i < warmup) continue;
          streams[side.name].push(stream);
          if (before !== null) cpuMs[side.name] += (readCpuPreciseMs(side.pid) ?? before) - before;
        }
      }
      results.push(summarizeRoute(route.name, streams, cpuMs));
    }
    return results;
  } finally {
    agent.destroy();
  }
}

const rate = (streams) => streams.reduce((sum, s) => sum + s.tokens, 0) / (streams.reduce((sum, s) => sum + s.totalMs, 0) / 1000);

/**
 * Pure: the figures of one route from its streams per side (unit-tested). The first side is the
 * reference (the engine straight); every other side gets its tokens/s ratio to it and the median of
 * its paired TTFT differences (stream i of the side against stream i straight).
 */
export function summarizeRoute(name, streams, cpuMs = {}) {
  const [referenceName, ...others] = Object.keys(streams);
  const reference = streams[referenceName] ?? [];
  const sides = { [referenceName]: sideFigures(reference, cpuMs[referenceName]) };
  let tokensMatch = true;
  for (const other of others) {
    const list = streams[other];
    const differences = list.map((stream, i) => stream.ttftMs - (reference[i]?.ttftMs ?? Number.NaN));
    tokensMatch &&= list.every((stream, i) => stream.tokens === reference[i]?.tokens);
    sides[other] = { ...sideFigures(list, cpuMs[other]), tokensRatio: rate(list) / rate(reference), ttftAddedMs: summarize(differences).p50 };
  }
  return { name, tokens: reference[0]?.tokens ?? 0, sides, tokensMatch };
}

function sideFigures(list, cpuMs) {
  return {
    ttftMs: summarize(list.map((s) => s.ttftMs)),
    tokensPerSecond: rate(list),
    cpuMsPerStream: cpuMs === undefined || list.length === 0 ? null : cpuMs / list.length,
  };
}
