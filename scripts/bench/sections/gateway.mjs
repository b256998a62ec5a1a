/**
 * Rows 1 and 2: the same sync request to the echo bundle sent straight to a worker's /predict and
 * through /v1/sync-tasks, on one server with a 2-worker sync endpoint.
 */
import { closedLoop, keepAliveAgent, latencies, postTarget, send } from "../http-load.mjs";
import { AUTH } from "../launch-api.mjs";
import { findWorkers } from "../server.mjs";
import { summarize, verdict } from "../stats.mjs";

const ARGS = { x: 1, text: "hello" };
/** What the gateway forwards to an artifact worker for that request (the validated body, §4.2). */
const WORKER_BODY = { args: ARGS, return_pickled: false };
const SLOTS_PER_WORKER = 16;

const directCheck = (reply) => (reply.status === 200 && reply.text.startsWith('{"result"') ? null : `worker answered ${reply.status}: ${reply.text.slice(0, 200)}`);
const gatewayCheck = (reply) => (reply.status === 200 && reply.text.includes('"SUCCESS"') ? null : `gateway answered ${reply.status}: ${reply.text.slice(0, 200)}`);

/** Sets up the endpoint: min = max = 2 workers with 16 slots each, so 32 clients never see a 429. */
export async function prepareSyncEndpoint(api, server, bundleId) {
  const endpointId = await api.createEndpoint("bench-sync", bundleId, {
    endpoint_type: "sync",
    min_workers: 2,
    max_workers: 2,
    per_worker: SLOTS_PER_WORKER,
    concurrent_requests_per_worker: SLOTS_PER_WORKER,
  });
  await api.waitForWorkers(endpointId, 2, 120_000);
  const workers = findWorkers(server.pid, endpointId);
  if (workers.length !== 2) throw new Error(`expected 2 worker processes for ${endpointId}, found ${workers.length}`);
  return {
    endpointId,
    workers,
    direct: workers.map((worker) => postTarget(`http://127.0.0.1:${worker.port}`, "/predict", WORKER_BODY)),
    gateway: postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: ARGS }, { authorization: AUTH }),
  };
}

/**
 * Row 1. Sequential requests, a (direct) and b (gateway) interleaved in blocks so drift hits both.
 * Direct requests go to the first worker, the one the dispatcher picks for sequential requests
 * (least loaded, first on a tie).
 */
export async function measureGateway(report, setup, sizes) {
  const [firstDirect] = setup.direct;
  for (const mode of ["fresh", "keep-alive"]) {
    const agentOf = () => (mode === "fresh" ? false : keepAliveAgent(1));
    const directAgent = agentOf();
    const gatewayAgent = agentOf();
    // Warm-up: connections, JIT, the worker's code paths.
    for (let i = 0; i < sizes.warmup; i++) {
      await send(firstDirect, directAgent);
      await send(setup.gateway, gatewayAgent);
    }
    const direct = [];
    const gateway = [];
    let errors = 0;
    const examples = [];
    const block = Math.ceil(sizes.latencyCount / sizes.latencyBlocks);
    for (let round = 0; round < sizes.latencyBlocks; round++) {
      const a = await latencies(firstDirect, directAgent, block, directCheck);
      const b = await latencies(setup.gateway, gatewayAgent, block, gatewayCheck);
      direct.push(...a.samples);
      gateway.push(...b.samples);
      errors += a.errors.count + b.errors.count;
      examples.push(...a.errors.examples, ...b.errors.examples);
    }
    if (directAgent) directAgent.destroy();
    if (gatewayAgent) gatewayAgent.destroy();
    if (errors > 0) report.error("1", `${errors} bad answers in the ${mode} latency run, e.g. ${examples.slice(0, 2).join(" | ")}`);

    const a = summarize(direct);
    const b = summarize(gateway);
    const ratio = b.p50 / a.p50;
    const added = b.p50 - a.p50;
    report.row("1", `gateway overhead, ${mode === "fresh" ? "fresh connection per request" : "keep-alive"}`, {
      text: `direct p50 ${ms(a.p50)} p99 ${ms(a.p99)} | gateway p50 ${ms(b.p50)} p99 ${ms(b.p99)} | ratio ${ratio.toFixed(2)}, added ${ms(added)}`,
      data: { mode, direct: a, gateway: b, p50Ratio: ratio, p50AddedMs: added, p99Ratio: b.p99 / a.p99 },
    });
    const isMet = verdict(ratio, "at-most", 1.15) === "met" && verdict(added, "at-most", 0.3) === "met";
    report.target("1", `${mode}: p50 ratio ≤ 1.15 and ≤ 0.3 ms added`, `${ratio.toFixed(2)}, +${ms(added)}`, isMet ? "met" : "missed");
  }
}

/** Row 2. Closed-loop throughput at 1, 8 and 32 clients: the 2 bare workers round-robin, then the gateway. */
export async function measureThroughput(report, setup, sizes) {
  for (const concurrency of [1, 8, 32]) {
    const run = async (targets, check) => {
      const agent = keepAliveAgent(concurrency);
      try {
        return await closedLoop({ targets, agent, concurrency, warmupMs: sizes.warmupMs, durationMs: sizes.durationMs, check });
      } finally {
        agent.destroy();
      }
    };
    const bare = await run(setup.direct, directCheck);
    const gateway = await run([setup.gateway], gatewayCheck);
    for (const [what, result] of [["bare workers", bare], ["gateway", gateway]]) {
      if (result.errors.count > 0) {
        report.error("2", `${result.errors.count} bad answers from the ${what} at ${concurrency} clients, e.g. ${result.errors.examples.slice(0, 2).join(" | ")}`);
      }
    }
    const share = gateway.rps / bare.rps;
    report.row("2", `sync throughput, ${concurrency} client${concurrency === 1 ? "" : "s"}`, {
      text: `bare workers ${Math.round(bare.rps)} req/s | gateway ${Math.round(gateway.rps)} req/s | ${(share * 100).toFixed(0)}% of bare`,
      data: { concurrency, bareRps: bare.rps, gatewayRps: gateway.rps, share, bareCompleted: bare.completed, gatewayCompleted: gateway.completed },
    });
    if (concurrency > 1) {
      report.target("2", `${concurrency} clients: ≥ 80% of bare worker throughput`, `${(share * 100).toFixed(0)}%`, verdict(share, "at-least", 0.8));
    }
  }
}

export const ms = (value) => `${value.toFixed(3)} ms`;
