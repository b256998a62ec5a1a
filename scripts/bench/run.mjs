#!/usr/bin/env node
/**
 * `npm run bench`: one run, on this machine, of every measurement of issue 5, side by side; prints a
 * table and writes JSON (--out FILE, default bench-results/latest.json). Exits 1 only when a run had
 * errors (bad answers, failed tasks, a set-up failure), never for a missed target.
 *
 *   npm run bench                      full run (about two minutes on 2 cores)
 *   npm run bench -- --quick           smaller counts, for a smoke check
 *   npm run bench -- --only 1,2        only some rows (1 gateway … 6 start-up, 7 LLM engine, 8 LLM gateway, 9 Ray beside process,
 *                                                    10 worker vs FastAPI, 11 Ray Serve peer,
 *                                                    12 LLM fine-tune, 13 LLM batch completions, 14 scale: endpoints, history)
 *   npm run bench -- --cli ../other/bin/launch-local.js    another build (before/after comparisons)
 *
 * Runs against dist/ through bin/launch-local.js (built by `npm install`), loopback only.
 */
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { LaunchApi, echoPickle } from "./launch-api.mjs";
import { addLimitTargets } from "./limit-targets.mjs";
import { formatReport, createReport, machineInfo, writeJson } from "./report.mjs";
import { REPO_ROOT, cliInUse, startServer, useCli } from "./server.mjs";
import { measureAsync } from "./sections/async-tasks.mjs";
import { measureBatch } from "./sections/batch.mjs";
import { dockerAvailability, measureColdStart } from "./sections/cold-start.mjs";
import { measureGateway, measureThroughput, prepareSyncEndpoint } from "./sections/gateway.mjs";
import { measureLlmBatch } from "./sections/llm-batch.mjs";
import { measureLlmEngineStraight } from "./sections/llm-engine.mjs";
import { measureLlmFineTune } from "./sections/llm-fine-tune.mjs";
import { measureLlmGateway } from "./sections/llm-gateway.mjs";
import { measureRay } from "./sections/ray.mjs";
import { measureRayServe } from "./sections/ray-serve.mjs";
import { measureScaleEndpoints } from "./sections/scale-endpoints.mjs";
import { measureScaleHistory } from "./sections/scale-history.mjs";
import { measureStartup } from "./sections/startup.mjs";
import { measureWorker } from "./sections/worker.mjs";

const FULL = {
  latencyCount: 2000,
  latencyBlocks: 10,
  warmup: 200,
  warmupMs: 500,
  durationMs: 3000,
  asyncTasks: 10_000,
  batchRows: 10_000,
  coldRepeats: 3,
  startups: 5,
  llmRequests: 20,
  llmMaxTokens: 32,
  llmStarts: 3,
  scaleProbeTasks: 2000,
};
const QUICK = {
  latencyCount: 300,
  latencyBlocks: 3,
  warmup: 50,
  warmupMs: 200,
  durationMs: 1000,
  asyncTasks: 1000,
  batchRows: 1000,
  coldRepeats: 1,
  startups: 2,
  llmRequests: 5,
  llmMaxTokens: 16,
  llmStarts: 1,
  scaleProbeTasks: 300,
};

function parseCli(argv) {
  const options = { out: join(REPO_ROOT, "bench-results", "latest.json"), quick: false, only: null, cli: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--quick") options.quick = true;
    else if (arg === "--out") options.out = argv[++i];
    else if (arg.startsWith("--out=")) options.out = arg.slice("--out=".length);
    else if (arg === "--cli") options.cli = argv[++i];
    else if (arg === "--only") options.only = new Set(argv[++i].split(","));
    else if (arg.startsWith("--only=")) options.only = new Set(arg.slice("--only=".length).split(","));
    else throw new Error(`unknown option ${arg} (known: --out FILE, --quick, --only 1,2,…, --cli PATH)`);
  }
  return options;
}

/** The interpreter the server's workers use (LAUNCH_LOCAL_PYTHON, else python3), resolved past shims. */
function resolvePython() {
  const candidate = process.env.LAUNCH_LOCAL_PYTHON ?? "python3";
  return execFileSync(candidate, ["-c", "import sys, cloudpickle; print(sys.executable)"], { encoding: "utf8" }).trim();
}

async function main() {
  const options = parseCli(process.argv.slice(2));
  const sizes = options.quick ? QUICK : FULL;
  // The server starts in a scratch folder: a relative --cli must not be read from there.
  if (options.cli !== null) useCli(resolve(options.cli));
  const wants = (section) => options.only === null || options.only.has(section);
  const report = createReport();
  const python = resolvePython();
  const machine = machineInfo(python);
  const pickle = echoPickle(python);
  const began = performance.now();

  // Each part gets its own server, so one part's memory or queue never colours another's figures.
  const section = async (id, work) => {
    try {
      await work();
    } catch (error) {
      report.error(id, error instanceof Error ? error.message : String(error));
    }
  };
  const withServer = async (work, args = []) => {
    const server = await startServer({ runtime: "process", args });
    const api = new LaunchApi(server.url);
    try {
      const bundleId = await api.createEchoBundle("bench-echo", pickle);
      await work(server, api, bundleId);
    } finally {
      api.close();
      await server.stop();
    }
  };

  // Start-up first, before anything else has warmed the machine's caches for it.
  if (wants("6")) await section("6", () => measureStartup(report, sizes.startups));
  if (wants("1") || wants("2")) {
    await section("1-2", () =>
      withServer(async (server, api, bundleId) => {
        const setup = await prepareSyncEndpoint(api, server, bundleId);
        try {
          if (wants("1")) await measureGateway(report, setup, sizes);
          if (wants("2")) await measureThroughput(report, setup, sizes);
        } finally {
          await setup.stop();
        }
      }),
    );
  }
  if (wants("3")) await section("3", () => withServer((server, api, bundleId) => measureAsync(report, api, server, bundleId, sizes.asyncTasks)));
  if (wants("4")) {
    await section("4", () => measureColdStart(report, { runtime: "process", pickle, repeats: sizes.coldRepeats, limitS: 1.0, buildTimeoutMs: 120_000 }));
    await section("4", async () => {
      const docker = await dockerAvailability();
      if (!docker.isAvailable) {
        report.row("4", "cold start, docker runtime", {
          text: `n/a (not available: ${docker.reason})`,
          data: { runtime: "docker", available: false, reason: docker.reason },
        });
        report.target("4", "cold start docker ≤ 1.5 s", "n/a", "n/a");
        return;
      }
      await measureColdStart(report, {
        runtime: "docker",
        pickle,
        repeats: sizes.coldRepeats,
        limitS: 1.5,
        buildTimeoutMs: 600_000,
        extraArgs: docker.extraArgs,
      });
    });
  }
  if (wants("5")) await section("5", () => withServer((server, api, bundleId) => measureBatch(report, api, bundleId, sizes.batchRows)));
  if (wants("7")) {
    await section("7", () => measureLlmEngineStraight(report, { requests: sizes.llmRequests, maxTokens: sizes.llmMaxTokens, starts: sizes.llmStarts }));
  }
  if (wants("8")) await section("8", () => measureLlmGateway(report, { requests: sizes.llmRequests, maxTokens: sizes.llmMaxTokens }));
  if (wants("9")) await section("9", () => measureRay(report, { pickle, sizes }));
  if (wants("10")) await section("10", () => measureWorker(report, { python, pickle, sizes }));
  if (wants("11")) await section("11", () => withServer((server, api, bundleId) => measureRayServe(report, { api, server, bundleId, pickle, python, sizes })));
  if (wants("12")) await section("12", () => measureLlmFineTune(report));
  if (wants("13")) await section("13", () => measureLlmBatch(report, { requests: sizes.llmRequests, maxTokens: sizes.llmMaxTokens }));
  if (wants("14")) {
    await section("14", () => withServer((server, api, bundleId) => measureScaleEndpoints(report, { api, server, bundleId, sizes })));
    await section("14", () =>
      withServer((server, api, bundleId) =>
        measureScaleHistory(report, { api, server, bundleId, rowTasks: sizes.asyncTasks, probeTasks: sizes.scaleProbeTasks }),
      ),
    );
  }

  addLimitTargets(report);
  if (options.quick) report.note("all", "--quick: smaller counts and shorter warm-ups, a smoke run; its figures are not comparable with the targets");
  const elapsed = (performance.now() - began) / 1000;
  process.stdout.write(`${formatReport(report, machine, elapsed)}\n`);
  writeJson(options.out, report, machine, { quick: options.quick, sizes, only: options.only === null ? null : [...options.only], cli: cliInUse() }, elapsed);
  process.stdout.write(`\nwrote ${options.out}\n`);
  process.exitCode = report.errors.length > 0 ? 1 : 0;
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
