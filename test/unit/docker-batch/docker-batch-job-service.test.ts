import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type DockerBatchHarness, OTHER, USER, dockerBatchHarness, jobInput, makeDockerBundle, outcome } from "./fixtures.js";

let h: DockerBatchHarness;

beforeEach(() => {
  h = dockerBatchHarness();
  h.bundles.insert(makeDockerBundle());
});

afterEach(() => h.db.close());

describe("DockerBatchJobService.create (§2.5)", () => {
  it("checks bundle → image → resources → labels → max runtime, in that order", async () => {
    const everythingWrong = jobInput({
      labels: { team: "x" },
      override_job_max_runtime_s: 0,
      resource_requests: { cpus: 99, memory: null, gpus: null, gpu_type: null, storage: null, nodes_per_worker: null },
    });
    expect(await outcome(() => h.jobService.create(OTHER, everythingWrong))).toBe("NOT_FOUND: The specified batch job bundle could not be found");
    h.missingImages.add("repo/job:v1");
    expect(await outcome(() => h.jobService.create(USER, everythingWrong))).toBe("NOT_FOUND: The specified docker image repo/job:v1 was not found");
    h.missingImages.clear();
    expect(await outcome(() => h.jobService.create(USER, everythingWrong))).toContain(
      "Final endpoint resources requested is invalid: Requested cpus=99 too high",
    );
    const labelsAndRuntime = jobInput({ labels: { team: "x" }, override_job_max_runtime_s: 0 });
    expect(await outcome(() => h.jobService.create(USER, labelsAndRuntime))).toBe(
      "BAD_REQUEST: Missing label 'product' in labels. These are all required: {'team', 'product'}",
    );
    expect(await outcome(() => h.jobService.create(USER, jobInput({ override_job_max_runtime_s: 0 })))).toContain("override_job_max_runtime_s");
    expect(h.submitted).toHaveLength(0);
  });

  it("finds a bundle by name as the team's latest version", async () => {
    await h.clock.advance(1000);
    h.bundles.insert(makeDockerBundle({ id: "batbun_2", createdAt: h.clock.now(), command: ["echo", "v2"] }));
    const job = await h.jobService.create(USER, jobInput({ docker_image_batch_job_bundle_id: null, docker_image_batch_job_bundle_name: "job-bundle" }));
    expect(job.bundleId).toBe("batbun_2");
    expect(
      await outcome(() => h.jobService.create(OTHER, jobInput({ docker_image_batch_job_bundle_id: null, docker_image_batch_job_bundle_name: "job-bundle" }))),
    ).toBe("NOT_FOUND: The specified batch job bundle could not be found");
  });

  it("commits a PENDING job with a frozen spec, then submits it", async () => {
    const job = await h.jobService.create(USER, jobInput({ job_config: { a: 1 }, labels: { ...{ team: "t", product: "p" }, trigger_id: "trig_x" } }));
    expect(job.id).toMatch(/^ft-[0-9a-v]{20}$/);
    expect(job).toMatchObject({ status: "PENDING", owner: "me", createdBy: "me", triggerId: "trig_x", jobConfig: { a: 1 } });
    expect(job.spec).toEqual({
      imageRepository: "repo/job",
      imageTag: "v1",
      command: ["sh", "-c", "exit 0"],
      env: { A: "1" },
      mountLocation: "/restricted_launch/batch_payload.json",
      resources: { cpus: "1", memory: "1Gi", storage: null, gpus: null, gpuType: null },
    });
    expect(h.jobs.get(job.id)).toEqual(job);
    expect(h.submitted.map((submitted) => submitted.id)).toEqual([job.id]);
  });
});

describe("DockerBatchJobService reads and cancel (§2.5, §3.3)", () => {
  it("404s malformed, foreign and expired ids alike", async () => {
    const job = await h.jobService.create(USER, jobInput());
    const notFound = "NOT_FOUND: The specified batch job could not be found";
    expect(h.jobService.status(USER, job.id)).toBe("PENDING");
    expect(await outcome(() => h.jobService.status(OTHER, job.id))).toBe(notFound);
    expect(await outcome(() => h.jobService.status(USER, job.id.toUpperCase()))).toBe(notFound);
    h.jobs.markRunning(job.id, h.clock.now(), null);
    h.jobs.finish(job.id, "SUCCESS", h.clock.now(), null);
    await h.clock.advance(3 * 86_400_000 - 1);
    expect(h.jobService.status(USER, job.id)).toBe("SUCCESS");
    await h.clock.advance(1);
    expect(await outcome(() => h.jobService.status(USER, job.id))).toBe(notFound);
    expect(h.jobService.list(USER, null)).toEqual([]);
  });

  it("cancel deletes the row and stops the job; cancel=false changes nothing", async () => {
    const job = await h.jobService.create(USER, jobInput());
    expect(await h.jobService.update(USER, job.id, false)).toBe(false);
    expect(h.jobs.get(job.id)).not.toBeNull();
    expect(await h.jobService.update(USER, job.id, true)).toBe(true);
    expect(h.jobs.get(job.id)).toBeNull();
    expect(h.cancelled).toEqual([job.id]);
  });

  it("lists by trigger only for the trigger's owner", async () => {
    h.triggers.insert({
      id: "trig_x",
      name: "t",
      owner: "me",
      createdBy: "me",
      createdAt: 0,
      cronSchedule: "@daily",
      bundleId: "batbun_1",
      defaultJobConfig: null,
      defaultJobMetadata: null,
      isSuspended: false,
    });
    const spawned = await h.jobService.create(USER, jobInput({ labels: { team: "t", product: "p", trigger_id: "trig_x" } }));
    await h.jobService.create(USER, jobInput());
    expect(h.jobService.list(USER, "trig_x").map((job) => job.id)).toEqual([spawned.id]);
    expect(h.jobService.list(USER, null)).toHaveLength(2);
    expect(h.jobService.list(USER, "")).toHaveLength(2);
    expect(await outcome(() => h.jobService.list(OTHER, "trig_x"))).toBe("NOT_FOUND: Trigger trig_x was not found.");
  });
});
