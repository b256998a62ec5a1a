#!/usr/bin/env node
/**
 * Before/after from several `npm run bench` JSON files per side (run interleaved: after, before,
 * after, before …, the before side with `--cli`): each figure of rows 1–6 with its range over the
 * runs on each side, the ratio of the medians (after / before), and whether the two ranges overlap
 * (within the noise of these runs) or which way they part.
 *
 *   node scripts/bench/compare.mjs --before old-1.json old-2.json --after new-1.json new-2.json
 *
 * Prints a Markdown table. The figures are listed in FIGURES; a figure a file lacks is left out.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { median } from "./stats.mjs";

const row = (section, match) => (report) => report.rows.find((entry) => entry.section === section && entry.data && match(entry.data))?.data ?? null;
const mode = (name) => row("1", (data) => data.mode === name);
const clients = (count) => row("2", (data) => data.concurrency === count);
const startup = (runtime) => row("6", (data) => data.runtime === runtime);

/** Each figure: how to find it in one report, its unit, and which way is better. */
export const FIGURES = [
  ...["fresh", "keep-alive"].flatMap((name) => [
    { row: "1", label: `${name}: direct p50`, unit: "ms", better: "lower", pick: (r) => mode(name)(r)?.direct.p50 },
    { row: "1", label: `${name}: gateway p50`, unit: "ms", better: "lower", pick: (r) => mode(name)(r)?.gateway.p50 },
    { row: "1", label: `${name}: gateway p50 added`, unit: "ms", better: "lower", pick: (r) => mode(name)(r)?.p50AddedMs },
    { row: "1", label: `${name}: gateway / direct p50`, unit: "×", better: "lower", pick: (r) => mode(name)(r)?.p50Ratio },
  ]),
  { row: "1", label: "keep-alive: tcp pump p50 added", unit: "ms", better: "lower", pick: (r) => mode("keep-alive")(r)?.pumpP50AddedMs },
  ...[1, 8, 32].flatMap((count) => [
    { row: "2", label: `${count} client${count === 1 ? "" : "s"}: bare workers`, unit: "req/s", better: "higher", pick: (r) => clients(count)(r)?.bare.rps },
    { row: "2", label: `${count} client${count === 1 ? "" : "s"}: gateway`, unit: "req/s", better: "higher", pick: (r) => clients(count)(r)?.gateway.rps },
    { row: "2", label: `${count} client${count === 1 ? "" : "s"}: gateway / bare`, unit: "%", better: "higher", pick: (r) => clients(count)(r)?.share },
    {
      row: "2",
      label: `${count} client${count === 1 ? "" : "s"}: gateway / tcp pump`,
      unit: "%",
      better: "higher",
      pick: (r) => {
        const data = clients(count)(r);
        return data ? data.gateway.rps / data.pump.rps : undefined;
      },
    },
    {
      row: "2",
      label: `${count} client${count === 1 ? "" : "s"}: gateway CPU per request`,
      unit: "µs",
      better: "lower",
      pick: (r) => clients(count)(r)?.gateway.cpuUsPerRequest.proxy,
    },
    {
      row: "2",
      label: `${count} client${count === 1 ? "" : "s"}: tcp pump CPU per request`,
      unit: "µs",
      better: "lower",
      pick: (r) => clients(count)(r)?.pump.cpuUsPerRequest.proxy,
    },
  ]),
  {
    row: "3",
    label: "async tasks end to end",
    unit: "tasks/s",
    better: "higher",
    pick: (r) => row("3", (data) => "tasksPerSecond" in data)(r)?.tasksPerSecond,
  },
  { row: "3", label: "async submit rate", unit: "tasks/s", better: "higher", pick: (r) => row("3", (data) => "submitPerSecond" in data)(r)?.submitPerSecond },
  { row: "3", label: "async peak RSS", unit: "MiB", better: "lower", pick: (r) => peakRss(row("3", (data) => "tasksPerSecond" in data)(r)) },
  ...["process", "docker"].map((runtime) => ({
    row: "4",
    label: `cold start, ${runtime}`,
    unit: "s",
    better: "lower",
    pick: (r) => row("4", (data) => data.runtime === runtime)(r)?.medianSeconds,
  })),
  { row: "5", label: "batch rows", unit: "rows/s", better: "higher", pick: (r) => row("5", (data) => "rowsPerSecond" in data)(r)?.rowsPerSecond },
  ...[
    ["auto", "default flags"],
    ["process", "--runtime process"],
  ].flatMap(([runtime, name]) => [
    { row: "6", label: `start-up, ${name}: ready`, unit: "ms", better: "lower", pick: (r) => startup(runtime)(r)?.medianReadyMs },
    { row: "6", label: `start-up, ${name}: CPU to ready`, unit: "ms", better: "lower", pick: (r) => median(startup(runtime)(r)?.cpuMsToReady ?? []) },
    { row: "6", label: `start-up, ${name}: idle RSS`, unit: "MiB", better: "lower", pick: (r) => startup(runtime)(r)?.medianIdleRssMiB },
  ]),
];

function peakRss(data) {
  if (!data) return undefined;
  return Math.max(data.peakRssSampledMiB ?? 0, data.vmHwmMiB ?? 0);
}

const isNumber = (value) => typeof value === "number" && Number.isFinite(value);

/**
 * One figure over both sides: { before, after } as value lists, the ratio of medians and the verdict:
 * "within noise" when the ranges overlap, else "better" or "worse" (after against before).
 */
export function compareFigure(figure, beforeReports, afterReports) {
  const values = (reports) => reports.map((report) => figure.pick(report)).filter(isNumber);
  const before = values(beforeReports);
  const after = values(afterReports);
  if (before.length === 0 || after.length === 0) return null;
  const ratio = median(after) / median(before);
  const overlaps = Math.min(...after) <= Math.max(...before) && Math.min(...before) <= Math.max(...after);
  const isHigher = Math.min(...after) > Math.max(...before);
  const verdict = overlaps ? "within noise" : isHigher === (figure.better === "higher") ? "better" : "worse";
  return { figure, before, after, ratio, verdict };
}

export function format(value, unit) {
  if (unit === "%") return `${(value * 100).toFixed(0)}`;
  if (unit === "×" || unit === "s" || (unit === "ms" && value < 10)) return value.toFixed(3);
  if (unit === "MiB") return value.toFixed(1);
  return Math.round(value).toLocaleString("en-US");
}

const range = (values, unit) => {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? format(low, unit) : `${format(low, unit)}–${format(high, unit)}`;
};

export function compareTable(beforeReports, afterReports) {
  const lines = ["| row | figure | unit | before | after | after / before (medians) | |", "|---|---|---|---|---|---|---|"];
  for (const figure of FIGURES) {
    const result = compareFigure(figure, beforeReports, afterReports);
    if (result === null) continue;
    lines.push(
      `| ${figure.row} | ${figure.label} | ${figure.unit} | ${range(result.before, figure.unit)} | ${range(result.after, figure.unit)} | ${result.ratio.toFixed(2)} | ${result.verdict} |`,
    );
  }
  return lines.join("\n");
}

function parseArgs(argv) {
  const sides = { before: [], after: [] };
  let side = null;
  for (const arg of argv) {
    if (arg === "--before" || arg === "--after") side = arg.slice(2);
    else if (side === null) throw new Error(`${arg}: name a side first (--before FILE… --after FILE…)`);
    else sides[side].push(arg);
  }
  if (sides.before.length === 0 || sides.after.length === 0) throw new Error("usage: compare.mjs --before FILE… --after FILE…");
  return sides;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { before, after } = parseArgs(process.argv.slice(2));
  const read = (path) => JSON.parse(readFileSync(path, "utf8"));
  process.stdout.write(`${compareTable(before.map(read), after.map(read))}\n`);
}
