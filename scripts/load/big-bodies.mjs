#!/usr/bin/env node
/**
 * Memory per request for large invalid bodies (issue 13 item 5): starts the built CLI (`npm run build`
 * first), sends CONCURRENCY requests at once whose body holds one large string field and misses every
 * required field (so pydantic-style 422 items would echo the whole body once per missing field), and
 * reports each answer's size and the server's peak RSS (VmHWM) over its idle RSS, per byte of body.
 *
 *   node scripts/load/big-bodies.mjs [--mib 30] [--concurrency 4] [--cli bin/launch-local.js]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { mib: { type: "string", default: "30" }, concurrency: { type: "string", default: "4" }, cli: { type: "string", default: "bin/launch-local.js" } },
});
const bodyBytes = Math.round(Number(values.mib) * 1024 * 1024);
const concurrency = Number(values.concurrency);

const dir = mkdtempSync(join(tmpdir(), "big-bodies-"));
const portFile = join(dir, "port");
const child = spawn(
  process.execPath,
  [values.cli, "--port", "0", "--port-file", portFile, "--ephemeral", "--runtime", "process", "--log-level", "warn", "--max-body-bytes", String(bodyBytes * 2)],
  {
    stdio: ["ignore", "ignore", "inherit"],
  },
);
const status = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? NaN) * 1024;
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

try {
  let port = null;
  for (let i = 0; i < 400 && port === null; i++) {
    try {
      port = Number(readFileSync(portFile, "utf8").trim()) || null;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  if (port === null) throw new Error("the server did not start");
  const url = `http://127.0.0.1:${port}`;
  // One warm-up request so the adaptor and the validation code are loaded before the baseline.
  await fetch(`${url}/v1/model-endpoints`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer me" }, body: "{}" }).then(
    (r) => r.text(),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const idle = status("VmRSS");
  const body = JSON.stringify({ name: "x".repeat(bodyBytes - 11) });
  const started = Date.now();
  const answers = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const response = await fetch(`${url}/v1/model-endpoints`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer me" },
        body,
      });
      return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
    }),
  );
  const peak = status("VmHWM");
  console.log(`body ${mib(body.length)} MiB × ${concurrency} concurrent, ${Date.now() - started} ms`);
  for (const answer of answers) console.log(`  answer: HTTP ${answer.status}, ${answer.bytes} bytes (${(answer.bytes / body.length).toFixed(3)} × the body)`);
  console.log(
    `  RSS idle ${mib(idle)} MiB, peak ${mib(peak)} MiB: +${mib(peak - idle)} MiB = ${((peak - idle) / (body.length * concurrency)).toFixed(2)} × the bodies in flight`,
  );
} finally {
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  rmSync(dir, { recursive: true, force: true });
}
