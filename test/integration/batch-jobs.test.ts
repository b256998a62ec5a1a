import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { detectGpus } from "../../src/runtime/gpu-inventory.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LABELS, argsCsv, type BatchTestApp, createBatchTestApp } from "./batch-jobs-app.js";

const ISO_DURATION = /^P(?:\d+Y)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$/;

describe("v1 batch jobs over HTTP (fake workers)", () => {
  let t: BatchTestApp;
  let bundleId: string;

  beforeEach(async () => {
    t = await createBatchTestApp();
    bundleId = await t.createBundle("echo");
  });
  afterEach(() => t.close());

  const post = (body: unknown, user = "me") =>
    request(t.app.url)
      .post("/v1/batch-jobs")
      .set("authorization", t.app.auth(user))
      .send(body as object);
  const jobBody = (inputPath: string, extra: Record<string, unknown> = {}) => ({
    model_bundle_id: bundleId,
    input_path: inputPath,
    serialization_format: "JSON",
    labels: LABELS,
    resource_requests: { gpus: 0 },
    ...extra,
  });

  it("runs every row through a visible temporary endpoint and writes the result file", async () => {
    const input = await t.uploadCsv(argsCsv([{ x: 1, y: "a" }, { x: 2.5, y: "é" }, { fail: "boom" }]));
    t.holdBuilds();
    const jobId = await t.createJob(jobBody(input));
    expect(jobId).toMatch(/^bat_[0-9a-v]{20}$/);
    const endpointName = `${bundleId}-batch-task-${jobId}`.replace(/_/g, "-");
    expect(await t.endpointNames()).toContain(endpointName);
    t.releaseBuilds();

    const done = await t.waitForStatus(jobId, ["SUCCESS", "FAILURE", "TIMEOUT"]);
    expect(done).toMatchObject({
      status: "SUCCESS",
      result: `s3://launch-local/launch/batch-jobs/${jobId}/result.json`,
      num_tasks_pending: 0,
      num_tasks_completed: 3,
    });
    expect(Object.keys(done)).toEqual(["status", "result", "duration", "num_tasks_pending", "num_tasks_completed"]);
    expect(done.duration).toMatch(ISO_DURATION);
    expect(await t.endpointNames()).not.toContain(endpointName);

    const text = (await t.app.instance.services.blobs.read(done.result ?? "")).toString("utf8");
    const lines = text.split("\n");
    expect(lines).toHaveLength(3);
    expect(text.endsWith("\n")).toBe(false);
    expect(lines[0]).toMatch(
      /^\{"task_id": "[0-9a-f-]{36}", "status": "SUCCESS", "result": \{"result": "\{\\"x\\": 1, \\"y\\": \\"a\\"\}"\}, "traceback": null, "status_code": null, "id": "0"\}$/,
    );
    expect(lines[1]).toContain('"result": {"result": "{\\"x\\": 2.5, \\"y\\": \\"\\\\u00e9\\"}"}');
    // A failing row does not fail the job: the artifact worker's 500 is the task's SUCCESS result (§9 item 4).
    expect(lines[2]).toContain('"status": "SUCCESS", "result": {"detail": {"traceback": "Traceback');
    expect(lines[2]).toMatch(/"id": "2"\}$/);
  });

  it("writes the PICKLE format as a protocol-2 pickle at the same location", async () => {
    const input = await t.uploadCsv(argsCsv([{ x: 1 }]));
    const jobId = await t.createJob(jobBody(input, { serialization_format: "PICKLE" }));
    const done = await t.waitForStatus(jobId, ["SUCCESS", "FAILURE"]);
    expect(done.result).toBe(`s3://launch-local/launch/batch-jobs/${jobId}/result.json`);
    const bytes = await t.app.instance.services.blobs.read(done.result ?? "");
    expect([...bytes.subarray(0, 3)]).toEqual([0x80, 2, 0x5d]);
    expect(bytes.at(-1)).toBe(0x2e);
  });

  it("gives the endpoint the real defaults, the GPU only where this host has one", async () => {
    const input = await t.uploadCsv(argsCsv([{ sleep_ms: 1000 }]));
    const jobId = await t.createJob(jobBody(input, { resource_requests: {} }));
    // Infra state (resource_state, deployment_state) is shown once the first build finished (§3.4).
    await t.waitForStatus(jobId, ["RUNNING"]);
    const endpoints = await request(t.app.url).get("/v1/model-endpoints").set("authorization", t.app.auth());
    const hostGpus = (await detectGpus(process.env)).length;
    expect(endpoints.body.model_endpoints[0]).toMatchObject({
      endpoint_type: "async",
      labels: LABELS,
      resource_state: { cpus: 3, gpus: hostGpus > 0 ? 1 : 0, memory: "12Gi", storage: "16Gi", gpu_type: hostGpus > 0 ? "nvidia-tesla-t4" : null },
      deployment_state: { min_workers: 0, max_workers: Math.min(50, availableParallelism()), per_worker: 40, concurrent_requests_per_worker: 1 },
    });
    expect((await t.waitForStatus(jobId, ["SUCCESS", "FAILURE"])).status).toBe("SUCCESS");
  });

  it("reads `url` rows and file:// inputs where the operator allows them", async () => {
    const folder = mkdtempSync(join(tmpdir(), "batch-input-"));
    const path = join(folder, "input.csv");
    writeFileSync(path, "id,url\r\nr1,http://example.invalid/a.json\r\n");
    const allowed = await createBatchTestApp({ allowInputDirs: [folder], allowInputUrls: true });
    const bundle = await allowed.createBundle("echo");
    const jobId = await allowed.createJob({ ...jobBody(`file://${path}`), model_bundle_id: bundle });
    const done = await allowed.waitForStatus(jobId, ["SUCCESS", "FAILURE"]);
    expect(done.status).toBe("SUCCESS");
    const text = (await allowed.app.instance.services.blobs.read(done.result ?? "")).toString("utf8");
    await allowed.close();
    rmSync(folder, { recursive: true, force: true });
    expect(text).toContain('"result": {"result": "\\"http://example.invalid/a.json\\""}');
    expect(text).toMatch(/"id": "r1"\}$/);
  });

  it("answers PENDING with null progress first, and keeps the record after completion", async () => {
    const input = await t.uploadCsv(argsCsv([{ x: 1 }]));
    t.holdBuilds();
    const jobId = await t.createJob(jobBody(input));
    const first = await t.getJob(jobId);
    expect(first).toMatchObject({ status: "PENDING", result: null, num_tasks_pending: null, num_tasks_completed: null });
    t.releaseBuilds();
    await t.waitForStatus(jobId, ["SUCCESS"]);
    const later = await t.getJob(jobId);
    expect(later.status).toBe("SUCCESS");
    expect((await t.getJob(jobId)).duration).toBe(later.duration);
  });

  it("fails a job whose input cannot be read, keeping its endpoint until a cancel", async () => {
    const jobId = await t.createJob(jobBody("s3://launch-local/batch-inputs/me/missing.csv"));
    const failed = await t.waitForStatus(jobId, ["FAILURE", "SUCCESS"]);
    expect(failed).toMatchObject({ status: "FAILURE", result: null, num_tasks_pending: null, num_tasks_completed: null });
    const endpointName = `${bundleId}-batch-task-${jobId}`.replace(/_/g, "-");
    expect(await t.endpointNames()).toContain(endpointName);
    // §6.1: only CANCELLED/SUCCESS jobs, or ones whose endpoint is gone, ignore a cancel.
    const cancel = await request(t.app.url).put(`/v1/batch-jobs/${jobId}`).set("authorization", t.app.auth()).send({ cancel: true });
    expect(cancel.body).toEqual({ success: true });
    expect((await t.getJob(jobId)).status).toBe("CANCELLED");
    expect(await t.endpointNames()).not.toContain(endpointName);
  });

  it("cancels a running job: its endpoint goes, the status is CANCELLED, and cancel stays a no-op", async () => {
    const input = await t.uploadCsv(argsCsv(Array.from({ length: 20 }, () => ({ sleep_ms: 200 }))));
    const jobId = await t.createJob(jobBody(input, { resource_requests: { gpus: 0, max_workers: 1 } }));
    const running = await t.waitForStatus(jobId, ["RUNNING"]);
    expect(running.num_tasks_pending).toBeGreaterThan(0);
    for (let i = 0; i < 2; i++) {
      const response = await request(t.app.url).put(`/v1/batch-jobs/${jobId}`).set("authorization", t.app.auth()).send({ cancel: true });
      expect(response.status).toBe(200);
      expect(response.text).toBe('{"success":true}');
    }
    const cancelled = await t.getJob(jobId);
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.result).toBeNull();
    expect(await t.endpointNames()).toEqual([]);
    const noop = await request(t.app.url).put(`/v1/batch-jobs/${jobId}`).set("authorization", t.app.auth()).send({ cancel: false });
    expect(noop.body).toEqual({ success: true });
  });

  it("times out with the rows as they stand", async () => {
    const input = await t.uploadCsv(argsCsv([{ x: 1 }, { sleep_ms: 1500 }]));
    const jobId = await t.createJob(jobBody(input, { timeout_seconds: 1 }));
    const done = await t.waitForStatus(jobId, ["TIMEOUT", "SUCCESS", "FAILURE"]);
    expect(done.status).toBe("TIMEOUT");
    const lines = (await t.app.instance.services.blobs.read(done.result ?? "")).toString("utf8").split("\n");
    expect(lines[0]).toContain('"status": "SUCCESS"');
    expect(lines[1]).toMatch(/"status": "(PENDING|STARTED)", "result": null/);
  });

  describe("errors", () => {
    it("404s unknown and foreign jobs with the contract's message", async () => {
      const input = await t.uploadCsv(argsCsv([{ x: 1 }]));
      const jobId = await t.createJob(jobBody(input));
      for (const [id, user] of [
        ["bat_nope", "me"],
        [jobId, "someone-else"],
      ] as const) {
        const get = await request(t.app.url).get(`/v1/batch-jobs/${id}`).set("authorization", t.app.auth(user));
        expect(get.status).toBe(404);
        expect(get.body).toEqual({ detail: "The specified batch job could not be found." });
        const put = await request(t.app.url).put(`/v1/batch-jobs/${id}`).set("authorization", t.app.auth(user)).send({ cancel: true });
        expect(put.status).toBe(404);
        expect(put.body).toEqual({ detail: "The specified batch job could not be found." });
      }
    });

    it("404s a missing or foreign bundle", async () => {
      for (const user of ["someone-else"]) {
        const response = await post(jobBody("s3://launch-local/x.csv"), user);
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ detail: "The specified model bundle could not be found." });
      }
      const missing = await post(jobBody("s3://launch-local/x.csv", { model_bundle_id: "bun_nope" }));
      expect(missing.status).toBe(404);
    });

    it("400s bad labels before looking at the bundle", async () => {
      const response = await post(jobBody("s3://x/y", { model_bundle_id: "bun_nope", labels: { team: "infra" } }));
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ detail: "Missing label 'product' in labels. These are all required: {'team', 'product'}" });
    });

    it("answers resource violations with the unmapped 500 envelope", async () => {
      for (const resources of [{ max_workers: 251 }, { cpus: 100, gpus: 0 }]) {
        const response = await post(jobBody("s3://x/y", { resource_requests: resources }));
        expect(response.status).toBe(500);
        expect(response.body).toMatchObject({ error: "Internal error occurred. Our team has been notified." });
      }
    });

    it("422s missing and mistyped fields", async () => {
      const missing = await post({ model_bundle_id: bundleId, input_path: "s3://x/y", labels: LABELS });
      expect(missing.status).toBe(422);
      expect(missing.body.detail.map((item: { loc: unknown[] }) => item.loc)).toEqual([
        ["body", "serialization_format"],
        ["body", "resource_requests"],
      ]);
      const format = await post(jobBody("s3://x/y", { serialization_format: "CSV" }));
      expect(format.status).toBe(422);
      expect(format.body.detail[0]).toMatchObject({ type: "enum", loc: ["body", "serialization_format"], msg: "Input should be 'JSON' or 'PICKLE'" });
      const cancel = await request(t.app.url).put("/v1/batch-jobs/bat_x").set("authorization", t.app.auth()).send({});
      expect(cancel.status).toBe(422);
      expect(cancel.body.detail[0]).toMatchObject({ type: "missing", loc: ["body", "cancel"] });
    });
  });
});
