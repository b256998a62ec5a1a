import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type TestBrowser } from "../../helpers/browser.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { appClient, createArtifactBundle, createEndpoint } from "../../integration/control-fixture.js";

/** The dashboard in a real Chromium, every off-machine request refused (README "Dashboard"). */
describe.runIf(hasChromium())("dashboard in a real browser, offline", () => {
  let app: TestApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    app = await createTestApp();
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("signs in, shows an endpoint scaling from zero, its plots and logs", async () => {
    const me = appClient(app, "dash-user");
    const bundleId = await createArtifactBundle(me, "echo");
    const endpointId = await createEndpoint(me, "dash-sync", bundleId, { endpoint_type: "sync", min_workers: 0, max_workers: 1 });
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.getByLabel("user name or API key").fill("dash-user");
    await page.getByRole("button", { name: "Sign in" }).click();
    const row = page.locator(`#endpoints tr[data-id="${endpointId}"]`);
    await expect.poll(() => row.locator(".endpoint-status").textContent(), { timeout: 15_000 }).toContain("READY");
    expect(await row.locator(".worker-counts").textContent()).toBe("0 / 0 / 0");
    await browser.screenshot(page, "dashboard-cold", { fullPage: true });

    await row.click();
    await page.locator("#plot-workers canvas").waitFor();
    const answer = await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } });
    expect(answer.status).toBe(200);
    await expect.poll(() => row.locator(".worker-counts").textContent(), { timeout: 15_000 }).toBe("1 / 0 / 0");
    await expect.poll(() => page.locator("#log-worker").textContent(), { timeout: 15_000 }).toContain("ready at");
    await browser.screenshot(page, "dashboard-warm", { fullPage: true });
    expect(browser.offsiteRequests()).toEqual([]);
    // Before signing in, the page probes /_launch_local/ui/state and /info without credentials: those 401s are expected.
    expect(browser.pageErrors().filter((error) => !error.includes("status of 401"))).toEqual([]);
  });
});
