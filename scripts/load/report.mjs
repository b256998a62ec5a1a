/** Figures of a load run: rates, latency percentiles (ms), errors by kind, and memory. */
import { summarize } from "../bench/stats.mjs";

export function latency(samples) {
  const { count, p50, p90, p99, max } = summarize(samples);
  const round = (value) => (Number.isNaN(value) ? null : Math.round(value * 10) / 10);
  return { count, p50: round(p50), p90: round(p90), p99: round(p99), max: round(max) };
}

export function formatReport(report) {
  const lines = [
    `launch-local load: ${report.clients} clients (${report.syncClients} sync, ${report.asyncClients} async) for ${report.durationS} s`,
    `  sync   ${report.sync.perSecond.toFixed(1)} req/s   latency ms p50 ${report.sync.latencyMs.p50} p90 ${report.sync.latencyMs.p90} p99 ${report.sync.latencyMs.p99} max ${report.sync.latencyMs.max}`,
    `  async  ${report.async.perSecond.toFixed(1)} tasks/s   submit ms p50 ${report.async.submitMs.p50} p99 ${report.async.submitMs.p99}   submit→SUCCESS ms p50 ${report.async.endToEndMs.p50} p99 ${report.async.endToEndMs.p99}`,
    `  http   ${report.http.perSecond.toFixed(1)} req/s (${report.http.requests} requests, polls included)`,
    `  back-pressure (sync 429 "Too many concurrent requests"): ${report.backpressure}`,
    `  errors: ${Object.keys(report.errors).length === 0 ? "none" : JSON.stringify(report.errors)}`,
    `  server RSS MiB: before ${report.rssMiB.before} → after ${report.rssMiB.after} → settled ${report.rssMiB.settled} (bound ${report.rssMiB.bound}: ${report.rssMiB.isFlat ? "flat" : "GREW"})`,
  ];
  return lines.join("\n");
}
