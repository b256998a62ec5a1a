/**
 * Row 14, task history (issue 20 item 7): async cost as the store's history grows to 10× and 100× the
 * tasks row 3 queues. At each size the same probe runs on an async endpoint of 2 workers × 4 slots
 * (row 3's shape): a burst of tasks 64 in flight (tasks/s to the last SUCCESS, the POST's p50, the
 * server's CPU per task), GETs of earlier tasks (p50), and single tasks one at a time, submit → seen
 * SUCCESS (p50, polled every millisecond).
 *
 * Pushing a million tasks through the HTTP API would take this machine many minutes, so the history
 * is written into the server's SQLite file from here, while it runs (WAL; the server's own writes wait
 * on the busy timeout): copies of a task the probe itself finished, with their own ids and older
 * creation times, on the probe's endpoint, so every index the server uses holds them.
 */
import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { join } from "node:path";
import { bounded, getTarget, keepAliveAgent, postTarget, send, sleep } from "../http-load.mjs";
import { AUTH } from "../launch-api.mjs";
import { readCpuPreciseMs } from "../server.mjs";
import { seedStatement } from "../scale-plan.mjs";
import { summarize } from "../stats.mjs";

const IN_FLIGHT = 64;
const WORKERS = 2;
const SLOTS = 4;
const SEED_CHUNK = 50_000;
const DRAIN_TIMEOUT_MS = 300_000;

/** Adds history rows until the table holds `total` seeded copies; returns the seconds it took. */
function seedHistory(file, templateId, seeded, total) {
  const began = performance.now();
  const db = new Database(file, { timeout: 30_000 });
  try {
    const columns = db
      .prepare("SELECT name FROM pragma_table_info('async_tasks')")
      .all()
      .map((row) => row.name);
    const insert = db.prepare(seedStatement(columns));
    for (let from = seeded + 1; from <= total; from += SEED_CHUNK) {
      insert.run({ from, to: Math.min(total, from + SEED_CHUNK - 1), template: templateId });
    }
  } finally {
    db.close();
  }
  return (performance.now() - began) / 1000;
}

async function probe(api, server, endpointId, tasks) {
  const target = postTarget(server.url, `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } }, { authorization: AUTH });
  const agent = keepAliveAgent(IN_FLIGHT);
  const status = async (id) => {
    const reply = await send(getTarget(server.url, `/v1/async-tasks/${id}`, { authorization: AUTH }), agent);
    return reply.status === 200 ? JSON.parse(reply.text).status : `HTTP ${reply.status}`;
  };
  try {
    const ids = new Array(tasks);
    const postMs = [];
    let refused = 0;
    const cpuBefore = readCpuPreciseMs(server.pid);
    const started = performance.now();
    await bounded(tasks, IN_FLIGHT, async (i) => {
      const sent = performance.now();
      const reply = await send(target, agent);
      postMs.push(performance.now() - sent);
      if (reply.status === 200) ids[i] = JSON.parse(reply.text).task_id;
      else refused++;
    });
    await api.waitForEndpoint(endpointId, (endpoint) => endpoint.num_queued_items === 0, DRAIN_TIMEOUT_MS, "empty queue");
    const accepted = ids.filter((id) => id !== undefined);
    for (const id of accepted.slice(-4 * IN_FLIGHT)) while ((await status(id)) !== "SUCCESS") await sleep(2);
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = (readCpuPreciseMs(server.pid) ?? cpuBefore) - cpuBefore;

    const getMs = [];
    for (let i = 0; i < 200; i++) {
      const sent = performance.now();
      await status(accepted[(i * 7919) % accepted.length]);
      getMs.push(performance.now() - sent);
    }
    const singleMs = [];
    for (let i = 0; i < 30; i++) {
      const sent = performance.now();
      const reply = await send(target, agent);
      const id = JSON.parse(reply.text).task_id;
      while ((await status(id)) !== "SUCCESS") await sleep(1);
      singleMs.push(performance.now() - sent);
    }
    let failed = refused;
    await bounded(accepted.length, IN_FLIGHT, async (i) => {
      if ((await status(accepted[i])) !== "SUCCESS") failed++;
    });
    return {
      tasksPerSecond: accepted.length / seconds,
      cpuUsPerTask: (cpuMs * 1000) / tasks,
      postP50Ms: summarize(postMs).p50,
      getP50Ms: summarize(getMs).p50,
      singleP50Ms: summarize(singleMs).p50,
      failed,
      templateId: accepted[0],
    };
  } finally {
    agent.destroy();
  }
}

export async function measureScaleHistory(report, { api, server, bundleId, rowTasks, probeTasks }) {
  const endpointId = await api.createEndpoint("scale-async", bundleId, {
    endpoint_type: "async",
    min_workers: WORKERS,
    max_workers: WORKERS,
    per_worker: SLOTS,
    concurrent_requests_per_worker: SLOTS,
  });
  await api.waitForWorkers(endpointId, WORKERS, 120_000);
  const file = join((await api.ok("GET", "/_launch_local/info")).data_dir, "launch-local.sqlite");

  const levels = [];
  let seeded = 0;
  let templateId = null;
  for (const history of [0, 10 * rowTasks, 100 * rowTasks]) {
    const seedS = history > seeded && templateId !== null ? seedHistory(file, templateId, seeded, history) : 0;
    seeded = Math.max(seeded, history);
    const figures = await probe(api, server, endpointId, probeTasks);
    templateId ??= figures.templateId;
    if (figures.failed > 0) report.error("14", `${figures.failed} of ${probeTasks} probe tasks did not succeed (history ${history})`);
    levels.push({ history, seedS, dbMiB: statSync(file).size / 2 ** 20, serverRssMiB: server.memory()?.rssMiB ?? null, ...figures });
  }
  const text = levels
    .map(
      (level) =>
        `${level.history.toLocaleString("en-US")} in history: ${Math.round(level.tasksPerSecond)} tasks/s, ${level.cpuUsPerTask.toFixed(0)} µs CPU/task, ` +
        `POST p50 ${level.postP50Ms.toFixed(2)} ms, GET p50 ${level.getP50Ms.toFixed(2)} ms, one task ${level.singleP50Ms.toFixed(1)} ms`,
    )
    .join(" | ");
  report.row("14", `async cost as history grows (${probeTasks} tasks ${IN_FLIGHT} in flight, ${WORKERS} workers × ${SLOTS} slots)`, { text, data: { levels } });
  const growth = levels.at(-1).cpuUsPerTask / levels[0].cpuUsPerTask;
  report.target(
    "14",
    `CPU per async task, ${levels.at(-1).history.toLocaleString("en-US")} in history / none (flat: within noise)`,
    `${growth.toFixed(2)}×`,
    "measured",
  );
}
