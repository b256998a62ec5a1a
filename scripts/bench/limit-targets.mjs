/**
 * Issue 20's targets, each a ratio of two figures measured in the same run, added to the report once
 * the rows are in: the gateway against the tcp pump (rows 1 and 2), async against the bare workers'
 * sync throughput (rows 3 and 2), batch against async (rows 5 and 3). A target whose rows did not
 * run (--only) is left out; one whose figure is missing reads n/a. Pure: reads `report.rows` only.
 */
import { verdict } from "./stats.mjs";

const PUMP_SHARE = 0.9;
const PUMP_CPU = 1.3;
const PUMP_ADDED_MS = 0.05;
const ASYNC_SHARE = 0.6;
const BATCH_SHARE = 0.9;

const rowData = (report, section, match) => report.rows.find((row) => row.section === section && row.data && match(row.data))?.data ?? null;
const percent = (value) => `${(value * 100).toFixed(0)}%`;

export function addLimitTargets(report) {
  const keepAlive = rowData(report, "1", (data) => data.mode === "keep-alive");
  if (keepAlive?.p50AddedMs != null && keepAlive.pumpP50AddedMs != null) {
    const { p50AddedMs: gateway, pumpP50AddedMs: pump } = keepAlive;
    const value = `+${gateway.toFixed(3)} vs +${pump.toFixed(3)} ms`;
    report.target("1", `keep-alive p50 added ≤ the tcp pump's + ${PUMP_ADDED_MS} ms`, value, verdict(gateway - pump, "at-most", PUMP_ADDED_MS));
  }
  for (const concurrency of [8, 32]) {
    const row = rowData(report, "2", (data) => data.concurrency === concurrency);
    if (row === null) continue;
    const share = row.gateway.rps / row.pump.rps;
    report.target("2", `${concurrency} clients: ≥ ${percent(PUMP_SHARE)} of the tcp pump's throughput`, percent(share), verdict(share, "at-least", PUMP_SHARE));
    const gatewayUs = row.gateway.cpuUsPerRequest.proxy;
    const pumpUs = row.pump.cpuUsPerRequest.proxy;
    const cpu = gatewayUs != null && pumpUs ? gatewayUs / pumpUs : null;
    const cpuText = cpu === null ? "n/a" : `${cpu.toFixed(2)}× (${Math.round(gatewayUs)} vs ${Math.round(pumpUs)} µs)`;
    report.target("2", `${concurrency} clients: CPU per request ≤ ${PUMP_CPU}× the tcp pump's`, cpuText, verdict(cpu, "at-most", PUMP_CPU));
  }
  const async = rowData(report, "3", (data) => "tasksPerSecond" in data);
  const bare8 = rowData(report, "2", (data) => data.concurrency === 8);
  if (async !== null && bare8 !== null) {
    const share = async.tasksPerSecond / bare8.bare.rps;
    const value = `${percent(share)} (${Math.round(async.tasksPerSecond)} vs ${Math.round(bare8.bare.rps)} req/s)`;
    report.target(
      "3",
      `async ≥ ${percent(ASYNC_SHARE)} of the bare workers' sync throughput (row 2, 8 clients)`,
      value,
      verdict(share, "at-least", ASYNC_SHARE),
    );
  }
  const batch = rowData(report, "5", (data) => "rowsPerSecond" in data);
  if (batch !== null && async !== null) {
    const share = batch.rowsPerSecond == null ? null : batch.rowsPerSecond / async.tasksPerSecond;
    const value = share === null ? "n/a" : `${percent(share)} (${Math.round(batch.rowsPerSecond)} vs ${Math.round(async.tasksPerSecond)}/s)`;
    report.target("5", `batch ≥ ${percent(BATCH_SHARE)} of the async rate (row 3)`, value, verdict(share, "at-least", BATCH_SHARE));
  }
}
