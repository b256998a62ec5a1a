#!/usr/bin/env node
/**
 * Task history soak (issue 13 item 11): does an async round cost the same after hundreds of
 * thousands of tasks as on a fresh server? Starts the built CLI (`npm run build` first; loopback,
 * ephemeral, real Python workers), creates one async echo endpoint (2 workers × 10 slots), then runs
 * ROUNDS rounds of TASKS async tasks, IN_FLIGHT at a time, each submitted and polled until SUCCESS.
 * A warm-up round of 2,000 tasks comes first. After each round it prints the round's time, the SQLite file and its WAL, the server's RSS and the
 * rows the table holds. A script, not a test: the figures depend on the machine.
 *
 *   node scripts/load/task-history-soak.mjs [--rounds 5] [--tasks 50000] [--in-flight 64]
 *        [--retention-hours 0.01] [--cli bin/launch-local.js]
 *
 * `--retention-hours none` passes no retention flag (an older build's, for a before/after run).
 */
import Database from "better-sqlite3";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bounded, getTarget, keepAliveAgent, postTarget, send, sleep } from "../bench/http-load.mjs";
import { AUTH, LaunchApi, echoPickle } from "../bench/launch-api.mjs";
import { readMemory, startServer, useCli } from "../bench/server.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    tasks: { type: "string", default: "50000" },
    "in-flight": { type: "string", default: "64" },
    "retention-hours": { type: "string", default: "0.01" },
    cli: { type: "string" },
  },
});
const ROUNDS = Number(values.rounds);
const TASKS = Number(values.tasks);
const IN_FLIGHT = Number(values["in-flight"]);
// Bounded: the soak shares a small machine; a round that takes longer than this has failed anyway.
if (!(ROUNDS >= 1 && ROUNDS <= 20 && TASKS >= 1 && TASKS <= 500_000 && IN_FLIGHT >= 1 && IN_FLIGHT <= 512)) {
  throw new Error("--rounds 1..20, --tasks 1..500000, --in-flight 1..512");
}
const ROUND_TIMEOUT_MS = 15 * 60_000;
const POLL_MS = 20;
const retention = values["retention-hours"] === "none" ? [] : ["--task-retention-hours", values["retention-hours"]];
if (values.cli) useCli(values.cli);

const mib = (bytes) => bytes / 1024 / 1024;
const sizeOf = (file) => (existsSync(file) ? statSync(file).size : 0);

/** One round: every task submitted and polled until SUCCESS; returns its seconds and any errors. */
async function round(url, endpointId, agent, tasks = TASKS) {
  const submit = postTarget(url, `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } }, { authorization: AUTH });
  const errors = [];
  const deadline = performance.now() + ROUND_TIMEOUT_MS;
  const started = performance.now();
  await bounded(tasks, IN_FLIGHT, async () => {
    const created = await send(submit, agent);
    const taskId = created.status === 200 ? JSON.parse(created.text).task_id : null;
    if (typeof taskId !== "string") return void errors.push(`submit HTTP ${created.status}: ${created.text.slice(0, 80)}`);
    const poll = getTarget(url, `/v1/async-tasks/${taskId}`, { authorization: AUTH });
    for (;;) {
      await sleep(POLL_MS);
      const reply = await send(poll, agent);
      const status = reply.status === 200 ? JSON.parse(reply.text).status : `HTTP ${reply.status}`;
      if (status === "SUCCESS") return;
      if (status !== "PENDING" && status !== "STARTED") return void errors.push(`task ${status}`);
      if (performance.now() > deadline) return void errors.push("task not finished within the round's time limit");
    }
  });
  return { seconds: (performance.now() - started) / 1000, errors };
}

const server = await startServer({ args: retention });
const api = new LaunchApi(server.url);
const agent = keepAliveAgent(IN_FLIGHT);
try {
  const python = process.env.LAUNCH_LOCAL_PYTHON ?? "python3";
  const bundleId = await api.createEchoBundle("soak-echo", echoPickle(python));
  const endpointId = await api.createEndpoint("soak-async", bundleId, {
    endpoint_type: "async",
    min_workers: 2,
    max_workers: 2,
    per_worker: 10,
    concurrent_requests_per_worker: 10,
  });
  await api.waitForWorkers(endpointId, 2, 120_000);
  const info = await api.ok("GET", "/_launch_local/info");
  const dbFile = join(info.data_dir, "launch-local.sqlite");
  const rowsInTable = () => {
    const reader = new Database(dbFile, { readonly: true, fileMustExist: true });
    try {
      return reader.prepare("SELECT COUNT(*) AS n FROM async_tasks").get().n;
    } finally {
      reader.close();
    }
  };
  console.log(
    `task history soak: ${ROUNDS} rounds × ${TASKS} async tasks, ${IN_FLIGHT} in flight, ${retention.length ? retention.join(" ") : "no retention flag"}`,
  );
  // Warm-up, not counted: the workers' first requests and the server's lazily loaded code.
  const warmUp = await round(server.url, endpointId, agent, Math.min(2000, TASKS));
  console.log(`warm-up: ${Math.min(2000, TASKS)} tasks in ${warmUp.seconds.toFixed(1)} s, errors ${warmUp.errors.length}`);
  const seconds = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const result = await round(server.url, endpointId, agent);
    seconds.push(result.seconds);
    const rss = readMemory(server.pid)?.rssMiB ?? NaN;
    console.log(
      `round ${i}: ${result.seconds.toFixed(1)} s (${Math.round(TASKS / result.seconds)} tasks/s), ` +
        `db ${mib(sizeOf(dbFile)).toFixed(1)} MiB + wal ${mib(sizeOf(`${dbFile}-wal`)).toFixed(1)} MiB, ` +
        `rss ${rss.toFixed(1)} MiB, rows ${rowsInTable()}, errors ${result.errors.length}${result.errors.length ? ` (${result.errors.slice(0, 3).join("; ")})` : ""}`,
    );
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  const first = seconds[0] ?? NaN;
  const last = seconds.at(-1) ?? NaN;
  console.log(`rounds: min ${sorted[0]?.toFixed(1)} s, max ${sorted.at(-1)?.toFixed(1)} s, last/first ${(last / first).toFixed(2)}`);
} finally {
  agent.destroy();
  api.close();
  await server.stop();
}
