/**
 * Row 11, a peer in the same run: the echo bundle as a Ray Serve deployment (scripts/bench/
 * ray_serve_echo.py: a private single-node Ray with 2 logical CPUs, Serve's HTTP proxy, 2 replicas of
 * 16 concurrent requests) beside launch-local's gateway on a sync endpoint of 2 workers × 16 slots.
 * Deploy to first answer (Serve: serve.run → first 200; launch-local: POST /v1/model-endpoints → the
 * first sync task's 200, the worker's start included), then closed-loop throughput at 1, 8 and 32
 * clients in interleaved rounds. Ray Serve comes from pip's configuration into a bench-only
 * virtualenv; the row is `n/a` with the reason when it cannot be installed or does not start.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startChild } from "../children.mjs";
import { closedLoop, keepAliveAgent, postTarget, send } from "../http-load.mjs";
import { AUTH } from "../launch-api.mjs";
import { benchVenv } from "../venvs.mjs";

const REPLICAS = 2;
const SLOTS = 16;
const ROUNDS = 3;
const ARGS = { x: 1, text: "hello" };
const SERVE_SCRIPT = fileURLToPath(new URL("../ray_serve_echo.py", import.meta.url));
/** Serve's extras as the local index has them (ray[serve] itself also wants a haproxy wheel). */
const PACKAGES = [
  "ray==2.58.0",
  "cloudpickle",
  "fastapi",
  "starlette",
  "uvicorn[standard]",
  "aiohttp",
  "grpcio",
  "prometheus_client",
  "watchfiles",
  "requests",
  "pydantic",
  "jinja2",
];
const serveCheck = (reply) =>
  reply.status === 200 && reply.text.startsWith('{"result"') ? null : `Ray Serve answered ${reply.status}: ${reply.text.slice(0, 200)}`;
const gatewayCheck = (reply) => (reply.status === 200 && reply.text.includes('"SUCCESS"') ? null : `answered ${reply.status}: ${reply.text.slice(0, 200)}`);

function notAvailable(report, reason) {
  report.row("11", "Ray Serve echo beside the gateway", { text: `n/a (${reason})`, data: { available: false, reason } });
}

/** Endpoint create → first sync answer through the gateway (the worker's start included), in ms. */
async function gatewayDeploy(api, server, bundleId) {
  const started = performance.now();
  const endpointId = await api.createEndpoint("bench-peer", bundleId, {
    endpoint_type: "sync",
    min_workers: REPLICAS,
    max_workers: REPLICAS,
    per_worker: SLOTS,
    concurrent_requests_per_worker: SLOTS,
  });
  const first = await send(
    postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: ARGS, timeout_seconds: 120 }, { authorization: AUTH }),
    false,
  );
  if (gatewayCheck(first) !== null) throw new Error(`first sync task ${gatewayCheck(first)}`);
  const deployMs = performance.now() - started;
  await api.waitForWorkers(endpointId, REPLICAS, 120_000);
  return { deployMs, target: postTarget(server.url, `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: ARGS }, { authorization: AUTH }) };
}

export async function measureRayServe(report, { api, server, bundleId, pickle, python, sizes }) {
  const venv = await benchVenv("ray-serve", { basePython: python, packages: PACKAGES, check: "import ray, cloudpickle; from ray import serve" });
  if (venv instanceof Error) return notAvailable(report, venv.message);
  const dir = mkdtempSync(join(tmpdir(), "lbserve-"));
  const bundle = join(dir, "bundle.pkl");
  writeFileSync(bundle, pickle);
  let serve = null;
  try {
    const gateway = await gatewayDeploy(api, server, bundleId);
    try {
      serve = await startChild(venv, [SERVE_SCRIPT, bundle, String(REPLICAS), String(SLOTS), join(dir, "ray")], {
        ready: /deployed in ([\d.]+) s\nready on [^:\s]+:(\d+)/,
        timeoutMs: 600_000,
        env: { RAY_USAGE_STATS_ENABLED: "0" },
      });
    } catch (error) {
      return notAvailable(report, `Ray Serve did not start: ${error instanceof Error ? error.message : String(error)}`);
    }
    const serveDeployMs = Number(serve.match[1]) * 1000;
    report.row("11", "deploy to first answer: gateway vs Ray Serve", {
      text: `launch-local ${(gateway.deployMs / 1000).toFixed(3)} s (endpoint create → first sync answer) | Ray Serve ${(serveDeployMs / 1000).toFixed(3)} s (serve.run → first answer) | ${(serveDeployMs / gateway.deployMs).toFixed(1)}×`,
      data: { gatewayMs: gateway.deployMs, serveMs: serveDeployMs },
    });
    const serveTarget = postTarget(`http://127.0.0.1:${serve.match[2]}`, "/predict", { args: ARGS, return_pickled: false });
    const roundMs = Math.max(300, Math.round(sizes.durationMs / ROUNDS));
    const warmupMs = Math.max(100, Math.round(sizes.warmupMs / ROUNDS));
    for (const concurrency of [1, 8, 32]) {
      const totals = { gateway: { completed: 0, seconds: 0, errors: 0 }, serve: { completed: 0, seconds: 0, errors: 0 } };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, target, check] of [
          ["gateway", gateway.target, gatewayCheck],
          ["serve", serveTarget, serveCheck],
        ]) {
          const agent = keepAliveAgent(concurrency);
          const result = await closedLoop({ targets: [target], agent, concurrency, warmupMs, durationMs: roundMs, check });
          agent.destroy();
          totals[name].completed += result.completed;
          totals[name].seconds += result.seconds;
          totals[name].errors += result.errors.count;
          if (result.errors.count > 0)
            report.error("11", `${result.errors.count} bad answers (${name}, ${concurrency} clients), e.g. ${result.errors.examples[0]}`);
        }
      }
      const rps = (total) => total.completed / total.seconds;
      report.row("11", `sync throughput, ${concurrency} client${concurrency === 1 ? "" : "s"}: gateway vs Ray Serve`, {
        text: `launch-local ${Math.round(rps(totals.gateway))} req/s | Ray Serve ${Math.round(rps(totals.serve))} req/s | ${(rps(totals.gateway) / rps(totals.serve)).toFixed(1)}×`,
        data: { concurrency, gatewayRps: rps(totals.gateway), serveRps: rps(totals.serve) },
      });
    }
  } finally {
    await serve?.stop(60_000);
    rmSync(dir, { recursive: true, force: true });
  }
}
