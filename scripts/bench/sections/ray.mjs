/**
 * Row 9: the Ray runtime beside the process runtime, in the same run and on the same machine: cold
 * start from zero (first sync task of a min_workers = 0 endpoint), sync throughput at 8 clients
 * (2 workers, interleaved rounds), async tasks per second (2 workers). The Ray figures come from a
 * two-node cluster on this machine (scripts/ci/ray-cluster.sh), so they show the runtime's own
 * costs (actor placement, a worker process per actor, the node's address), not a network's.
 * Without Ray installed the row is `n/a` with the reason.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { bounded, closedLoop, keepAliveAgent, postTarget, send, sleep } from "../http-load.mjs";
import { AUTH, LaunchApi } from "../launch-api.mjs";
import { REPO_ROOT, startServer } from "../server.mjs";
import { median } from "../stats.mjs";

const run = promisify(execFile);
const CLUSTER = join(REPO_ROOT, "scripts", "ci", "ray-cluster.sh");
const RAY_PYTHON = process.env.LAUNCH_LOCAL_TEST_RAY_PYTHON ?? "/var/cache/launch-local/ray-2.58.0/bin/python";
const SERVER_ARGS = ["--scale-down-cooldown-ms", "300", "--autoscale-interval-ms", "100"];
const ROUNDS = 3;
const SLOTS = 16;
const IN_FLIGHT = 64;
const ok = (reply) => (reply.status === 200 && reply.text.includes('"SUCCESS"') ? null : `answered ${reply.status}: ${reply.text.slice(0, 200)}`);

export function rayAvailability() {
  if (!existsSync(RAY_PYTHON)) return { isAvailable: false, reason: `no Ray at ${RAY_PYTHON} (bash scripts/ci/ray-cluster.sh install)` };
  return { isAvailable: true, reason: null };
}

/** One server per runtime, each with a bundle; the Ray one on a fresh two-node cluster. */
async function startPair(pickle) {
  const dir = mkdtempSync("/tmp/llbench-");
  try {
    await run("bash", [CLUSTER, "start", dir], { timeout: 600_000 });
  } catch (error) {
    await run("bash", [CLUSTER, "stop", dir]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `the Ray cluster did not start: ${String(error.stderr ?? error.message)
        .trim()
        .split("\n")
        .slice(-2)
        .join(" ")}`,
    );
  }
  const address = readFileSync(join(dir, "address"), "utf8").trim();
  const servers = {};
  try {
    servers.process = await startServer({ runtime: "process", args: SERVER_ARGS });
    servers.ray = await startServer({ runtime: "ray", args: [...SERVER_ARGS, "--ray-address", address, "--ray-python", RAY_PYTHON] });
  } catch (error) {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await run("bash", [CLUSTER, "stop", dir]);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const sides = {};
  for (const runtime of ["process", "ray"]) {
    const api = new LaunchApi(servers[runtime].url);
    sides[runtime] = { server: servers[runtime], api, bundleId: await api.createEchoBundle(`bench-${runtime}`, pickle) };
  }
  return {
    sides,
    async stop() {
      for (const side of Object.values(sides)) side.api.close();
      await Promise.all(Object.values(servers).map((server) => server.stop()));
      await run("bash", [CLUSTER, "stop", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function coldStarts(side, repeats) {
  const { api, bundleId, server } = side;
  const id = await api.createEndpoint("bench-cold", bundleId, { endpoint_type: "sync", min_workers: 0, max_workers: 1 });
  await api.waitForEndpoint(id, (endpoint) => endpoint.status === "READY", 300_000, "READY status");
  const target = postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { x: 1 }, timeout_seconds: 120 }, { authorization: AUTH });
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    const idle = (endpoint) => (endpoint.deployment_state?.available_workers ?? 0) === 0 && (endpoint.deployment_state?.unavailable_workers ?? 0) === 0;
    await api.waitForEndpoint(id, idle, 120_000, "scale-down to zero workers");
    await sleep(300);
    const started = performance.now();
    const reply = await send(target, false);
    if (ok(reply) !== null) throw new Error(`cold start ${ok(reply)}`);
    samples.push(performance.now() - started);
  }
  await api.ok("DELETE", `/v1/model-endpoints/${id}`);
  return samples;
}

async function syncEndpoint(side) {
  const id = await side.api.createEndpoint("bench-sync", side.bundleId, {
    endpoint_type: "sync",
    min_workers: 2,
    max_workers: 2,
    per_worker: SLOTS,
    concurrent_requests_per_worker: SLOTS,
  });
  await side.api.waitForWorkers(id, 2, 300_000);
  return postTarget(side.server.url, `/v1/sync-tasks?model_endpoint_id=${id}`, { args: { x: 1, text: "hello" } }, { authorization: AUTH });
}

async function asyncRate(side, total) {
  const { api, bundleId, server } = side;
  const id = await api.createEndpoint("bench-async", bundleId, {
    endpoint_type: "async",
    min_workers: 2,
    max_workers: 2,
    per_worker: 4,
    concurrent_requests_per_worker: 4,
  });
  await api.waitForWorkers(id, 2, 300_000);
  const target = postTarget(server.url, `/v1/async-tasks?model_endpoint_id=${id}`, { args: { x: 1 } }, { authorization: AUTH });
  const agent = keepAliveAgent(IN_FLIGHT);
  const ids = [];
  const started = performance.now();
  await bounded(total, IN_FLIGHT, async () => {
    const reply = await send(target, agent);
    if (reply.status !== 200) throw new Error(`async submit answered ${reply.status}: ${reply.text.slice(0, 200)}`);
    ids.push(JSON.parse(reply.text).task_id);
  });
  agent.destroy();
  for (const taskId of ids.slice(-IN_FLIGHT)) {
    for (;;) {
      const task = await api.ok("GET", `/v1/async-tasks/${taskId}`);
      if (task.status === "SUCCESS") break;
      if (task.status === "FAILURE") throw new Error(`async task failed: ${JSON.stringify(task).slice(0, 200)}`);
      await sleep(5);
    }
  }
  await api.waitForEndpoint(id, (endpoint) => endpoint.num_queued_items === 0, 300_000, "empty queue");
  const seconds = (performance.now() - started) / 1000;
  for (const taskId of ids) {
    const task = await api.ok("GET", `/v1/async-tasks/${taskId}`);
    if (task.status !== "SUCCESS") throw new Error(`async task ${taskId} is ${task.status} after the queue drained`);
  }
  await api.ok("DELETE", `/v1/model-endpoints/${id}`);
  return total / seconds;
}

export async function measureRay(report, { pickle, sizes }) {
  const availability = rayAvailability();
  if (!availability.isAvailable) {
    for (const name of ["cold start from zero", "sync throughput, 8 clients", "async tasks per second"]) {
      report.row("9", `${name}: process vs ray runtime`, { text: `n/a (${availability.reason})`, data: { available: false, reason: availability.reason } });
    }
    return;
  }
  const pair = await startPair(pickle);
  try {
    const { sides } = pair;
    const cold = {};
    for (const runtime of ["process", "ray"]) cold[runtime] = await coldStarts(sides[runtime], sizes.coldRepeats);
    const seconds = (samples) => (median(samples) / 1000).toFixed(3);
    report.row("9", "cold start from zero: process vs ray runtime", {
      text: `process median ${seconds(cold.process)} s | ray median ${seconds(cold.ray)} s (${(median(cold.ray) / median(cold.process)).toFixed(1)}×)`,
      data: { processMs: cold.process, rayMs: cold.ray },
    });

    const targets = { process: await syncEndpoint(sides.process), ray: await syncEndpoint(sides.ray) };
    const rounds = { process: [], ray: [] };
    const roundMs = Math.max(300, Math.round(sizes.durationMs / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      for (const runtime of ["process", "ray"]) {
        const agent = keepAliveAgent(8);
        const result = await closedLoop({ targets: [targets[runtime]], agent, concurrency: 8, warmupMs: 200, durationMs: roundMs, check: ok });
        agent.destroy();
        if (result.errors.count > 0) report.error("9", `${result.errors.count} bad sync answers (${runtime}), e.g. ${result.errors.examples[0]}`);
        rounds[runtime].push(result.rps);
      }
    }
    const rps = (values) => Math.round(median(values));
    report.row("9", "sync throughput, 8 clients: process vs ray runtime", {
      text: `process ${rps(rounds.process)} req/s | ray ${rps(rounds.ray)} req/s (${((median(rounds.ray) / median(rounds.process)) * 100).toFixed(0)}%)`,
      data: { processRps: rounds.process, rayRps: rounds.ray },
    });

    const total = Math.max(500, Math.round(sizes.asyncTasks / 5));
    const rate = { process: await asyncRate(sides.process, total), ray: await asyncRate(sides.ray, total) };
    report.row("9", "async tasks per second: process vs ray runtime", {
      text: `${total} tasks, 2 workers: process ${Math.round(rate.process)} tasks/s | ray ${Math.round(rate.ray)} tasks/s (${((rate.ray / rate.process) * 100).toFixed(0)}%)`,
      data: { total, processRate: rate.process, rayRate: rate.ray },
    });
  } finally {
    await pair.stop();
  }
}
