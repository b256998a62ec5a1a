#!/usr/bin/env node
/**
 * The README's Performance tables from full `npm run bench` runs of one tree: every row's figures,
 * each as the range over the runs given (one run: its value), the references beside the gateway,
 * and each target's verdict in every run.
 *
 *   node scripts/bench/readme-tables.mjs bench-results/run-1.json bench-results/run-2.json
 *
 * Prints Markdown. A figure a run lacks (a row that printed n/a) is left out of its range; a row
 * no run has prints n/a.
 */
import { readFileSync } from "node:fs";
import { median } from "./stats.mjs";

const runs = process.argv.slice(2).map((path) => JSON.parse(readFileSync(path, "utf8")));
if (runs.length === 0) {
  console.error("usage: node scripts/bench/readme-tables.mjs RUN.json [RUN.json …]");
  process.exit(2);
}

const row =
  (section, match = () => true) =>
  (run) =>
    run.rows.find((entry) => entry.section === section && entry.data && match(entry.data))?.data ?? null;
const values = (pick) =>
  runs
    .map((run) => {
      try {
        return pick(run);
      } catch {
        return undefined;
      }
    })
    .filter((value) => typeof value === "number" && Number.isFinite(value));
const fmt = (value, digits) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** The range of a figure over the runs, e.g. `2,608–2,652 tasks/s`. */
const range = (pick, digits = 0, unit = "") => {
  const found = values(pick);
  if (found.length === 0) return "n/a";
  const low = fmt(Math.min(...found), digits);
  const high = fmt(Math.max(...found), digits);
  return `${low === high ? low : `${low}–${high}`}${unit}`;
};
/** The range of a list of values. */
const spread = (list, digits, unit) => (list.length === 0 ? "n/a" : `${fmt(Math.min(...list), digits)}–${fmt(Math.max(...list), digits)}${unit}`);
const percent = (pick) => range((run) => pick(run) * 100, 0, " %");
const targets = (section, prefix) => runs.flatMap((run) => run.targets.filter((t) => t.section === section && t.text.startsWith(prefix)));
/** `met`, `missed`, or each run's verdict in order when they differ. */
const verdict = (section, prefix) => {
  const found = targets(section, prefix);
  if (found.length === 0) return "n/a";
  const distinct = [...new Set(found.map((t) => t.verdict))];
  return distinct.length === 1 ? distinct[0] : found.map((t) => t.verdict).join(", ");
};
const targetValues = (section, prefix) =>
  targets(section, prefix)
    .map((t) => t.value)
    .join("; ");

const out = [];
const line = (text = "") => out.push(text);
const table = (header) => {
  line(`| ${header.join(" | ")} |`);
  line(`|${header.map(() => "---").join("|")}|`);
};

// ---- rows 1 and 2: the gateway beside the bare workers and the two references
const keepAlive = row("1", (d) => d.mode === "keep-alive");
const fresh = row("1", (d) => d.mode === "fresh");
const clients = (count) => row("2", (d) => d.concurrency === count);
table(["row", "measurement", "gateway", "tcp pump (reference)", "node proxy (reference)", "target", ""]);
line(
  `| 1 | sync p50, keep-alive (direct ${range((r) => keepAlive(r).direct.p50, 3, " ms")}) | ${range((r) => keepAlive(r).gateway.p50, 3, " ms")} (${range((r) => keepAlive(r).p50Ratio, 2, "×")}, +${range((r) => keepAlive(r).p50AddedMs, 3, " ms")}) | ${range((r) => keepAlive(r).pump.p50, 3, " ms")} (${range((r) => keepAlive(r).pumpP50Ratio, 2, "×")}, +${range((r) => keepAlive(r).pumpP50AddedMs, 3, " ms")}) | ${range((r) => keepAlive(r).floor.p50, 3, " ms")} (+${range((r) => keepAlive(r).floorP50AddedMs, 3, " ms")}) | added ≤ the pump's + 0.05 ms | ${verdict("1", "keep-alive p50 added")} |`,
);
line(
  `| 1 | sync p50, fresh connection (direct ${range((r) => fresh(r).direct.p50, 3, " ms")}) | ${range((r) => fresh(r).gateway.p50, 3, " ms")} (${range((r) => fresh(r).p50Ratio, 2, "×")}, +${range((r) => fresh(r).p50AddedMs, 3, " ms")}) | | ${range((r) => fresh(r).floor.p50, 3, " ms")} (+${range((r) => fresh(r).floorP50AddedMs, 3, " ms")}) | | |`,
);
for (const count of [1, 8, 32]) {
  const c = clients(count);
  const goal = count === 1 ? ["", ""] : ["≥ 90 % of the pump's", verdict("2", `${count} clients: ≥ 90%`)];
  line(
    `| 2 | throughput, ${count} client${count === 1 ? "" : "s"} (bare workers ${range((r) => c(r).bare.rps, 0, " req/s")}) | ${range((r) => c(r).gateway.rps, 0, " req/s")}: ${percent((r) => c(r).gateway.rps / c(r).pump.rps)} of the pump's, ${percent((r) => c(r).share)} of bare | ${range((r) => c(r).pump.rps, 0, " req/s")}, ${percent((r) => c(r).pump.rps / c(r).bare.rps)} of bare | ${range((r) => c(r).floor.rps, 0, " req/s")}, ${percent((r) => c(r).floor.rps / c(r).bare.rps)} of bare | ${goal[0]} | ${goal[1]} |`,
  );
}
for (const count of [8, 32]) {
  const cpu = (side) => (r) => clients(count)(r)[side].cpuUsPerRequest.proxy;
  line(
    `| 2 | CPU per request of the process in the path, ${count} clients | ${range(cpu("gateway"), 0, " µs")} (${range((r) => cpu("gateway")(r) / cpu("pump")(r), 2, "×")} the pump's) | ${range(cpu("pump"), 0, " µs")} | ${range(cpu("floor"), 0, " µs")} | ≤ 1.3× the pump's | ${verdict("2", `${count} clients: CPU per request ≤ 1.3×`)} |`,
  );
}
line();

// ---- rows 3–6: async, cold start, batch, start-up
const async3 = row("3", (d) => "tasksPerSecond" in d);
const batch5 = row("5", (d) => "rowsPerSecond" in d);
const cold = (runtime) => row("4", (d) => d.runtime === runtime);
const startup = (runtime) => row("6", (d) => d.runtime === runtime);
const readyAndRss = (runtime) =>
  `${range((r) => median(startup(runtime)(r).readyLineMs), 0, " ms")}, ${range((r) => median(startup(runtime)(r).cpuMsToReady), 0, " ms")}, ${range((r) => startup(runtime)(r).medianIdleRssMiB * 1.048576, 1, " MB")}`;
table(["row", "measurement", "measured", "target", ""]);
line(
  `| 3 | async, 10,000 tasks, 64 in flight, 2 workers × 4 slots | ${range((r) => async3(r).tasksPerSecond, 0, " tasks/s")} (submitted at ${range((r) => async3(r).submitPerSecond, 0, "/s")}), server RSS ${range((r) => async3(r).rssBeforeMiB, 1, " MiB")} before, peak ${range((r) => Math.max(async3(r).peakRssSampledMiB, async3(r).vmHwmMiB ?? 0), 1, " MiB")} | ≥ 60 % of the bare workers' sync throughput (row 2, 8 clients): ${targetValues("3", "async ≥ 60%")} | ${verdict("3", "async ≥ 60%")} |`,
);
line(`| 3 | | | ≥ 1,500 tasks/s | ${verdict("3", "≥ 1,500")} |`);
line(
  `| 4 | cold start, process runtime (first task of a min_workers 0 endpoint, median of 3) | ${range((r) => cold("process")(r).medianSeconds, 3, " s")} | ≤ 1.0 s | ${verdict("4", "cold start process")} |`,
);
line(
  `| 4 | cold start, Docker runtime (median of 3) | ${range((r) => cold("docker")(r).medianSeconds, 3, " s")} | ≤ 1.5 s | ${verdict("4", "cold start docker")} |`,
);
line(
  `| 5 | batch job, 10,000 rows (0 → 2 workers × 4 slots) | ${range((r) => batch5(r).rowsPerSecond, 0, " rows/s")} | ≥ 90 % of the async rate (row 3): ${targetValues("5", "batch ≥ 90%")} | ${verdict("5", "batch ≥ 90%")} |`,
);
line(`| 5 | | | ≥ 2,000 rows/s | ${verdict("5", "≥ 2,000")} |`);
line(
  `| 6 | start-up, default flags: ready line, CPU to ready, idle RSS (medians of 5) | ${readyAndRss("auto")} | ≤ 300 ms, ≤ 80 MB | ${verdict("6", "ready")}, ${verdict("6", "idle")} |`,
);
line(`| 6 | start-up, \`--runtime process\` | ${readyAndRss("process")} | | |`);
line();

// ---- rows 7 and 8: the LLM engine straight and through the gateway
const engineStart = row("7", (d) => "startupMs" in d);
const engine = row("7", (d) => "tokensPerSecond" in d);
const workerStart = row("8", (d) => "startupMs" in d);
const tokens = row("8", (d) => "straight" in d && "gateway" in d);
const stream = (name) => row("8", (d) => d.name === name);
table(["row", "measurement", "measured", "target", ""]);
line(
  `| 7 | engine start-up, spawn → port bound (model loaded), median of 3; idle RSS | ${range((r) => median(engineStart(r).startupMs) / 1000, 1, " s")}; ${range((r) => median(engineStart(r).idleRssMiB), 0, " MiB")} | | |`,
);
line(
  `| 7 | engine straight, 20 × 32 tokens greedy; time to first token | ${range((r) => engine(r).tokensPerSecond, 0, " tokens/s")} (request p50 ${range((r) => engine(r).requestMs.p50, 1, " ms")}); TTFT p50 ${range((r) => engine(r).ttftMs.p50, 1, " ms")} | | |`,
);
line(
  `| 8 | LLM endpoint: create → a worker serving (environment check, engine start, model load) | ${range((r) => workerStart(r).startupMs / 1000, 1, " s")} | | |`,
);
line(
  `| 8 | tokens/s, 20 × 32 tokens greedy, same worker: \`/v2/completions\` against straight | ${range((r) => tokens(r).gateway / tokens(r).straight, 3, "×")} (straight ${range((r) => tokens(r).straight, 0, " tokens/s")}) | | |`,
);
for (const name of ["/v2/completions", "/v2/chat/completions", "/v1/llm/completions-stream"]) {
  const side = (which) => (r) => stream(name)(r).sides[which];
  line(
    `| 8 | stream \`${name}\`: tokens/s against straight; TTFT added; CPU per stream | gateway ${range((r) => side("gateway")(r).tokensRatio, 3, "×")}, +${range((r) => side("gateway")(r).ttftAddedMs, 2, " ms")}, ${range((r) => side("gateway")(r).cpuMsPerStream, 1, " ms")}; tcp pump ${range((r) => side("tcp pump")(r).tokensRatio, 3, "×")}, +${range((r) => side("tcp pump")(r).ttftAddedMs, 2, " ms")}, ${range((r) => side("tcp pump")(r).cpuMsPerStream, 1, " ms")} | ≥ 0.95×; ≤ +1 ms | ${verdict("8", `${name} tokens/s`)}; ${verdict("8", `${name} TTFT`)} |`,
  );
}
line();

// ---- rows 9–13: the Ray runtime, the worker against FastAPI, Ray Serve, the LLM jobs
const rayCold = row("9", (d) => "processMs" in d);
const raySync = row("9", (d) => "processRps" in d);
const rayAsync = row("9", (d) => "processRate" in d);
const workerP50 = row("10", (d) => "launch" in d && "p50" in d.launch);
const worker = (count) => row("10", (d) => d.concurrency === count);
const serveDeploy = row("11", (d) => "serveMs" in d);
const serve = (count) => row("11", (d) => d.concurrency === count);
const fineTune = row("12", (d) => "trainS" in d);
const batchLlm = row("13", (d) => "batchRunRate" in d);
table(["row", "measurement", "measured"]);
line(
  `| 9 | Ray runtime / process runtime: cold start (median of 3), sync 8 clients (median of 3 rounds), async 2,000 tasks | ${range((r) => median(rayCold(r).rayMs) / median(rayCold(r).processMs), 1, "×")} (${range((r) => median(rayCold(r).rayMs) / 1000, 3, " s")}), ${percent((r) => median(raySync(r).rayRps) / median(raySync(r).processRps))}, ${percent((r) => rayAsync(r).rayRate / rayAsync(r).processRate)} |`,
);
line(
  `| 10 | launch-local's worker straight against FastAPI on uvicorn: sequential p50 | ${range((r) => workerP50(r).launch.p50, 3, " ms")} against ${range((r) => workerP50(r).fastapi.p50, 3, " ms")}; with its worker token ${range((r) => workerP50(r).token.p50, 3, " ms")} |`,
);
for (const count of [1, 8, 32]) {
  line(
    `| 10 | the same, ${count} client${count === 1 ? "" : "s"}: throughput, CPU per request | ${range((r) => worker(count)(r).launch.rps, 0, " req/s")}, ${range((r) => worker(count)(r).launch.cpuUs, 0, " µs")} against ${range((r) => worker(count)(r).fastapi.rps, 0, " req/s")}, ${range((r) => worker(count)(r).fastapi.cpuUs, 0, " µs")} (${range((r) => worker(count)(r).ratio, 1, "×")}); with the token ${range((r) => worker(count)(r).token.rps, 0, " req/s")}, ${range((r) => worker(count)(r).token.cpuUs, 0, " µs")} |`,
  );
}
line(
  `| 11 | deploy to first answer: launch-local against Ray Serve | ${range((r) => serveDeploy(r).gatewayMs / 1000, 3, " s")} against ${range((r) => serveDeploy(r).serveMs / 1000, 2, " s")} |`,
);
for (const count of [1, 8, 32]) {
  line(
    `| 11 | sync throughput, ${count} client${count === 1 ? "" : "s"}: launch-local against Ray Serve | ${range((r) => serve(count)(r).gatewayRps, 0, " req/s")} against ${range((r) => serve(count)(r).serveRps, 0, " req/s")} (${range((r) => serve(count)(r).gatewayRps / serve(count)(r).serveRps, 0, "×")}) |`,
  );
}
line(
  `| 12 | LoRA fine-tune, 40 steps of 4 pairs: training; create → RUNNING, → SUCCESS, → the fine-tuned endpoint answering | ${range((r) => fineTune(r).trainS, 1, " s")} (loss ${range((r) => fineTune(r).firstLoss, 2)} → ${range((r) => fineTune(r).lastLoss, 2)}); ${range((r) => fineTune(r).runningMs / 1000, 1, " s")}, ${range((r) => fineTune(r).successMs / 1000, 1, " s")}, ${range((r) => fineTune(r).answeredMs / 1000, 1, " s")} |`,
);
const syncRates = spread(
  runs.flatMap((r) => row("13", (d) => "batchRunRate" in d)(r)?.syncRates ?? []),
  1,
  " prompts/s",
);
line(
  `| 13 | batch completions, 40 prompts × 32 tokens: the run; create → completed; the sync route one at a time | ${range((r) => batchLlm(r).batchRunRate, 1, " prompts/s")}; ${range((r) => batchLlm(r).batchWallS, 1, " s")}; ${syncRates} |`,
);
line();

// ---- row 14: how cost grows with work
const endpointsGrow = row("14", (d) => Array.isArray(d.levels) && "endpoints" in d.levels[0]);
const historyGrows = row("14", (d) => Array.isArray(d.levels) && "history" in d.levels[0]);
const atEndpoints = (n) => (r) => endpointsGrow(r).levels.find((level) => level.endpoints === n);
const atHistory = (n) => (r) => historyGrows(r).levels.find((level) => level.history === n);
table(["row", "as work grows", "1 endpoint; no history", "10 endpoints; 10× row 3's tasks", "100 endpoints; 100× row 3's tasks"]);
line(
  `| 14 | sync, 8 clients round-robin over every endpoint: p50, req/s, server CPU per request | ${[1, 10, 100].map((n) => `${range((r) => atEndpoints(n)(r).p50Ms, 2, " ms")}, ${range((r) => atEndpoints(n)(r).rps, 0, " req/s")}, ${range((r) => atEndpoints(n)(r).cpuUsPerRequest, 0, " µs")}`).join(" | ")} |`,
);
line(
  `| 14 | async, 2,000 tasks with 0, 100,000 and 1,000,000 in the history: tasks/s, server CPU per task, one task submit → SUCCESS | ${[0, 100_000, 1_000_000].map((n) => `${range((r) => atHistory(n)(r).tasksPerSecond, 0, " tasks/s")}, ${range((r) => atHistory(n)(r).cpuUsPerTask, 0, " µs")}, ${range((r) => atHistory(n)(r).singleP50Ms, 1, " ms")}`).join(" | ")} |`,
);
line();
line(
  `Runs: ${runs.map((run) => `${run.date} (${Math.round(run.elapsedSeconds)} s)`).join(", ")}; ${runs[0].machine.nproc} × ${runs[0].machine.cpuModel}, ${runs[0].machine.memoryGiB} GiB, ${runs[0].machine.os}, Node ${runs[0].machine.node}, ${runs[0].machine.python}.`,
);
const errors = runs.flatMap((run) => run.errors);
if (errors.length > 0) line(`Errors: ${errors.map((e) => `row ${e.section}: ${e.message}`).join("; ")}.`);
console.log(out.join("\n"));
