#!/usr/bin/env node
/**
 * npm run load [-- --clients 200 --duration 60 --settle 15 --max-old-space-mib N]: 200 concurrent clients for 60 s against a
 * sync and an async echo endpoint on a fresh launch-local (loopback only, ephemeral, real Python
 * workers). Prints the figures (and JSON with --json); exits 1 on errors other than the documented
 * back-pressure, or when the server's memory did not settle within its bound (load-run.mjs).
 */
import { runLoad } from "./load-run.mjs";
import { formatReport } from "./report.mjs";

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const report = await runLoad({
  clients: option("clients", 200),
  durationMs: option("duration", 60) * 1000,
  settleMs: option("settle", 15) * 1000,
  workers: option("workers", 2),
  slots: option("slots", 10),
  maxOldSpaceMiB: option("max-old-space-mib", null),
});
process.stdout.write(`${formatReport(report)}\n`);
if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify({ ...report, serverStderr: undefined }, null, 2)}\n`);
const isClean = Object.keys(report.errors).length === 0 && report.rssMiB.isFlat;
if (!isClean && report.serverStderr) process.stderr.write(`server stderr (tail):\n${report.serverStderr}\n`);
process.exit(isClean ? 0 : 1);
