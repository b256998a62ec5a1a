import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchLocal, startLaunchLocal } from "../../src/index.js";
import { buildPickle, LaunchHttp } from "../helpers/launch-http.js";

const ECHO = `
def load_model_fn():
    return None
def load_predict_fn(model):
    def predict(**kwargs):
        return kwargs
    return predict
`;

const ROWS = 10_000;
let launch: LaunchLocal;

beforeAll(async () => {
  launch = await startLaunchLocal({ port: 0, ephemeral: true, runtime: "process", logLevel: "warn" });
});

afterAll(async () => {
  await launch.close();
});

interface JobView {
  status: string;
  result: string | null;
  num_tasks_pending: number | null;
  num_tasks_completed: number | null;
}

describe("scale: a 10,000-row batch job on an echo bundle (real Python workers)", () => {
  it("completes with every row in the result file", async () => {
    const http = new LaunchHttp(launch.url);
    const bundleId = await http.createCloudpickleBundle("echo", buildPickle(ECHO));
    const lines = ["id,args"];
    for (let i = 0; i < ROWS; i++) lines.push(`${i},${Buffer.from(JSON.stringify({ i })).toString("base64")}`);
    const slot = await http.ok<{ signedUrl: string; bucket: string; key: string }>("POST", "/v1/hosted_inference/batch_task_input_upload", {});
    await fetch(slot.signedUrl, { method: "PUT", body: `${lines.join("\r\n")}\r\n` });

    const started = Date.now();
    const { job_id: jobId } = await http.ok<{ job_id: string }>("POST", "/v1/batch-jobs", {
      model_bundle_id: bundleId,
      input_path: `s3://${slot.bucket}/${slot.key}`,
      serialization_format: "JSON",
      labels: { team: "infra", product: "launch" },
      resource_requests: { gpus: 0, max_workers: 2, per_worker: 1000, concurrent_requests_per_worker: 8 },
    });
    let firstDoneAt = 0;
    let job: JobView;
    for (;;) {
      job = await http.ok<JobView>("GET", `/v1/batch-jobs/${jobId}`);
      if (firstDoneAt === 0 && (job.num_tasks_completed ?? 0) > 0) firstDoneAt = Date.now();
      if (!["PENDING", "RUNNING"].includes(job.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const finished = Date.now();
    expect(job).toMatchObject({ status: "SUCCESS", num_tasks_pending: 0, num_tasks_completed: ROWS });
    const seconds = (finished - started) / 1000;
    const steady = (finished - firstDoneAt) / 1000;
    // The figure the issue asks for (README "Batch jobs"); printed so a run reports it.
    process.stderr.write(
      `batch scale: ${ROWS} rows in ${seconds.toFixed(2)} s end to end (${Math.round(ROWS / seconds)} rows/s), ` +
        `${steady.toFixed(2)} s from the first finished row (${Math.round(ROWS / steady)} rows/s)\n`,
    );

    const { readFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const key = (job.result ?? "").replace(/^s3:\/\/[^/]+\//, "");
    const text = await readFile(join(launch.dataDir, "blobs", "launch-local", ...key.split("/")), "utf8");
    const rows = text.split("\n");
    expect(rows).toHaveLength(ROWS);
    rows.forEach((line, i) => {
      expect(line.endsWith(`"result": {"result": "{\\"i\\": ${i}}"}, "traceback": null, "status_code": null, "id": "${i}"}`)).toBe(true);
    });
  }, 120_000);
});
