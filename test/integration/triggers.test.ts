import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/domain/clock.js";
import { waitFor } from "../helpers/cli-process.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { LABELS, createDockerBundle } from "./docker-image-batch-jobs-app.js";

const MINUTE = 60_000;
const apps: TestApp[] = [];

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(options: Parameters<typeof createTestApp>[0] = {}): Promise<{ app: TestApp; clock: FakeClock }> {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
  const app = await createTestApp({ ...options, clock });
  apps.push(app);
  return { app, clock };
}

const createTrigger = (app: TestApp, body: Record<string, unknown>, user = "me") =>
  request(app.url).post("/v1/triggers").set("authorization", app.auth(user)).send(body);

async function triggerJobs(app: TestApp, triggerId: string, user = "me"): Promise<Record<string, unknown>[]> {
  const response = await request(app.url).get(`/v1/docker-image-batch-jobs?trigger_id=${triggerId}`).set("authorization", app.auth(user)).expect(200);
  return (response.body as { jobs: Record<string, unknown>[] }).jobs;
}

const waitForJobCount = (app: TestApp, triggerId: string, count: number, user = "me") =>
  waitFor(async () => ((await triggerJobs(app, triggerId, user)).length === count ? true : null), 10_000, `${count} job(s) of ${triggerId}`);

/**
 * Moves the clock `ms` on with a witness: another team's trigger that fires once, at the end of
 * the window. Firings run in time order, so once the witness's job is there, any firing of the
 * trigger under test within the window has made its job too — the deterministic way to see that
 * nothing fired (no timed wait).
 */
async function advanceWithWitness(app: TestApp, clock: FakeClock, ms: number): Promise<void> {
  const end = new Date(clock.now() + ms);
  const bundle = await createDockerBundle(app, { name: `witness-${end.getTime()}` }, "witness");
  const cron = `${end.getUTCMinutes()} ${end.getUTCHours()} ${end.getUTCDate()} ${end.getUTCMonth() + 1} *`;
  const created = await createTrigger(
    app,
    { name: `witness-${end.getTime()}`, cron_schedule: cron, bundle_id: bundle, default_job_metadata: LABELS },
    "witness",
  ).expect(200);
  const witness = (created.body as { trigger_id: string }).trigger_id;
  await clock.advance(ms);
  await waitForJobCount(app, witness, 1, "witness");
  await request(app.url).delete(`/v1/triggers/${witness}`).set("authorization", app.auth("witness")).expect(200);
}

describe("POST /v1/triggers (§2.6)", () => {
  it("checks in the real order with the real messages", async () => {
    const { app } = await start();
    const bundle = await createDockerBundle(app, { name: "trigger-bundle" });
    const body = { name: "nightly", cron_schedule: "0 0 * * *", bundle_id: bundle, default_job_metadata: LABELS };
    const detail = async (overrides: Record<string, unknown>, status: number, user = "me") =>
      ((await createTrigger(app, { ...body, ...overrides }, user).expect(status)).body as { detail: unknown }).detail;

    expect(await detail({ bundle_id: "batbun_missing", cron_schedule: "bad" }, 404)).toBe("The specified batch job bundle could not be found");
    expect(await detail({}, 404, "other")).toBe("The specified batch job bundle could not be found");
    const bare = await createDockerBundle(app, { name: "bare", resource_requests: { cpus: "1" } });
    expect(await detail({ bundle_id: bare, default_job_metadata: null }, 400)).toBe(
      "The user specified an invalid value: Bundle must specify value for cpus and memory",
    );
    const huge = await createDockerBundle(app, { name: "huge", resource_requests: { cpus: "100", memory: "1Gi" } });
    expect(await detail({ bundle_id: huge, default_job_metadata: null }, 400)).toBe(
      "Default trigger resource request is invalid: Requested cpus=100.0 too high. The maximum for gpu_type=None is 7",
    );
    expect(await detail({ default_job_metadata: null, cron_schedule: "bad" }, 400)).toBe(
      "Missing labels in default_job_metadata. These are all required: {'team', 'product'}",
    );
    expect(await detail({ default_job_metadata: { team: "infra" }, cron_schedule: "bad" }, 400)).toBe(
      "Missing label 'product' in labels. These are all required: {'team', 'product'}",
    );
    expect(await detail({ cron_schedule: "61 * * * *" }, 400)).toBe(
      "The user specified an invalid value for cron_schedule: Invalid Cron syntax: '61 * * * *'. Please see https://crontab.guru.",
    );
    expect(await detail({ cron_schedule: "@reboot" }, 400)).toBe(
      "The user specified an invalid value for cron_schedule: Unsupported macro supplied: '@reboot'. Please select from the following list, {'@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'}.",
    );
    expect(await detail({ cron_schedule: "" }, 400)).toBe("The user specified an invalid value for cron_schedule: Cron expression cannot be empty.");

    const created = await createTrigger(app, body).expect(200);
    expect((created.body as { trigger_id: string }).trigger_id).toMatch(/^trig_[0-9a-v]{20}$/);
    expect(await detail({ cron_schedule: "@daily" }, 400)).toBe("Trigger with name nightly already exists for me");
    const missingField = await createTrigger(app, { name: "x", bundle_id: bundle }).expect(422);
    expect((missingField.body as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(["body", "cron_schedule"]);
  });

  it("lists, gets, updates and deletes, each 404 for another team", async () => {
    const { app } = await start();
    const bundle = await createDockerBundle(app);
    const created = await createTrigger(app, {
      name: "t1",
      cron_schedule: "@hourly",
      bundle_id: bundle,
      default_job_config: { a: 1 },
      default_job_metadata: LABELS,
    }).expect(200);
    const id = (created.body as { trigger_id: string }).trigger_id;

    const got = await request(app.url).get(`/v1/triggers/${id}`).set("authorization", app.auth()).expect(200);
    expect(Object.keys(got.body as object)).toEqual([
      "id",
      "name",
      "owner",
      "created_by",
      "created_at",
      "cron_schedule",
      "docker_image_batch_job_bundle_id",
      "default_job_config",
      "default_job_metadata",
    ]);
    // The trigger_id label is added to each job, never stored (§2.6).
    expect(got.body).toMatchObject({
      id,
      name: "t1",
      owner: "me",
      created_by: "me",
      cron_schedule: "@hourly",
      docker_image_batch_job_bundle_id: bundle,
      default_job_config: { a: 1 },
      default_job_metadata: LABELS,
    });
    const list = await request(app.url).get("/v1/triggers").set("authorization", app.auth()).expect(200);
    expect((list.body as { triggers: { id: string }[] }).triggers.map((t) => t.id)).toEqual([id]);
    expect((await request(app.url).get("/v1/triggers").set("authorization", app.auth("other")).expect(200)).body).toEqual({ triggers: [] });

    const notFound = { detail: `Trigger ${id} was not found.` };
    expect((await request(app.url).get(`/v1/triggers/${id}`).set("authorization", app.auth("other")).expect(404)).body).toEqual(notFound);
    expect((await request(app.url).put(`/v1/triggers/${id}`).set("authorization", app.auth("other")).send({ suspend: true }).expect(404)).body).toEqual(
      notFound,
    );
    expect((await request(app.url).delete(`/v1/triggers/${id}`).set("authorization", app.auth("other")).expect(404)).body).toEqual(notFound);
    expect((await request(app.url).get(`/v1/docker-image-batch-jobs?trigger_id=${id}`).set("authorization", app.auth("other")).expect(404)).body).toEqual(
      notFound,
    );

    const badCron = await request(app.url).put(`/v1/triggers/${id}`).set("authorization", app.auth()).send({ cron_schedule: "* * *" }).expect(400);
    expect(badCron.body).toEqual({
      detail: "The user specified an invalid value for cron_schedule: Invalid Cron syntax: '* * *'. Please see https://crontab.guru.",
    });
    expect(
      (await request(app.url).put(`/v1/triggers/${id}`).set("authorization", app.auth()).send({ cron_schedule: "*/5 * * * *", suspend: false }).expect(200))
        .body,
    ).toEqual({ success: true });
    const updated = await request(app.url).get(`/v1/triggers/${id}`).set("authorization", app.auth()).expect(200);
    expect((updated.body as { cron_schedule: string }).cron_schedule).toBe("*/5 * * * *");
    expect(Object.keys(updated.body as object)).not.toContain("suspend");

    expect((await request(app.url).delete(`/v1/triggers/${id}`).set("authorization", app.auth()).expect(200)).body).toEqual({ success: true });
    await request(app.url).get(`/v1/triggers/${id}`).set("authorization", app.auth()).expect(404);
  });
});

describe("triggers firing on the injected clock (§2.6)", () => {
  it("creates one job per firing with default_job_config and labels + trigger_id; suspend, update and delete take effect", async () => {
    const { app, clock } = await start();
    const bundle = await createDockerBundle(app, { command: ["sh", "-c", 'cat "$LAUNCH_JOB_CONFIG_PATH"'] });
    const created = await createTrigger(app, {
      name: "every-minute",
      cron_schedule: "* * * * *",
      bundle_id: bundle,
      default_job_config: { run: "nightly", n: 2 },
      default_job_metadata: LABELS,
    }).expect(200);
    const id = (created.body as { trigger_id: string }).trigger_id;

    await clock.advance(59_000);
    expect(await triggerJobs(app, id)).toHaveLength(0);
    await clock.advance(1_000);
    await waitForJobCount(app, id, 1);
    const [job] = await triggerJobs(app, id);
    expect(job).toMatchObject({ created_by: "me", owner: "me", created_at: "2026-01-01T00:01:00.000000Z" });
    const logs = await waitFor(
      async () => {
        const body = (
          await request(app.url)
            .get(`/_launch_local/docker-image-batch-jobs/${String(job?.id)}/logs`)
            .set("authorization", app.auth())
        ).body as { status: string; lines: string[] };
        return body.status === "SUCCESS" ? body : null;
      },
      10_000,
      "the trigger's job to finish",
    );
    expect(logs.lines).toEqual(['{"run": "nightly", "n": 2}']);

    await clock.advance(2 * MINUTE);
    await waitForJobCount(app, id, 3);

    await request(app.url).put(`/v1/triggers/${id}`).set("authorization", app.auth()).send({ suspend: true }).expect(200);
    await advanceWithWitness(app, clock, 3 * MINUTE);
    expect(await triggerJobs(app, id)).toHaveLength(3);

    // Resumed on a new schedule: the next firing is the top of the hour (01:00).
    await request(app.url).put(`/v1/triggers/${id}`).set("authorization", app.auth()).send({ suspend: false, cron_schedule: "@hourly" }).expect(200);
    await advanceWithWitness(app, clock, 30 * MINUTE);
    expect(await triggerJobs(app, id)).toHaveLength(3);
    await clock.advance(30 * MINUTE);
    await waitForJobCount(app, id, 4);

    await request(app.url).delete(`/v1/triggers/${id}`).set("authorization", app.auth()).expect(200);
    await advanceWithWitness(app, clock, 120 * MINUTE);
    // The trigger is gone, so its job list is a 404 now; the jobs themselves remain.
    await request(app.url).get(`/v1/docker-image-batch-jobs?trigger_id=${id}`).set("authorization", app.auth()).expect(404);
    const all = await request(app.url).get("/v1/docker-image-batch-jobs").set("authorization", app.auth()).expect(200);
    expect((all.body as { jobs: unknown[] }).jobs).toHaveLength(4);
  });

  it("keeps schedules across a restart, computed from the stored cron (no catch-up)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "launch-local-triggers-"));
    try {
      const first = await start({ ephemeral: false, dataDir });
      const bundle = await createDockerBundle(first.app);
      const created = await createTrigger(first.app, { name: "kept", cron_schedule: "30 * * * *", bundle_id: bundle, default_job_metadata: LABELS }).expect(
        200,
      );
      const id = (created.body as { trigger_id: string }).trigger_id;
      await first.app.close();
      apps.splice(apps.indexOf(first.app), 1);

      // Restarted two hours later: the missed 00:30 and 01:30 firings are not made up.
      const second = await start({ ephemeral: false, dataDir, clock: new FakeClock(Date.UTC(2026, 0, 1, 2, 0, 0)) });
      // A catch-up would fire at once; a minute on (the witness) it has not.
      await advanceWithWitness(second.app, second.clock, MINUTE);
      expect(await triggerJobs(second.app, id)).toHaveLength(0);
      await second.clock.advance(30 * MINUTE);
      await waitForJobCount(second.app, id, 1);
    } finally {
      // Closed before the folder goes: a job still finishing would write into it again.
      await Promise.all(apps.splice(0).map((app) => app.close()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
