import Database from "better-sqlite3";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliProcess, readPortFile, startCli, waitFor } from "../helpers/cli-process.js";
import { buildPickle, LaunchHttp } from "../helpers/launch-http.js";

const dataDir = mkdtempSync(join(tmpdir(), "launch-local-batch-restart-"));
const stateDir = join(dataDir, "state");
const running: CliProcess[] = [];

async function startServer(name: string): Promise<{ http: LaunchHttp; cli: CliProcess }> {
  const portFile = join(dataDir, `${name}.port`);
  const cli = startCli(["--port", "0", "--port-file", portFile, "--data-dir", stateDir, "--runtime", "process", "--log-level", "warn"]);
  running.push(cli);
  const port = await waitFor(() => readPortFile(portFile), 20_000, `${name} port file`);
  return { http: new LaunchHttp(`http://127.0.0.1:${port}`), cli };
}

afterAll(async () => {
  for (const cli of running) {
    if (cli.child.exitCode === null && cli.child.signalCode === null) {
      cli.child.kill("SIGTERM");
      await cli.exited;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const SLOW_ECHO = `
import time
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        time.sleep(0.01)
        return kwargs
    return predict
`;

interface JobView {
  status: string;
  result: string | null;
  num_tasks_pending: number | null;
  num_tasks_completed: number | null;
}

const ROWS = 300;
const csv = (): string =>
  `id,args\r\n${Array.from({ length: ROWS }, (_, i) => `${i},${Buffer.from(JSON.stringify({ i })).toString("base64")}`).join("\r\n")}\r\n`;

/** The task ids SQLite holds for a job's rows, and which of them had finished (read while the server is down). */
function rowsOnDisk(jobId: string): { taskIds: string[]; finished: Map<number, string> } {
  const db = new Database(join(stateDir, "launch-local.sqlite"));
  try {
    const rows = db
      .prepare(
        "SELECT r.row_index AS i, r.task_id AS id, t.status AS status FROM batch_job_rows r JOIN async_tasks t ON t.id = r.task_id WHERE r.job_id = ? ORDER BY r.row_index",
      )
      .all(jobId) as { i: number; id: string; status: string }[];
    return { taskIds: rows.map((r) => r.id), finished: new Map(rows.filter((r) => r.status === "SUCCESS").map((r) => [r.i, r.id])) };
  } finally {
    db.close();
  }
}

describe("a batch job survives SIGKILL of the server (DESIGN.md principle 4)", () => {
  it("resumes running and pending jobs without resubmitting rows, with the right final counts", async () => {
    const first = await startServer("first");
    const bundleId = await first.http.createCloudpickleBundle("slow-echo", buildPickle(SLOW_ECHO));
    const createJob = async (http: LaunchHttp): Promise<string> => {
      const slot = await http.ok<{ signedUrl: string; bucket: string; key: string }>("POST", "/v1/hosted_inference/batch_task_input_upload", {});
      await fetch(slot.signedUrl, { method: "PUT", body: csv() });
      const { job_id } = await http.ok<{ job_id: string }>("POST", "/v1/batch-jobs", {
        model_bundle_id: bundleId,
        input_path: `s3://${slot.bucket}/${slot.key}`,
        serialization_format: "JSON",
        labels: { team: "infra", product: "launch" },
        resource_requests: { gpus: 0, max_workers: 1 },
      });
      return job_id;
    };

    const runningJob = await createJob(first.http);
    await waitFor(
      async () => {
        const job = await first.http.ok<JobView>("GET", `/v1/batch-jobs/${runningJob}`);
        return job.status === "RUNNING" && (job.num_tasks_completed ?? 0) >= 30 ? job : null;
      },
      60_000,
      "the first job to be part-way",
    );
    // A second job killed before it submitted anything (PENDING, endpoint still building).
    const pendingJob = await createJob(first.http);
    first.cli.child.kill("SIGKILL");
    await first.cli.exited;

    const before = rowsOnDisk(runningJob);
    expect(before.taskIds).toHaveLength(ROWS);
    expect(before.finished.size).toBeGreaterThanOrEqual(30);
    expect(before.finished.size).toBeLessThan(ROWS);
    expect(rowsOnDisk(pendingJob).taskIds).toHaveLength(0);

    const second = await startServer("second");
    for (const jobId of [runningJob, pendingJob]) {
      const done = await waitFor(
        async () => {
          const job = await second.http.ok<JobView>("GET", `/v1/batch-jobs/${jobId}`);
          return ["PENDING", "RUNNING"].includes(job.status) ? null : job;
        },
        90_000,
        `job ${jobId} to finish after the restart`,
      );
      expect(done).toMatchObject({ status: "SUCCESS", num_tasks_pending: 0, num_tasks_completed: ROWS });
      const key = (done.result ?? "").replace(/^s3:\/\/[^/]+\//, "");
      const lines = readFileSync(join(stateDir, "blobs", "launch-local", ...key.split("/")), "utf8").split("\n");
      expect(lines).toHaveLength(ROWS);
      lines.forEach((line, i) =>
        expect(line).toMatch(new RegExp(`"status": "SUCCESS", "result": \\{"result": "\\{\\\\"i\\\\": ${i}\\}"\\}, .*"id": "${i}"\\}$`)),
      );
      const taskIds = lines.map((line) => (JSON.parse(line) as { task_id: string }).task_id);
      expect(new Set(taskIds).size).toBe(ROWS);
      if (jobId === runningJob) {
        // Nothing was submitted twice: the rows kept the task ids they had before the kill.
        expect(taskIds).toEqual(before.taskIds);
        for (const [index, taskId] of before.finished) expect(taskIds[index]).toBe(taskId);
      }
    }
    const endpoints = await second.http.ok<{ model_endpoints: unknown[] }>("GET", "/v1/model-endpoints");
    expect(endpoints.model_endpoints).toEqual([]);
  }, 240_000);
});
