import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type TestBrowser } from "../../helpers/browser.js";
import { row, signIn } from "../../helpers/dashboard-page.js";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { LABELS, argsCsv } from "../../integration/batch-jobs-app.js";
import { appClient, createArtifactBundle, field } from "../../integration/control-fixture.js";

const ROWS = [{ x: 1 }, { x: 2 }, { x: 3 }, { hold: 1 }, { hold: 2 }];
const HELD = ROWS.filter((args) => "hold" in args).length;

/** A v1 batch job on the page (README "Batch jobs (v1)"): its progress bar from the first rows to SUCCESS. */
describe.runIf(hasChromium())("dashboard in a real browser: a batch job's progress", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let releaseRows: () => void = () => undefined;
  const rowsReleased = new Promise<void>((resolve) => (releaseRows = resolve));

  beforeAll(async () => {
    // Rows whose args hold `hold` are answered only once the test releases them.
    const runtime = createFakeRuntime({
      async handler(request) {
        if (field(request.json, "args", "hold") !== undefined) await rowsReleased;
        return undefined;
      },
    });
    app = await createTestApp({ fakeRuntime: runtime });
    browser = await openBrowser();
  });

  afterAll(async () => {
    releaseRows();
    await browser?.close();
    await app?.close();
  });

  it("shows the rows done of the rows read as the job runs, then SUCCESS with its result file", async () => {
    const me = appClient(app, "batch-user");
    const bundleId = await createArtifactBundle(me, "echo");
    const input = "s3://seeded/batch-user/rows.csv";
    await me.ok("PUT", `/_launch_local/blobs?location=${encodeURIComponent(input)}`, new TextEncoder().encode(argsCsv(ROWS)));
    const created = await me.ok("POST", "/v1/batch-jobs", {
      model_bundle_id: bundleId,
      input_path: input,
      serialization_format: "JSON",
      labels: LABELS,
      resource_requests: { gpus: 0 },
    });
    const jobId = String(field(created, "job_id"));
    const page = await signIn(browser, app.url, "batch-user");
    const job = row(page, "batch-jobs", jobId);

    // The rows not held are done; the held ones are pending: the bar stands at 3 of 5.
    const done = ROWS.length - HELD;
    await expect.poll(() => job.locator(".rows").textContent(), { timeout: 15_000 }).toBe(`${done} / ${ROWS.length} rows`);
    expect(await job.locator(".job-status").textContent()).toBe("RUNNING");
    expect(await job.locator("progress").evaluate((bar: HTMLProgressElement) => [bar.value, bar.max])).toEqual([done, ROWS.length]);
    expect(await me.ok("GET", `/v1/batch-jobs/${jobId}`)).toMatchObject({ status: "RUNNING", num_tasks_completed: done, num_tasks_pending: HELD });
    // Its temporary endpoint is the caller's, listed with the rest.
    const endpoints = page.locator("#endpoints tbody tr");
    expect(await endpoints.count()).toBe(1);
    expect(await endpoints.first().textContent()).toContain(`batch-task-${jobId}`.replace(/_/g, "-"));
    await browser.screenshot(page, "dashboard-batch-running", { fullPage: true });

    releaseRows();
    await expect.poll(() => job.locator(".job-status").textContent(), { timeout: 15_000 }).toBe("SUCCESS");
    expect(await job.locator(".rows").textContent()).toBe(`${ROWS.length} / ${ROWS.length} rows`);
    expect(await job.locator("progress").evaluate((bar: HTMLProgressElement) => [bar.value, bar.max])).toEqual([ROWS.length, ROWS.length]);
    const result = `s3://launch-local/launch/batch-jobs/${jobId}/result.json`;
    expect(await job.locator(".job-result").textContent()).toBe(result);
    expect(await me.ok("GET", `/v1/batch-jobs/${jobId}`)).toMatchObject({ status: "SUCCESS", result, num_tasks_completed: ROWS.length, num_tasks_pending: 0 });
    // The rows were async tasks of the caller's: listed among the recent tasks with their results.
    await expect.poll(() => page.locator("#tasks tbody tr .task-status").allTextContents(), { timeout: 15_000 }).toEqual(ROWS.map(() => "SUCCESS"));
    await browser.screenshot(page, "dashboard-batch-done", { fullPage: true });
    expect(browser.offsiteRequests()).toEqual([]);
    expect(browser.pageErrors().filter((error) => !error.includes("status of 401"))).toEqual([]);
  });
});
