/**
 * The load client: Node's own http module, nothing else. A `Target` is one prepared POST (host,
 * port, path, headers, body) so the loops below do no per-request formatting.
 *   - `fresh`: a new TCP connection per request and `Connection: close`, as the official client does
 *     with `requests` (one session per call);
 *   - keep-alive: one Agent whose sockets are reused.
 */
import http from "node:http";

/** Builds a Target: a POST of `body` (a JSON value) with optional extra headers. */
export function postTarget(baseUrl, path, body, headers = {}) {
  const url = new URL(baseUrl);
  const payload = Buffer.from(JSON.stringify(body));
  return {
    host: url.hostname,
    port: Number(url.port),
    path,
    payload,
    headers: { "content-type": "application/json", "content-length": String(payload.byteLength), ...headers },
  };
}

/** Builds a GET Target (no body). */
export function getTarget(baseUrl, path, headers = {}) {
  const url = new URL(baseUrl);
  return { host: url.hostname, port: Number(url.port), path, payload: undefined, method: "GET", headers };
}

export function keepAliveAgent(sockets) {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, noDelay: true });
}

/** One request; resolves to { status, text } (never rejects: a transport error is status 0). */
export function send(target, agent) {
  return new Promise((resolve) => {
    const headers = agent === false ? { ...target.headers, connection: "close" } : target.headers;
    const request = http.request({ host: target.host, port: target.port, path: target.path, method: target.method ?? "POST", headers, agent }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", (error) => resolve({ status: 0, text: String(error) }));
    });
    request.on("error", (error) => resolve({ status: 0, text: String(error) }));
    request.setNoDelay(true);
    request.end(target.payload);
  });
}

/**
 * Sequential latencies (ms) of `count` requests to `target`, one at a time. `check` judges each
 * answer; a rejected one is counted in `errors` (with the first few messages kept).
 */
export async function latencies(target, agent, count, check) {
  const samples = new Float64Array(count);
  const errors = { count: 0, examples: [] };
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const reply = await send(target, agent);
    samples[i] = performance.now() - started;
    noteError(errors, check(reply));
  }
  return { samples, errors };
}

/**
 * Closed loop: `concurrency` clients, each sending its next request as soon as the previous one
 * answered, for `durationMs` after `warmupMs`. `targets` are used round-robin (several bare workers);
 * requests answered inside the measured window are counted (`completed`), and every request answered
 * at all, warm-up and the tail after the window included (`answered`: what CPU counters covered).
 */
export async function closedLoop({ targets, agent, concurrency, warmupMs, durationMs, check }) {
  let next = 0;
  let completed = 0;
  let answered = 0;
  let isMeasuring = false;
  let isStopping = false;
  const errors = { count: 0, examples: [] };
  const client = async () => {
    while (!isStopping) {
      const target = targets[next++ % targets.length];
      const reply = await send(target, agent);
      answered++;
      if (isMeasuring && !isStopping) {
        completed++;
        noteError(errors, check(reply));
      }
    }
  };
  const clients = Array.from({ length: concurrency }, client);
  await sleep(warmupMs);
  isMeasuring = true;
  const started = performance.now();
  await sleep(durationMs);
  isStopping = true;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients);
  return { completed, answered, seconds, rps: completed / seconds, errors };
}

/**
 * Runs `total` calls of `task(i)` with at most `concurrency` in flight; resolves when all are done.
 */
export async function bounded(total, concurrency, task) {
  let next = 0;
  const runner = async () => {
    while (next < total) {
      const i = next++;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, runner));
}

export function noteError(errors, problem) {
  if (problem === null || problem === undefined) return;
  errors.count++;
  if (errors.examples.length < 3) errors.examples.push(problem);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
