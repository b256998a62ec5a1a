/**
 * Rows 1 and 2: the same sync request to the echo bundle sent straight to a worker's /predict and
 * through /v1/sync-tasks, on one server with a 2-worker sync endpoint. Two references run in front of
 * the same workers and are measured beside them, not as targets:
 * - the tcp pump (tcp-pump.mjs): a byte pump that reads no HTTP, the price of one more process hop on
 *   this machine, so the bound for any gateway at all;
 * - the node proxy (floor-proxy.mjs): a plain `http` proxy, what a naive Node gateway costs.
 */
import { fileURLToPath } from "node:url";
import { closedLoop, keepAliveAgent, latencies, postTarget, send } from "../http-load.mjs";
import { AUTH } from "../launch-api.mjs";
import { startReference, stopReference } from "../reference-proxy.mjs";
import { findWorkers, readCpuMs } from "../server.mjs";
import { summarize, verdict } from "../stats.mjs";

const ARGS = { x: 1, text: "hello" };
/** What the gateway forwards to an artifact worker for that request (the validated body, §4.2). */
const WORKER_BODY = { args: ARGS, return_pickled: false };
const SLOTS_PER_WORKER = 16;
const FLOOR_PROXY = fileURLToPath(new URL("../floor-proxy.mjs", import.meta.url));
const TCP_PUMP = fileURLToPath(new URL("../tcp-pump.mjs", import.meta.url));

const directCheck = (reply) =>
  reply.status === 200 && reply.text.startsWith('{"result"') ? null : `worker answered ${reply.status}: ${reply.text.slice(0, 200)}`;
const gatewayCheck = (reply) => (reply.status === 200 && reply.text.includes('"SUCCESS"') ? null : `answered ${reply.status}: ${reply.text.slice(0, 200)}`);

/**
 * Sets up the endpoint (min = max = 2 workers with 16 slots each, so 32 clients never see a 429) and
 * the two references in front of its workers. Call `stop()` when done.
 */
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
  // Direct calls carry each worker's token, as the gateway's do (README "Trust model"); none for a
  // build whose workers have none (--cli).
  const tokenOf = (worker) => (worker.token === null ? {} : { "x-launch-worker-token": worker.token });
  const floor = await startReference(
    FLOOR_PROXY,
    workers.map((worker) => (worker.token === null ? `${worker.port}` : `${worker.port}:${worker.token}`)),
  );
  const pump = await startReference(
    TCP_PUMP,
    workers.map((worker) => worker.port),
  ).catch(async (error) => {
    await stopReference(floor);
    throw error;
  });
  return {
    endpointId,
    workers,
    pids: { server: server.pid, floor: floor.child.pid, pump: pump.child.pid, workers: workers.map((worker) => worker.pid) },
    direct: workers.map((worker) => postTarget(`http://127.0.0.1:${worker.port}`, "/predict", WORKER_BODY, tokenOf(worker))),
    // One pump port per worker, in the workers' order: the client spreads over them as over the bare workers.
    pump: workers.map((worker, index) => postTarget(`http://127.0.0.1:${pump.ports[index]}`, "/predict", WORKER_BODY, tokenOf(worker))),
    floor: postTarget(`http://127.0.0.1:${floor.port}`, "/predict", WORKER_BODY),
    gateway: postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: ARGS }, { authorization: AUTH }),
    async stop() {
      await stopReference(floor);
      await stopReference(pump);
    },
  };
}

/**
 * Row 1. Sequential requests; direct, the references and the gateway interleaved in blocks so drift
 * hits them all. Direct requests go to the first worker, the one the dispatcher picks for sequential
 * requests (least loaded, first on a tie). The tcp pump runs only with keep-alive: it opens an
 * upstream connection per client connection, so with a fresh connection per request it pays a
 * second connection set-up that the gateway (warm worker connections) does not, and bounds nothing.
 */
export async function measureGateway(report, setup, sizes) {
  const [firstDirect] = setup.direct;
  for (const mode of ["fresh", "keep-alive"]) {
    const paths = [
      { name: "direct", target: firstDirect, check: directCheck },
      ...(mode === "keep-alive" ? [{ name: "pump", target: setup.pump[0], check: directCheck }] : []),
      { name: "floor", target: setup.floor, check: gatewayCheck },
      { name: "gateway", target: setup.gateway, check: gatewayCheck },
    ];
    const agents = paths.map(() => (mode === "fresh" ? false : keepAliveAgent(1)));
    // Warm-up: connections, JIT, the worker's code paths.
    for (let i = 0; i < sizes.warmup; i++) {
      for (const [index, { target }] of paths.entries()) await send(target, agents[index]);
    }
    const samples = paths.map(() => []);
    let errors = 0;
    const examples = [];
    const block = Math.ceil(sizes.latencyCount / sizes.latencyBlocks);
    for (let round = 0; round < sizes.latencyBlocks; round++) {
      for (const [index, { target, check }] of paths.entries()) {
        const result = await latencies(target, agents[index], block, check);
        samples[index].push(...result.samples);
        errors += result.errors.count;
        examples.push(...result.errors.examples);
      }
    }
    for (const agent of agents) if (agent) agent.destroy();
    if (errors > 0) report.error("1", `${errors} bad answers in the ${mode} latency run, e.g. ${examples.slice(0, 2).join(" | ")}`);

    const stats = Object.fromEntries(paths.map(({ name }, index) => [name, summarize(samples[index])]));
    const { direct: a, gateway: b, pump = null, floor } = stats;
    const ratio = b.p50 / a.p50;
    const added = b.p50 - a.p50;
    const versus = (reference) => `${ms(reference.p50)} (${(reference.p50 / a.p50).toFixed(2)}×, +${ms(reference.p50 - a.p50)})`;
    report.row("1", `gateway overhead, ${mode === "fresh" ? "fresh connection per request" : "keep-alive"}`, {
      text:
        `direct p50 ${ms(a.p50)} p99 ${ms(a.p99)} | gateway p50 ${ms(b.p50)} p99 ${ms(b.p99)} | ratio ${ratio.toFixed(2)}, added ${ms(added)}` +
        `${pump === null ? "" : ` | tcp pump p50 ${versus(pump)}`} | node proxy p50 ${versus(floor)}`,
      data: {
        mode,
        ...stats,
        p50Ratio: ratio,
        p50AddedMs: added,
        p99Ratio: b.p99 / a.p99,
        pumpP50Ratio: pump === null ? null : pump.p50 / a.p50,
        pumpP50AddedMs: pump === null ? null : pump.p50 - a.p50,
        floorP50AddedMs: floor.p50 - a.p50,
      },
    });
    const isMet = verdict(ratio, "at-most", 1.15) === "met" && verdict(added, "at-most", 0.3) === "met";
    report.target("1", `${mode}: p50 ratio ≤ 1.15 and ≤ 0.3 ms added`, `${ratio.toFixed(2)}, +${ms(added)}`, isMet ? "met" : "missed");
  }
}

/**
 * Row 2. Closed-loop throughput at 1, 8 and 32 clients: the 2 bare workers round-robin, the two
 * references, then the gateway, in THROUGHPUT_ROUNDS interleaved rounds (so drift on a shared machine
 * hits all four alike); with the CPU each process spent per request (from /proc).
 */
const THROUGHPUT_ROUNDS = 3;

export async function measureThroughput(report, setup, sizes) {
  const roundMs = Math.max(200, Math.round(sizes.durationMs / THROUGHPUT_ROUNDS));
  const warmupMs = Math.max(100, Math.round(sizes.warmupMs / THROUGHPUT_ROUNDS));
  for (const concurrency of [1, 8, 32]) {
    const run = async (targets, check, proxyPid) => {
      const agent = keepAliveAgent(concurrency);
      try {
        const before = cpuOf(setup, proxyPid);
        const client = process.cpuUsage();
        const result = await closedLoop({ targets, agent, concurrency, warmupMs, durationMs: roundMs, check });
        const clientUs = process.cpuUsage(client);
        const after = cpuOf(setup, proxyPid);
        // The CPU counters cover the warm-up and the tail too: per request over every answered one.
        return {
          ...result,
          cpuUs: {
            proxy: proxyPid === null ? null : (after.proxy - before.proxy) * 1000,
            workers: (after.workers - before.workers) * 1000,
            client: clientUs.user + clientUs.system,
          },
          sent: result.answered,
        };
      } finally {
        agent.destroy();
      }
    };
    const rounds = { bare: [], pump: [], floor: [], gateway: [] };
    for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
      rounds.bare.push(await run(setup.direct, directCheck, null));
      rounds.pump.push(await run(setup.pump, directCheck, setup.pids.pump));
      rounds.floor.push(await run([setup.floor], gatewayCheck, setup.pids.floor));
      rounds.gateway.push(await run([setup.gateway], gatewayCheck, setup.pids.server));
    }
    const [bare, pump, floor, gateway] = [rounds.bare, rounds.pump, rounds.floor, rounds.gateway].map(combineRounds);
    for (const [what, result] of [
      ["bare workers", bare],
      ["tcp pump", pump],
      ["node proxy", floor],
      ["gateway", gateway],
    ]) {
      if (result.errors.count > 0) {
        report.error(
          "2",
          `${result.errors.count} bad answers from the ${what} at ${concurrency} clients, e.g. ${result.errors.examples.slice(0, 2).join(" | ")}`,
        );
      }
    }
    const share = gateway.rps / bare.rps;
    const cpu = (result) => Math.round(result.cpuUsPerRequest.proxy ?? 0);
    const versus = (result) => `${Math.round(result.rps)} req/s (${((result.rps / bare.rps) * 100).toFixed(0)}%), ${cpu(result)} µs CPU/req`;
    report.row("2", `sync throughput, ${concurrency} client${concurrency === 1 ? "" : "s"}`, {
      text:
        `bare workers ${Math.round(bare.rps)} req/s | gateway ${Math.round(gateway.rps)} req/s, ${(share * 100).toFixed(0)}% of bare, ${cpu(gateway)} µs CPU/req` +
        ` | tcp pump ${versus(pump)} | node proxy ${versus(floor)}`,
      data: { concurrency, share, rounds: THROUGHPUT_ROUNDS, bare: summary(bare), pump: summary(pump), floor: summary(floor), gateway: summary(gateway) },
    });
    if (concurrency > 1) {
      report.target("2", `${concurrency} clients: ≥ 80% of bare worker throughput`, `${(share * 100).toFixed(0)}%`, verdict(share, "at-least", 0.8));
    }
  }
}

/** Sums interleaved rounds of one path: requests over seconds, CPU over requests sent. */
function combineRounds(results) {
  const sum = (pick) => results.reduce((total, result) => total + pick(result), 0);
  const completed = sum((result) => result.completed);
  const seconds = sum((result) => result.seconds);
  const sent = sum((result) => result.sent);
  const errors = { count: sum((result) => result.errors.count), examples: results.flatMap((result) => result.errors.examples).slice(0, 3) };
  const perRequest = (key) => (results.some((result) => result.cpuUs[key] === null) ? null : sum((result) => result.cpuUs[key]) / sent);
  return {
    completed,
    seconds,
    rps: completed / seconds,
    errors,
    cpuUsPerRequest: { proxy: perRequest("proxy"), workers: perRequest("workers"), client: perRequest("client") },
  };
}

function cpuOf(setup, proxyPid) {
  return {
    proxy: proxyPid === null ? 0 : (readCpuMs(proxyPid) ?? 0),
    workers: setup.pids.workers.reduce((sum, pid) => sum + (readCpuMs(pid) ?? 0), 0),
  };
}

const summary = (result) => ({ rps: result.rps, completed: result.completed, cpuUsPerRequest: result.cpuUsPerRequest });

export const ms = (value) => `${value.toFixed(3)} ms`;
