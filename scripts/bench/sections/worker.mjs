/**
 * Row 10: launch-local's Python worker (src/worker/launch_worker) straight, no gateway, against the
 * same echo bundle served as model-engine's own worker serves it: FastAPI on uvicorn
 * (scripts/bench/fastapi_worker.py, in a bench-only virtualenv). One process each, 16 slots each, the
 * same request body the gateway forwards; sequential keep-alive latency in interleaved blocks, then
 * closed-loop throughput at 1, 8 and 32 clients in interleaved rounds with each process's CPU per
 * request. A third process, the same launch-local worker with a LAUNCH_WORKER_TOKEN (the gateway's
 * per-worker token, sent in X-Launch-Worker-Token as the gateway sends it), shows what the token check
 * costs. `n/a` with the reason when FastAPI and uvicorn cannot be installed.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startChild } from "../children.mjs";
import { closedLoop, keepAliveAgent, latencies, postTarget, send } from "../http-load.mjs";
import { cliInUse, readCpuMs } from "../server.mjs";
import { summarize, verdict } from "../stats.mjs";
import { benchVenv } from "../venvs.mjs";

const SLOTS = 16;
const ROUNDS = 3;
const BODY = { args: { x: 1, text: "hello" }, return_pickled: false };
const FASTAPI_WORKER = fileURLToPath(new URL("../fastapi_worker.py", import.meta.url));
const READY = /ready on [^:\s]+:(\d+)/;
const check = (reply) => (reply.status === 200 && reply.text.startsWith('{"result"') ? null : `answered ${reply.status}: ${reply.text.slice(0, 200)}`);

export const fastapiVenv = (python) =>
  benchVenv("fastapi", { basePython: python, packages: ["fastapi", "uvicorn", "cloudpickle"], check: "import fastapi, uvicorn, cloudpickle" });

/** The three workers on one bundle file; `stop()` ends them and removes the file. */
async function startWorkers(python, venvPython, pickle, token) {
  const dir = mkdtempSync(join(tmpdir(), "launch-bench-worker-"));
  const bundle = join(dir, "bundle.pkl");
  writeFileSync(bundle, pickle);
  const started = [];
  const launchWorker = async (name, extraEnv) => {
    const child = await startChild(python, ["-m", "launch_worker"], {
      // The worker of the tree being benched (--cli PATH: that tree's), for before/after comparisons.
      env: {
        PYTHONPATH: join(dirname(cliInUse()), "..", "src", "worker"),
        LAUNCH_BUNDLE_PATH: bundle,
        LAUNCH_WORKER_PORT: "0",
        LAUNCH_WORKER_CONCURRENCY: String(SLOTS),
        LAUNCH_WORK_DIR: join(dir, name),
        ...extraEnv,
      },
      ready: READY,
    });
    started.push(child);
    return child;
  };
  try {
    const launch = await launchWorker("work", {});
    const tokened = await launchWorker("work-token", { LAUNCH_WORKER_TOKEN: token });
    const fastapi = await startChild(venvPython, [FASTAPI_WORKER, bundle, String(SLOTS)], { ready: READY });
    started.push(fastapi);
    return { launch, tokened, fastapi, dir, stop: () => Promise.all(started.map((child) => child.stop())) };
  } catch (error) {
    for (const child of started) await child.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export async function measureWorker(report, { python, pickle, sizes }) {
  const venv = await fastapiVenv(python);
  if (venv instanceof Error) {
    report.row("10", "worker straight vs FastAPI on uvicorn", { text: `n/a (${venv.message})`, data: { available: false, reason: venv.message } });
    report.target("10", "worker ≥ 1.5× FastAPI at 8 clients, lower p50", "n/a", "n/a");
    return;
  }
  const token = randomBytes(24).toString("base64url");
  const workers = await startWorkers(python, venv, pickle, token);
  try {
    const paths = [
      { name: "launch", child: workers.launch, headers: {} },
      { name: "fastapi", child: workers.fastapi, headers: {} },
      { name: "token", child: workers.tokened, headers: { "x-launch-worker-token": token } },
    ].map((path) => ({ ...path, target: postTarget(`http://127.0.0.1:${path.child.match[1]}`, "/predict", BODY, path.headers) }));

    // Sequential, keep-alive, interleaved blocks.
    const agents = paths.map(() => keepAliveAgent(1));
    for (let i = 0; i < sizes.warmup; i++) for (const [index, path] of paths.entries()) await send(path.target, agents[index]);
    const samples = paths.map(() => []);
    const block = Math.ceil(sizes.latencyCount / sizes.latencyBlocks);
    let errors = 0;
    for (let round = 0; round < sizes.latencyBlocks; round++) {
      for (const [index, path] of paths.entries()) {
        const result = await latencies(path.target, agents[index], block, check);
        samples[index].push(...result.samples);
        errors += result.errors.count;
      }
    }
    for (const agent of agents) agent.destroy();
    if (errors > 0) report.error("10", `${errors} bad answers in the worker latency run`);
    const [launchLatency, fastapiLatency, tokenLatency] = samples.map(summarize);
    report.row("10", "worker straight, sequential keep-alive p50 / p99", {
      text: `launch-local worker ${ms(launchLatency.p50)} / ${ms(launchLatency.p99)} | FastAPI on uvicorn ${ms(fastapiLatency.p50)} / ${ms(fastapiLatency.p99)} (${(fastapiLatency.p50 / launchLatency.p50).toFixed(2)}× launch-local's p50) | with its worker token ${ms(tokenLatency.p50)} / ${ms(tokenLatency.p99)}`,
      data: { launch: launchLatency, fastapi: fastapiLatency, token: tokenLatency },
    });

    const roundMs = Math.max(200, Math.round(sizes.durationMs / ROUNDS));
    const warmupMs = Math.max(100, Math.round(sizes.warmupMs / ROUNDS));
    let share8 = null;
    for (const concurrency of [1, 8, 32]) {
      const totals = paths.map(() => ({ completed: 0, seconds: 0, answered: 0, cpuMs: 0, errors: 0 }));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [index, path] of paths.entries()) {
          const agent = keepAliveAgent(concurrency);
          const before = readCpuMs(path.child.pid) ?? 0;
          const result = await closedLoop({ targets: [path.target], agent, concurrency, warmupMs, durationMs: roundMs, check });
          const total = totals[index];
          total.cpuMs += (readCpuMs(path.child.pid) ?? 0) - before;
          total.completed += result.completed;
          total.seconds += result.seconds;
          total.answered += result.answered;
          total.errors += result.errors.count;
          agent.destroy();
        }
      }
      const [launch, fastapi, tokened] = totals.map((total) => ({
        rps: total.completed / total.seconds,
        cpuUs: (total.cpuMs * 1000) / total.answered,
        errors: total.errors,
      }));
      if (launch.errors + fastapi.errors + tokened.errors > 0)
        report.error(
          "10",
          `${launch.errors} / ${fastapi.errors} / ${tokened.errors} bad answers (launch-local / FastAPI / with token) at ${concurrency} clients`,
        );
      const ratio = launch.rps / fastapi.rps;
      if (concurrency === 8) share8 = ratio;
      report.row("10", `worker straight, ${concurrency} client${concurrency === 1 ? "" : "s"}`, {
        text: `launch-local worker ${Math.round(launch.rps)} req/s, ${Math.round(launch.cpuUs)} µs CPU/req | FastAPI on uvicorn ${Math.round(fastapi.rps)} req/s, ${Math.round(fastapi.cpuUs)} µs CPU/req | ${ratio.toFixed(2)}× | with its worker token ${Math.round(tokened.rps)} req/s, ${Math.round(tokened.cpuUs)} µs CPU/req`,
        data: { concurrency, launch, fastapi, ratio, token: tokened },
      });
    }
    const isLowerP50 = launchLatency.p50 < fastapiLatency.p50;
    const isMet = verdict(share8, "at-least", 1.5) === "met" && isLowerP50;
    report.target(
      "10",
      "worker ≥ 1.5× FastAPI at 8 clients, lower p50",
      `${share8?.toFixed(2)}×, p50 ${ms(launchLatency.p50)} vs ${ms(fastapiLatency.p50)}`,
      isMet ? "met" : "missed",
    );
  } finally {
    await workers.stop();
    rmSync(workers.dir, { recursive: true, force: true });
  }
}

const ms = (value) => `${value.toFixed(3)} ms`;
