import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { hasChromium, openBrowser, type TestBrowser } from "../../helpers/browser.js";
import { row, signIn } from "../../helpers/dashboard-page.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { type Client, appClient, eventually, field, items } from "../../integration/control-fixture.js";

const LABELS = { team: "infra", product: "demo" };

/**
 * Docker-image batch jobs and triggers on the page (README "Docker-image batch jobs, triggers and
 * files"): a job's log followed as it writes, a failed job's reason, a trigger's job named after it.
 * The app's clock is a FakeClock so the trigger fires when the test says.
 */
describe.runIf(hasChromium())("dashboard in a real browser: docker-image batch jobs and triggers", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let clock: FakeClock;
  let me: Client;
  let folder: string;

  const bundle = async (name: string, script: string, env: Record<string, string> = {}): Promise<string> =>
    String(
      field(
        await me.ok("POST", "/v1/docker-image-batch-job-bundles", {
          name,
          image_repository: "repo/job",
          image_tag: "v1",
          command: ["sh", "-c", script],
          env,
          resource_requests: { cpus: "1", memory: "1Gi" },
        }),
        "docker_image_batch_job_bundle_id",
      ),
    );
  const job = async (bundleId: string): Promise<string> =>
    String(field(await me.ok("POST", "/v1/docker-image-batch-jobs", { docker_image_batch_job_bundle_id: bundleId, labels: LABELS }), "job_id"));
  const statusOf = async (jobId: string): Promise<unknown> => field(await me.ok("GET", `/v1/docker-image-batch-jobs/${jobId}`), "status");

  beforeAll(async () => {
    clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
    app = await createTestApp({ clock });
    browser = await openBrowser();
    me = appClient(app, "jobs-user");
    folder = mkdtempSync(join(tmpdir(), "launch-local-dashboard-jobs-"));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("follows a running job's log, shows a failed job's reason and a trigger's job under its name", async () => {
    // The job prints a line, then blocks reading a FIFO until the test writes to it.
    const gate = join(folder, "gate");
    execFileSync("mkfifo", [gate]);
    const gated = await job(await bundle("gated", 'echo first line; read word < "$GATE"; echo "second line: $word"', { GATE: gate }));
    const failing = await job(await bundle("failing", "echo about to fail; exit 3"));
    const tick = await bundle("tick", "echo tick");
    const trigger = String(
      field(
        await me.ok("POST", "/v1/triggers", { name: "every-minute", cron_schedule: "* * * * *", bundle_id: tick, default_job_metadata: LABELS }),
        "trigger_id",
      ),
    );
    await clock.advance(60_000);
    const fired = await eventually(async () => {
      const jobs = items(field(await me.ok("GET", `/v1/docker-image-batch-jobs?trigger_id=${trigger}`), "jobs"));
      return jobs.length === 1 ? String(field(jobs[0], "id")) : null;
    }, "the trigger's job");

    const page = await signIn(browser, app.url, "jobs-user");
    const triggerRow = row(page, "triggers", trigger);
    await triggerRow.waitFor();
    expect(await triggerRow.locator("td").allTextContents()).toEqual([`every-minute${trigger}`, "* * * * *", tick, "no"]);
    await expect.poll(() => row(page, "docker-jobs", fired).locator("td").nth(4).textContent(), { timeout: 10_000 }).toBe("every-minute");
    await expect
      .poll(() => row(page, "docker-jobs", failing).locator(".job-status").textContent(), { timeout: 10_000 })
      .toBe("FAILUREThe job's command exited with code 3.");

    // The running job's log, opened from its row, gets its second line as the job writes it.
    const running = row(page, "docker-jobs", gated);
    await expect.poll(() => running.locator(".job-status").textContent(), { timeout: 10_000 }).toBe("RUNNING");
    await running.getByRole("button", { name: "logs" }).click();
    await expect.poll(() => page.locator("#docker-log-id").textContent(), { timeout: 10_000 }).toBe(gated);
    await expect.poll(() => page.locator("#docker-log").textContent(), { timeout: 10_000 }).toBe("first line");
    await browser.screenshot(page, "dashboard-docker-job-running", { fullPage: true });
    await writeFile(gate, "go\n");
    await expect.poll(() => page.locator("#docker-log").textContent(), { timeout: 10_000 }).toBe("first line\nsecond line: go");
    expect(await statusOf(gated)).toBe("SUCCESS");
    await expect.poll(() => running.locator(".job-status").textContent(), { timeout: 10_000 }).toBe("SUCCESS");

    // Another job's log replaces it; a failed job's ends with why it failed.
    await row(page, "docker-jobs", failing).getByRole("button", { name: "logs" }).click();
    await expect.poll(() => page.locator("#docker-log").textContent(), { timeout: 10_000 }).toBe("about to fail\n— The job's command exited with code 3.");
    await expect.poll(() => page.locator("#docker-log-id").textContent(), { timeout: 10_000 }).toBe(failing);

    // A change through the API shows on the page.
    await me.ok("PUT", `/v1/triggers/${trigger}`, { suspend: true });
    await expect.poll(() => triggerRow.locator("td").nth(3).textContent(), { timeout: 10_000 }).toBe("yes");
    await browser.screenshot(page, "dashboard-docker-jobs", { fullPage: true });
    await row(page, "docker-jobs", failing).getByRole("button", { name: "hide logs" }).click();
    await expect.poll(() => page.locator("#docker-log-box").isVisible(), { timeout: 10_000 }).toBe(false);
    expect(browser.offsiteRequests()).toEqual([]);
    expect(browser.pageErrors().filter((error) => !error.includes("status of 401"))).toEqual([]);
  });
});
