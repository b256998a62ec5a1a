/** Figures of a load run: rates, latency percentiles (ms), errors by kind, and memory. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export function latency(samples) {
  const sorted = Float64Array.from(samples).sort();
  const round = (value) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(percentile(sorted, 100)),
  };
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
