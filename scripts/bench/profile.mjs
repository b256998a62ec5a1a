#!/usr/bin/env node
/**
 * Profiles the server under one bench load: starts the CLI with --cpu-prof, runs the load, stops it,
 * and prints the functions with the most self time (and writes the .cpuprofile for Chrome DevTools).
 *
 *   node scripts/bench/profile.mjs sync [seconds] [clients]    sync tasks through the gateway
 *   node scripts/bench/profile.mjs async [tasks]               async tasks, 64 in flight
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bounded, closedLoop, keepAliveAgent, postTarget, send } from "./http-load.mjs";
import { AUTH, LaunchApi, echoPickle } from "./launch-api.mjs";
import { startServer } from "./server.mjs";

const [mode = "sync", first, second] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "launch-profile-"));
const server = await startServer({ nodeArgs: ["--cpu-prof", "--cpu-prof-dir", dir] });
const api = new LaunchApi(server.url);
try {
  const bundleId = await api.createEchoBundle("profile-echo", echoPickle(process.env.LAUNCH_LOCAL_PYTHON ?? "python3"));
  const isAsync = mode === "async";
  const endpointId = await api.createEndpoint("profile", bundleId, {
    endpoint_type: isAsync ? "async" : "sync",
    min_workers: 2,
    max_workers: 2,
    per_worker: isAsync ? 4 : 16,
    concurrent_requests_per_worker: isAsync ? 4 : 16,
  });
  await api.waitForWorkers(endpointId, 2, 120_000);
  if (isAsync) {
    const total = Number(first ?? 5000);
    const target = postTarget(server.url, `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } }, { authorization: AUTH });
    const agent = keepAliveAgent(64);
    const started = performance.now();
    await bounded(total, 64, () => send(target, agent));
    await api.waitForEndpoint(endpointId, (endpoint) => endpoint.num_queued_items === 0, 300_000, "empty queue");
    process.stdout.write(`${total} async tasks queued and dispatched in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
    agent.destroy();
  } else {
    const clients = Number(second ?? 8);
    const target = postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } }, { authorization: AUTH });
    const agent = keepAliveAgent(clients);
    const result = await closedLoop({
      targets: [target],
      agent,
      concurrency: clients,
      warmupMs: 300,
      durationMs: Number(first ?? 5) * 1000,
      check: () => null,
    });
    process.stdout.write(`${Math.round(result.rps)} sync req/s at ${clients} clients\n`);
    agent.destroy();
  }
} finally {
  api.close();
  await server.stop();
}

const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
if (file === undefined) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
const deltas = profile.timeDeltas;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const node = byId.get(profile.samples[i]);
  const dt = deltas[i] ?? 0;
  total += dt;
  const frame = node.callFrame;
  const where = frame.url ? `${frame.url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, "$1/")}:${frame.lineNumber + 1}` : "";
  const key = `${frame.functionName || "(anonymous)"} ${where}`;
  self.set(key, (self.get(key) ?? 0) + dt);
}
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
for (const [key, time] of top) process.stdout.write(`${((time / total) * 100).toFixed(1).padStart(5)}%  ${(time / 1000).toFixed(0).padStart(6)} ms  ${key}\n`);
process.stdout.write(`\nprofile: ${join(dir, file)}\n`);
