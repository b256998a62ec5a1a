/**
 * One load run end to end: start launch-local (built CLI, loopback, ephemeral), deploy the echo bundle
 * behind a sync and an async endpoint (real Python workers), warm up, measure the server's RSS, drive
 * the clients, measure again right after and after a settle period.
 *
 * Memory is "flat" when the settled RSS is within max(before × 1.5, before + 64 MiB). V8 grows the old
 * generation lazily (it may not run a full collection during a whole run), so RSS rises by a few MiB
 * per 10,000 requests before settling; a leak of per-request state grows with the request count
 * (100,000+ here) and shows beyond that. `maxOldSpaceMiB` caps the server's heap, which forces full
 * collections: with it, RSS stays near its starting value if nothing leaks.
 */
import { drive } from "./clients.mjs";
import { latency } from "./report.mjs";
import { startServer } from "../bench/server.mjs";
import { prepareEndpoints } from "./setup.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value) => (value === null ? null : Math.round(value * 10) / 10);

export function rssBound(beforeMiB) {
  return Math.max(beforeMiB * 1.5, beforeMiB + 64);
}

export async function runLoad({ clients = 200, durationMs = 60_000, warmupMs = 3000, settleMs = 15_000, workers = 2, slots = 10, maxOldSpaceMiB = null } = {}) {
  const server = await startServer({ nodeArgs: maxOldSpaceMiB === null ? [] : [`--max-old-space-size=${maxOldSpaceMiB}`] });
  const rssMiB = () => server.memory()?.rssMiB ?? null;
  try {
    const ids = await prepareEndpoints(server.url, { workers, slots });
    await drive({ url: server.url, ids, clients, durationMs: warmupMs });
    await sleep(2000);
    const before = rssMiB();
    let peak = before ?? 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB() ?? 0)), 250);
    const run = await drive({ url: server.url, ids, clients, durationMs });
    clearInterval(sampler);
    const after = rssMiB();
    await sleep(settleMs);
    const settled = rssMiB();
    const seconds = run.elapsedMs / 1000;
    const { recorder } = run;
    const bound = before === null ? null : round(rssBound(before));
    return {
      clients,
      syncClients: run.syncClients,
      asyncClients: run.asyncClients,
      durationS: round(seconds),
      sync: { completed: recorder.sync.length, perSecond: recorder.sync.length / seconds, latencyMs: latency(recorder.sync) },
      async: {
        completed: recorder.asyncDone.length,
        perSecond: recorder.asyncDone.length / seconds,
        submitMs: latency(recorder.asyncSubmit),
        endToEndMs: latency(recorder.asyncDone),
      },
      http: { requests: recorder.httpRequests, perSecond: recorder.httpRequests / seconds },
      backpressure: recorder.backpressure,
      errors: Object.fromEntries(recorder.errors),
      rssMiB: {
        before: round(before),
        peak: round(peak),
        after: round(after),
        settled: round(settled),
        bound,
        isFlat: before !== null && settled !== null && bound !== null && settled <= bound,
      },
      serverStderr: server.stderr().slice(-2000),
    };
  } finally {
    await server.stop();
  }
}
