/**
 * Row 14, endpoints (issue 20 item 7): how the gateway's cost per sync request grows with the
 * number of endpoints it serves. 1, 10 and 100 sync endpoints of one worker each (capped by the
 * memory their idle workers take, with the reason); at each count, sequential keep-alive p50 and
 * closed-loop throughput at 8 clients, requests spread round-robin over every endpoint, with the
 * server's CPU per request. At the largest count, rounds to endpoint 0 alone and round-robin over
 * all of them alternate, so the drift between the counts above can be told from the count's own effect.
 */
import { readFileSync } from "node:fs";
import { bounded, closedLoop, keepAliveAgent, latencies, postTarget } from "../http-load.mjs";
import { AUTH } from "../launch-api.mjs";
import { readCpuPreciseMs, readMemory } from "../server.mjs";
import { cappedCounts } from "../scale-plan.mjs";
import { summarize } from "../stats.mjs";

const COUNTS = [1, 10, 100];
const CLIENTS = 8;
const SLOTS = 4;
const START_TIMEOUT_MS = 600_000;

const check = (reply) => (reply.status === 200 && reply.text.includes('"SUCCESS"') ? null : `answered ${reply.status}: ${reply.text.slice(0, 200)}`);

/** MemAvailable in MiB (null off Linux). */
export function availableMiB() {
  try {
    const kib = Number(/^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1]);
    return Number.isFinite(kib) ? kib / 1024 : null;
  } catch {
    return null;
  }
}

async function createEndpoints(api, bundleId, from, to) {
  const ids = [];
  await bounded(to - from, 4, async (i) => {
    ids[i] = await api.createEndpoint(`scale-${from + i}`, bundleId, {
      min_workers: 1,
      max_workers: 1,
      per_worker: SLOTS,
      concurrent_requests_per_worker: SLOTS,
    });
  });
  for (const id of ids) await api.waitForWorkers(id, 1, START_TIMEOUT_MS);
  return ids;
}

/** Sequential p50 and closed-loop throughput with the server's CPU per answered request. */
async function measureLevel(server, targets, sizes) {
  const agent = keepAliveAgent(CLIENTS);
  try {
    const samples = [];
    for (let i = 0; i < sizes.latencyCount; i++) {
      const target = targets[i % targets.length];
      const [sample] = (await latencies(target, agent, 1, check)).samples;
      samples.push(sample);
    }
    const before = readCpuPreciseMs(server.pid);
    const loop = await closedLoop({ targets, agent, concurrency: CLIENTS, warmupMs: sizes.warmupMs, durationMs: sizes.durationMs, check });
    const cpuMs = (readCpuPreciseMs(server.pid) ?? before) - before;
    return { p50Ms: summarize(samples).p50, rps: loop.rps, cpuUsPerRequest: (cpuMs * 1000) / loop.answered, errors: loop.errors.count };
  } finally {
    agent.destroy();
  }
}

export async function measureScaleEndpoints(report, { api, server, bundleId, sizes }) {
  const target = (id) => postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { x: 1 } }, { authorization: AUTH });
  const ids = await createEndpoints(api, bundleId, 0, 1);
  const [worker] = (await api.ok("GET", `/_launch_local/endpoints/${ids[0]}/workers`)).workers;
  const workerMiB = readMemory(worker.pid)?.rssMiB ?? null;
  const plan = cappedCounts(COUNTS, workerMiB, availableMiB());
  if (plan.reason !== null) report.note("14", plan.reason);

  const levels = [];
  for (const count of plan.counts) {
    const began = performance.now();
    if (ids.length < count) ids.push(...(await createEndpoints(api, bundleId, ids.length, count)));
    const startS = (performance.now() - began) / 1000;
    const level = await measureLevel(server, ids.map(target), sizes);
    levels.push({ endpoints: count, startS, serverRssMiB: server.memory()?.rssMiB ?? null, ...level });
  }
  // At the largest count: endpoint 0 alone against all of them, alternating.
  const alone = [];
  const spread = [];
  for (let round = 0; round < 3; round++) {
    alone.push(await measureLevel(server, [target(ids[0])], sizes));
    spread.push(await measureLevel(server, ids.map(target), sizes));
  }
  const errors = levels.reduce((sum, level) => sum + level.errors, 0) + [...alone, ...spread].reduce((sum, level) => sum + level.errors, 0);
  if (errors > 0) report.error("14", `${errors} sync requests answered other than SUCCESS`);

  const first = levels[0];
  const text = levels
    .map((level) => `${level.endpoints}: p50 ${level.p50Ms.toFixed(2)} ms, ${Math.round(level.rps)} req/s, ${level.cpuUsPerRequest.toFixed(0)} µs CPU/req`)
    .join(" | ");
  report.row("14", `sync cost as endpoints grow (1 worker × ${SLOTS} slots each, ${CLIENTS} clients round-robin)`, {
    text: `${text} | idle worker RSS ${workerMiB?.toFixed(1) ?? "?"} MiB`,
    data: { levels, workerMiB, cap: plan.reason },
  });
  const median = (list, key) => summarize(list.map((level) => level[key])).p50;
  const top = ids.length;
  report.row("14", `at ${top} endpoints: endpoint 0 alone vs round-robin over all, 3 alternating rounds (median)`, {
    text:
      `alone p50 ${median(alone, "p50Ms").toFixed(2)} ms, ${median(alone, "cpuUsPerRequest").toFixed(0)} µs CPU/req | ` +
      `all ${top} p50 ${median(spread, "p50Ms").toFixed(2)} ms, ${median(spread, "cpuUsPerRequest").toFixed(0)} µs CPU/req`,
    data: { endpoints: top, alone, spread },
  });
  const growth = levels.at(-1).cpuUsPerRequest / first.cpuUsPerRequest;
  report.target("14", `CPU per sync request, ${top} endpoints / 1 (flat: within noise)`, `${growth.toFixed(2)}×`, "measured");
}
