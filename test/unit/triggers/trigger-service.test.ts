import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { triggerJobRequest } from "../../../src/domain/triggers/trigger-service.js";
import { type DockerBatchHarness, LABELS, OTHER, USER, dockerBatchHarness, makeDockerBundle, outcome } from "../docker-batch/fixtures.js";

let h: DockerBatchHarness;

beforeEach(() => {
  h = dockerBatchHarness();
  h.bundles.insert(makeDockerBundle());
});

afterEach(() => h.db.close());

const input = (overrides: Record<string, unknown> = {}) => ({
  name: "nightly",
  cron_schedule: "0 0 * * *",
  bundle_id: "batbun_1",
  default_job_config: null,
  default_job_metadata: LABELS,
  ...overrides,
});

describe("TriggerService.create (§2.6)", () => {
  it("checks bundle → image → bundle resources → metadata → labels → cron → name, in that order", async () => {
    const create = (user = USER, overrides: Record<string, unknown> = {}) => outcome(() => h.triggerService.create(user, input(overrides)));
    const allWrong = { cron_schedule: "nope", default_job_metadata: null };
    expect(await create(OTHER, allWrong)).toBe("NOT_FOUND: The specified batch job bundle could not be found");
    h.missingImages.add("repo/job:v1");
    expect(await create(USER, allWrong)).toBe("NOT_FOUND: The specified docker image repo/job:v1 was not found");
    h.missingImages.clear();
    h.bundles.insert(makeDockerBundle({ id: "batbun_cpu", cpus: null }));
    expect(await create(USER, { ...allWrong, bundle_id: "batbun_cpu" })).toBe(
      "BAD_REQUEST: The user specified an invalid value: Bundle must specify value for cpus and memory",
    );
    h.bundles.insert(makeDockerBundle({ id: "batbun_gpu", gpuType: "nvidia-tesla-t4" }));
    expect(await create(USER, { ...allWrong, bundle_id: "batbun_gpu" })).toBe(
      "BAD_REQUEST: Default trigger resource request is invalid: Cannot have gpus=None when gpu_type is not None",
    );
    expect(await create(USER, allWrong)).toBe("BAD_REQUEST: Missing labels in default_job_metadata. These are all required: {'team', 'product'}");
    expect(await create(USER, { cron_schedule: "nope", default_job_metadata: { team: "t", product: "p", user_id: "x" } })).toBe(
      "BAD_REQUEST: Cannot specify 'user_id' in labels",
    );
    expect(await create(USER, { cron_schedule: "nope" })).toContain("The user specified an invalid value for cron_schedule: Invalid Cron syntax");
    expect(h.scheduled).toHaveLength(0);
    expect(await create()).toBe("ok");
    expect(await create(USER, { cron_schedule: "@daily" })).toBe("BAD_REQUEST: Trigger with name nightly already exists for me");
    expect(await create(OTHER, { bundle_id: "batbun_other" })).toContain("NOT_FOUND");
    expect(h.scheduled).toHaveLength(1);
  });

  it("stores the metadata as sent and builds the job request the CronJob would send", async () => {
    const trigger = await h.triggerService.create(USER, input({ default_job_config: { a: [1] } }));
    expect(trigger.defaultJobMetadata).toEqual(LABELS);
    expect(triggerJobRequest(trigger)).toMatchObject({
      docker_image_batch_job_bundle_id: "batbun_1",
      job_config: { a: [1] },
      labels: { ...LABELS, trigger_id: trigger.id },
    });
    expect(triggerJobRequest({ ...trigger, defaultJobConfig: null }).job_config).toEqual({});
  });
});

describe("TriggerService update and delete (§2.6)", () => {
  it("validates a new schedule, keeps suspend, and reschedules", async () => {
    const trigger = await h.triggerService.create(USER, input());
    expect(await outcome(() => h.triggerService.update(USER, trigger.id, { cron_schedule: "@often", suspend: null }))).toContain(
      "Unsupported macro supplied: '@often'",
    );
    expect(h.triggerService.update(USER, trigger.id, { cron_schedule: null, suspend: true })).toBe(true);
    expect(h.triggers.get(trigger.id)).toMatchObject({ cronSchedule: "0 0 * * *", isSuspended: true });
    expect(h.triggerService.update(USER, trigger.id, { cron_schedule: "@hourly", suspend: null })).toBe(true);
    expect(h.triggers.get(trigger.id)).toMatchObject({ cronSchedule: "@hourly", isSuspended: true });
    expect(h.scheduled.map((t) => t.cronSchedule)).toEqual(["0 0 * * *", "0 0 * * *", "@hourly"]);
    expect(await outcome(() => h.triggerService.update(OTHER, trigger.id, { cron_schedule: null, suspend: null }))).toBe(
      `NOT_FOUND: Trigger ${trigger.id} was not found.`,
    );
  });

  it("deletes and unschedules", async () => {
    const trigger = await h.triggerService.create(USER, input());
    expect(await outcome(() => h.triggerService.delete(OTHER, trigger.id))).toBe(`NOT_FOUND: Trigger ${trigger.id} was not found.`);
    expect(h.triggerService.delete(USER, trigger.id)).toBe(true);
    expect(h.unscheduled).toEqual([trigger.id]);
    expect(h.triggerService.list(USER)).toEqual([]);
  });
});
