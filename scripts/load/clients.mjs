/**
 * The load clients: Node's own http with one keep-alive agent. Half the clients call the sync route in
 * a loop; the other half submit an async task and poll it until it finishes, then submit the next.
 * Every answer is judged: a correct echo is a success, the sync gateway's documented back-pressure
 * answer (HTTP 200 FAILURE, "Too many concurrent requests", 429; server-contract.md §2.3) is counted
 * apart, anything else is an error by kind.
 */
import http from "node:http";
import { authorization } from "./setup.mjs";

const POLL_MS = 20;
/** After the run, an async client may still wait this long for the task it already submitted. */
const DRAIN_MS = 30_000;

function send(agent, target, method, path, body) {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers = { authorization, ...(payload ? { "content-type": "application/json", "content-length": String(payload.byteLength) } : {}) };
    const request = http.request({ host: target.hostname, port: Number(target.port), method, path, headers, agent }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", (error) => resolve({ status: 0, text: String(error) }));
    });
    request.on("error", (error) => resolve({ status: 0, text: error.code ?? String(error) }));
    request.end(payload);
  });
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function createRecorder() {
  const errors = new Map();
  return {
    sync: [],
    asyncSubmit: [],
    asyncDone: [],
    httpRequests: 0,
    backpressure: 0,
    errors,
    error(kind) {
      errors.set(kind, (errors.get(kind) ?? 0) + 1);
    },
  };
}

const echoOf = (n) => JSON.stringify({ result: `{"n": ${n}}` });

async function syncClient(context, client) {
  const { agent, target, ids, recorder } = context;
  for (let seq = 0; Date.now() < context.until; seq++) {
    const n = client * 1_000_000 + seq;
    const started = performance.now();
    const answer = await send(agent, target, "POST", `/v1/sync-tasks?model_endpoint_id=${ids.sync}`, { args: { n } });
    const elapsed = performance.now() - started;
    recorder.httpRequests++;
    const body = parse(answer.text);
    if (answer.status !== 200) recorder.error(answer.status === 0 ? `sync transport ${answer.text}` : `sync HTTP ${answer.status}`);
    else if (body?.status === "SUCCESS" && JSON.stringify(body.result) === echoOf(n)) recorder.sync.push(elapsed);
    else if (body?.status === "FAILURE" && body.status_code === 429 && body.traceback === "Too many concurrent requests") recorder.backpressure++;
    else recorder.error(`sync ${body?.status ?? "non-JSON"} ${body?.status_code ?? ""} ${String(body?.traceback ?? answer.text).slice(0, 60)}`);
  }
}

async function asyncClient(context, client) {
  const { agent, target, ids, recorder } = context;
  for (let seq = 0; Date.now() < context.until; seq++) {
    const n = client * 1_000_000 + seq;
    const started = performance.now();
    const created = await send(agent, target, "POST", `/v1/async-tasks?model_endpoint_id=${ids.async}`, { args: { n } });
    recorder.httpRequests++;
    const taskId = parse(created.text)?.task_id;
    if (created.status !== 200 || typeof taskId !== "string") {
      recorder.error(created.status === 0 ? `async submit transport ${created.text}` : `async submit HTTP ${created.status}`);
      continue;
    }
    recorder.asyncSubmit.push(performance.now() - started);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const polled = await send(agent, target, "GET", `/v1/async-tasks/${taskId}`);
      recorder.httpRequests++;
      const task = parse(polled.text);
      if (polled.status !== 200) {
        recorder.error(polled.status === 0 ? `async poll transport ${polled.text}` : `async poll HTTP ${polled.status}`);
        break;
      }
      if (task?.status === "SUCCESS") {
        if (JSON.stringify(task.result) === echoOf(n)) recorder.asyncDone.push(performance.now() - started);
        else recorder.error("async wrong result");
        break;
      }
      if (task?.status !== "PENDING" && task?.status !== "STARTED") {
        recorder.error(`async ${task?.status ?? "non-JSON"} ${String(task?.result ?? "").slice(0, 60)}`);
        break;
      }
      if (Date.now() > context.until + DRAIN_MS) {
        recorder.error("async task not finished 30 s after the run");
        break;
      }
    }
  }
}

/** `clients` loops for `durationMs` (half sync, half async) against the two endpoints; loopback only. */
export async function drive({ url, ids, clients, durationMs }) {
  const target = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) throw new Error(`the load test runs on loopback only, not ${target.hostname}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients, maxFreeSockets: clients, noDelay: true });
  const recorder = createRecorder();
  const context = { agent, target, ids, recorder, until: Date.now() + durationMs };
  const syncClients = Math.ceil(clients / 2);
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, i) => (i < syncClients ? syncClient(context, i) : asyncClient(context, i))));
  agent.destroy();
  return { recorder, elapsedMs: performance.now() - started, syncClients, asyncClients: clients - syncClients };
}
