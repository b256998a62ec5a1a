/**
 * Row 5: a v1 batch job of N rows on the echo bundle (server-contract.md §2.4, §6.1): the CSV is
 * uploaded as the client does, the job runs its own async endpoint (min_workers 0, so the figure
 * includes starting its workers), rows/s = N / (POST → SUCCESS).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sleep } from "../http-load.mjs";
import { verdict } from "../stats.mjs";

const TERMINAL = new Set(["SUCCESS", "FAILURE", "CANCELLED", "TIMEOUT"]);
const JOB_TIMEOUT_MS = 600_000;

export async function measureBatch(report, api, bundleId, rows) {
  const probe = await api.call("POST", "/v1/batch-jobs", {});
  if (probe.status === 501) {
    report.row("5", `batch job, ${rows} rows`, { text: "n/a (not built)", data: { available: false, reason: "POST /v1/batch-jobs answers 501" } });
    report.target("5", "≥ 2,000 batch rows/s", "n/a (not built)", "n/a");
    return;
  }
  const lines = ["id,url,args"];
  for (let i = 0; i < rows; i++) lines.push(`row-${i},,${Buffer.from(JSON.stringify({ x: i })).toString("base64")}`);
  const inputPath = await api.upload(Buffer.from(`${lines.join("\n")}\n`), "batch_task_input_upload");

  const started = performance.now();
  const created = await api.ok("POST", "/v1/batch-jobs", {
    model_bundle_id: bundleId,
    input_path: inputPath,
    serialization_format: "JSON",
    labels: { team: "bench", product: "launch-local" },
    resource_requests: { cpus: 1, memory: "1Gi", gpus: 0, max_workers: 2, per_worker: 40, concurrent_requests_per_worker: 4 },
  });
  let job;
  for (;;) {
    job = await api.ok("GET", `/v1/batch-jobs/${created.job_id}`);
    if (TERMINAL.has(job.status)) break;
    if (performance.now() - started > JOB_TIMEOUT_MS) break;
    await sleep(20);
  }
  const seconds = (performance.now() - started) / 1000;
  const rowsPerSecond = rows / seconds;
  if (job.status !== "SUCCESS") report.error("5", `batch job ended ${job.status} after ${seconds.toFixed(1)} s`);
  const failedRows = countFailedRows(await resultFile(api, job.result));
  if (failedRows === null) report.note("5", "result file not readable from the bench; row outcomes not checked");
  else if (failedRows > 0) report.error("5", `${failedRows} of ${rows} batch rows did not succeed`);
  const value = job.status === "SUCCESS" ? rowsPerSecond : null;
  report.row("5", `batch job, ${rows} rows (job endpoint: 0→2 workers × 4 slots)`, {
    text: value === null ? `job ended ${job.status}` : `${Math.round(rowsPerSecond)} rows/s (${seconds.toFixed(2)} s, worker start included)`,
    data: { available: true, rows, seconds, rowsPerSecond: value, status: job.status, completed: job.num_tasks_completed, failedRows },
  });
  report.target("5", "≥ 2,000 batch rows/s", value === null ? job.status : `${Math.round(value)}/s`, verdict(value, "at-least", 2000));
}

/** The result file's text, read from the server's data dir (/_launch_local/info names it); null if not found. */
async function resultFile(api, location) {
  if (typeof location !== "string" || !location.startsWith("s3://")) return null;
  try {
    const info = await api.ok("GET", "/_launch_local/info");
    return readFileSync(join(info.data_dir, "blobs", location.slice("s3://".length)), "utf8");
  } catch {
    return null;
  }
}

function countFailedRows(text) {
  if (text === null) return null;
  let failed = 0;
  for (const line of text.split("\n")) if (line.trim() !== "" && !line.includes('"status": "SUCCESS"')) failed++;
  return failed;
}
