import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { waitFor } from "../helpers/wait-for.js";
import { LABELS, createDockerBundle, createJob, jobLogs, jobStatus, waitForStatus } from "./docker-image-batch-jobs-app.js";

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(async () => {
  await app.close();
});

const post = (body: Record<string, unknown>, user = "me") =>
  request(app.url).post("/v1/docker-image-batch-jobs").set("authorization", app.auth(user)).send(body);

describe("POST /v1/docker-image-batch-jobs (§2.5)", () => {
  it("runs the bundle's command once: exit 0 is SUCCESS, non-zero FAILURE, output kept", async () => {
    const ok = await createDockerBundle(app, { name: "ok", command: ["sh", "-c", "echo hello from $LAUNCH_JOB_ID"] });
    const id = await createJob(app, { docker_image_batch_job_bundle_id: ok });
    expect(id).toMatch(/^ft-[0-9a-v]{20}$/);
    expect(await waitForStatus(app, id, ["SUCCESS", "FAILURE"])).toBe("SUCCESS");
    expect((await jobLogs(app, id)).lines).toContain(`hello from ${id}`);
    const get = await request(app.url).get(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).expect(200);
    expect(get.body).toEqual({ status: "SUCCESS" });

    await createDockerBundle(app, { name: "bad", command: ["sh", "-c", "exit 3"] });
    const failing = await createJob(app, { docker_image_batch_job_bundle_name: "bad" });
    expect(await waitForStatus(app, failing, ["SUCCESS", "FAILURE"])).toBe("FAILURE");
    expect((await jobLogs(app, failing)).status_reason).toBe("The job's command exited with code 3.");
  });

  it("fails a job whose executable does not exist, with the reason in its logs", async () => {
    const bundle = await createDockerBundle(app, { name: "missing-exe", command: ["/nonexistent/launch-local-job"] });
    const id = await createJob(app, { docker_image_batch_job_bundle_id: bundle });
    expect(await waitForStatus(app, id, ["SUCCESS", "FAILURE"])).toBe("FAILURE");
    expect((await jobLogs(app, id)).lines.join("\n")).toContain("could not start");
  });

  it("stops a job at override_job_max_runtime_s: FAILURE, never TIMEOUT (§3.3)", async () => {
    const bundle = await createDockerBundle(app, { name: "slow", command: ["sleep", "30"] });
    const id = await createJob(app, { docker_image_batch_job_bundle_id: bundle, override_job_max_runtime_s: 1 });
    expect(await waitForStatus(app, id, ["RUNNING", "SUCCESS", "FAILURE"])).toBe("RUNNING");
    expect(await waitForStatus(app, id, ["SUCCESS", "FAILURE"], 15_000)).toBe("FAILURE");
    expect((await jobLogs(app, id)).status_reason).toBe("The job exceeded its maximum runtime of 1 s and was stopped.");
  });

  it("validates in the real order with the real messages", async () => {
    const neither = await post({ labels: LABELS }).expect(422);
    expect(neither.body).toEqual({
      detail: [
        {
          type: "value_error",
          loc: ["body"],
          msg: "Value error, At least one of docker_image_batch_job_bundle_name and docker_image_batch_job_bundle_id must be specified",
          input: { labels: LABELS },
          ctx: { error: {} },
        },
      ],
    });
    const both = await post({ docker_image_batch_job_bundle_name: "a", docker_image_batch_job_bundle_id: "b" }).expect(422);
    expect((both.body as { detail: { msg: string }[] }).detail[0]?.msg).toContain("Only one of");
    const noLabels = await post({ docker_image_batch_job_bundle_id: "b" }).expect(422);
    expect((noLabels.body as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(["body", "labels"]);

    const missing = await post({ docker_image_batch_job_bundle_id: "batbun_nope", labels: LABELS }).expect(404);
    expect(missing.body).toEqual({ detail: "The specified batch job bundle could not be found" });

    const noResources = await createDockerBundle(app, { name: "no-resources", resource_requests: {} });
    const noCpu = await post({ docker_image_batch_job_bundle_id: noResources, labels: LABELS }).expect(400);
    expect(noCpu.body).toEqual({ detail: "The user specified an invalid value: Must specify value for cpus and memory" });
    await post({ docker_image_batch_job_bundle_id: noResources, labels: LABELS, resource_requests: { cpus: 1, memory: "1Gi" } }).expect(200);

    const tooBig = await post({ docker_image_batch_job_bundle_id: noResources, labels: LABELS, resource_requests: { cpus: 8, memory: "1Gi" } }).expect(400);
    expect(tooBig.body).toEqual({ detail: "Final endpoint resources requested is invalid: Requested cpus=8 too high. The maximum for gpu_type=None is 7" });

    const bundle = await createDockerBundle(app, { name: "rules" });
    const badLabels = await post({ docker_image_batch_job_bundle_id: bundle, labels: { team: "infra" }, resource_requests: { cpus: 99 } }).expect(400);
    expect((badLabels.body as { detail: string }).detail).toContain("Final endpoint resources requested is invalid");
    const labelsOnly = await post({ docker_image_batch_job_bundle_id: bundle, labels: { team: "infra" }, override_job_max_runtime_s: 0 }).expect(400);
    expect(labelsOnly.body).toEqual({ detail: "Missing label 'product' in labels. These are all required: {'team', 'product'}" });
    const runtime = await post({ docker_image_batch_job_bundle_id: bundle, labels: LABELS, override_job_max_runtime_s: 0 }).expect(400);
    expect(runtime.body).toEqual({
      detail: "The user specified an invalid value: Please supply a positive integer value for batch job's maximum runtime (`override_job_max_runtime_s`)",
    });
  });

  it("merges resources: the request wins and gpus 0 clears the bundle's GPU", async () => {
    const gpuBundle = await createDockerBundle(app, { name: "gpu", resource_requests: { cpus: "1", memory: "1Gi", gpus: 1, gpu_type: "nvidia-tesla-t4" } });
    // Without gpus 0 the bundle's T4 is kept, so 60 cpus fit; with gpus 0 the CPU limit (7) applies.
    await post({ docker_image_batch_job_bundle_id: gpuBundle, labels: LABELS, resource_requests: { cpus: 60 } }).expect(200);
    const cleared = await post({ docker_image_batch_job_bundle_id: gpuBundle, labels: LABELS, resource_requests: { cpus: 60, gpus: 0 } }).expect(400);
    expect((cleared.body as { detail: string }).detail).toContain("The maximum for gpu_type=None is 7");
  });
});

describe("GET, list and cancel (§2.5, §3.3)", () => {
  it("hides other teams' jobs and malformed ids behind the same 404", async () => {
    const bundle = await createDockerBundle(app, { name: "mine" });
    const id = await createJob(app, { docker_image_batch_job_bundle_id: bundle });
    const notFound = { detail: "The specified batch job could not be found" };
    expect((await request(app.url).get(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth("other")).expect(404)).body).toEqual(notFound);
    expect((await request(app.url).get("/v1/docker-image-batch-jobs/FT-UPPER").set("authorization", app.auth()).expect(404)).body).toEqual(notFound);
    expect((await request(app.url).get("/v1/docker-image-batch-jobs/ft-missing").set("authorization", app.auth()).expect(404)).body).toEqual(notFound);
    await request(app.url).put(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth("other")).send({ cancel: true }).expect(404);
    const otherList = await request(app.url).get("/v1/docker-image-batch-jobs").set("authorization", app.auth("other")).expect(200);
    expect(otherList.body).toEqual({ jobs: [] });
  });

  it("lists the team's jobs in the DockerImageBatchJob shape", async () => {
    const bundle = await createDockerBundle(app, { name: "listed" }, "lister");
    const id = await createJob(app, { docker_image_batch_job_bundle_id: bundle }, "lister");
    await waitForSuccess(app, "lister", id);
    const list = await request(app.url).get("/v1/docker-image-batch-jobs").set("authorization", app.auth("lister")).expect(200);
    const jobs = (list.body as { jobs: Record<string, unknown>[] }).jobs;
    expect(jobs).toHaveLength(1);
    expect(Object.keys(jobs[0] ?? {})).toEqual([
      "id",
      "created_by",
      "owner",
      "created_at",
      "completed_at",
      "status",
      "annotations",
      "override_job_max_runtime_s",
      "num_workers",
    ]);
    expect(jobs[0]).toMatchObject({
      id,
      created_by: "lister",
      owner: "lister",
      status: "SUCCESS",
      annotations: null,
      override_job_max_runtime_s: null,
      num_workers: 1,
    });
    expect(jobs[0]?.completed_at).toMatch(/Z$/);

    const unknownTrigger = await request(app.url).get("/v1/docker-image-batch-jobs?trigger_id=trig_nope").set("authorization", app.auth("lister")).expect(404);
    expect(unknownTrigger.body).toEqual({ detail: "Trigger trig_nope was not found." });
  });

  it("cancel=true deletes (kills) the job; cancel=false answers success false", async () => {
    const bundle = await createDockerBundle(app, { name: "long", command: ["sleep", "30"] });
    const id = await createJob(app, { docker_image_batch_job_bundle_id: bundle });
    expect(await waitForStatus(app, id, ["RUNNING"])).toBe("RUNNING");
    const keep = await request(app.url).put(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).send({ cancel: false }).expect(200);
    expect(keep.body).toEqual({ success: false });
    expect(await jobStatus(app, id)).toBe("RUNNING");
    const cancel = await request(app.url).put(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).send({ cancel: true }).expect(200);
    expect(cancel.body).toEqual({ success: true });
    await request(app.url).get(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).expect(404);
    const list = await request(app.url).get("/v1/docker-image-batch-jobs").set("authorization", app.auth()).expect(200);
    expect((list.body as { jobs: { id: string }[] }).jobs.map((job) => job.id)).not.toContain(id);
    const again = await request(app.url).put(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).send({ cancel: true }).expect(404);
    expect(again.body).toEqual({ detail: "The specified batch job could not be found" });
    // The body is validated before the handler runs, so a missing `cancel` is a 422 even here.
    await request(app.url).put(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth()).send({}).expect(422);
  });
});

/** Waits until the user's job is SUCCESS. */
const waitForSuccess = (testApp: TestApp, user: string, id: string): Promise<true> =>
  waitFor(
    async () =>
      ((await request(testApp.url).get(`/v1/docker-image-batch-jobs/${id}`).set("authorization", testApp.auth(user))).body as { status?: string }).status ===
      "SUCCESS",
    10_000,
    `job ${id} to succeed`,
  );
