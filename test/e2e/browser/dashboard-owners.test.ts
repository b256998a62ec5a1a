import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type TestBrowser } from "../../helpers/browser.js";
import { nextRefresh, row, signIn } from "../../helpers/dashboard-page.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, field, readyWorkers } from "../../integration/control-fixture.js";

interface Owned {
  endpointId: string;
  taskId: string;
  triggerId: string;
  /** Every id and name of theirs that must never show on another user's page. */
  marks: string[];
}

/** What one user owns: an endpoint with a task, a docker-image job bundle with a trigger. */
async function seed(client: Client): Promise<Owned> {
  const endpointName = `${client.user}-echo`;
  const endpointId = await createEndpoint(client, endpointName, await createArtifactBundle(client, `${client.user}-bundle`), { min_workers: 1 });
  await readyWorkers(client, endpointId);
  const taskId = String(field(await client.ok("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { owner: client.user } }), "task_id"));
  const jobBundle = await client.ok("POST", "/v1/docker-image-batch-job-bundles", {
    name: `${client.user}-job`,
    image_repository: "repo/job",
    image_tag: "v1",
    command: ["sh", "-c", "exit 0"],
    resource_requests: { cpus: "1", memory: "1Gi" },
  });
  const bundleId = String(field(jobBundle, "docker_image_batch_job_bundle_id"));
  const triggerName = `${client.user}-nightly`;
  const trigger = await client.ok("POST", "/v1/triggers", {
    name: triggerName,
    cron_schedule: "0 0 * * *",
    bundle_id: bundleId,
    default_job_metadata: { team: "t", product: "p" },
  });
  const triggerId = String(field(trigger, "trigger_id"));
  return { endpointId, taskId, triggerId, marks: [endpointId, endpointName, taskId, triggerId, triggerName, bundleId] };
}

/** The same auth as the API (--api-keys): a user sees only their own objects, and an unknown key nothing. */
describe.runIf(hasChromium())("dashboard in a real browser: each user sees their own objects only", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let alice: Owned;
  let bob: Owned;

  beforeAll(async () => {
    app = await createTestApp({ apiKeys: ["alice", "bob"] });
    browser = await openBrowser();
    alice = await seed(appClient(app, "alice"));
    bob = await seed(appClient(app, "bob"));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("refuses a key that is not accepted, and keeps it for no later read", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.getByLabel("user name or API key").fill("mallory");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#login-error").textContent(), { timeout: 10_000 }).toBe("Those credentials were not accepted.");
    expect(await page.locator("#board").isVisible()).toBe(false);
    // The message stays through the page's next reads (it polls signed out, without the refused key).
    await nextRefresh(page);
    expect(await page.locator("#login-error").textContent()).toBe("Those credentials were not accepted.");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("shows alice hers and none of bob's, even asked for his endpoint by id; after signing out, nothing of hers", async () => {
    const page = await signIn(browser, app.url, "alice", `endpoint=${bob.endpointId}`);
    await row(page, "endpoints", alice.endpointId).waitFor();
    await row(page, "tasks", alice.taskId).waitFor();
    await row(page, "triggers", alice.triggerId).waitFor();
    await nextRefresh(page);
    expect(await page.locator("#detail").isVisible()).toBe(false);
    const html = await page.content();
    for (const mark of bob.marks) expect(html, mark).not.toContain(mark);
    expect(await page.locator("#who").textContent()).toBe("signed in as alice");
    await browser.screenshot(page, "dashboard-owner-alice", { fullPage: true });
    // The control API the page calls answers alice's credentials for bob's endpoint as missing (§0.4).
    expect((await appClient(app, "alice").call("GET", `/_launch_local/endpoints/${bob.endpointId}/faults`)).status).toBe(404);

    // Her own endpoint's detail, then sign out: the page keeps nothing of hers for the next user.
    await row(page, "endpoints", alice.endpointId).click();
    await expect.poll(() => page.locator("#log-worker").textContent(), { timeout: 10_000 }).toContain("ready at");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#login").waitFor();
    const signedOut = await page.content();
    for (const mark of alice.marks) expect(signedOut, mark).not.toContain(mark);

    await page.getByLabel("user name or API key").fill("bob");
    await page.getByRole("button", { name: "Sign in" }).click();
    await row(page, "endpoints", bob.endpointId).waitFor();
    await row(page, "tasks", bob.taskId).waitFor();
    await nextRefresh(page);
    const asBob = await page.content();
    for (const mark of alice.marks) expect(asBob, mark).not.toContain(mark);
    expect(browser.offsiteRequests()).toEqual([]);
    expect(browser.pageErrors().filter((error) => !error.includes("status of 401"))).toEqual([]);
  });
});
