import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type TestBrowser } from "../../helpers/browser.js";
import { followsEnd, row, signIn } from "../../helpers/dashboard-page.js";
import { createFakeRuntime } from "../../helpers/fake-runtime.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { appClient, createArtifactBundle, createEndpoint, field, items } from "../../integration/control-fixture.js";

const BUILD_STEPS = 80;

/** The dashboard in a real Chromium, every off-machine request refused (README "Dashboard"). */
describe.runIf(hasChromium())("dashboard in a real browser, offline: endpoints, plots, logs", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let releaseBuild: () => void = () => undefined;
  const buildReleased = new Promise<void>((resolve) => (releaseBuild = resolve));

  beforeAll(async () => {
    // The bundle named "slow-build" logs half its build, then waits for the test before the rest.
    const runtime = createFakeRuntime({
      async prepare(bundle, _gpus, log) {
        if (bundle.name !== "slow-build") return;
        for (let step = 1; step <= BUILD_STEPS / 2; step++) log(`build step ${step} of ${BUILD_STEPS}`);
        await buildReleased;
        for (let step = BUILD_STEPS / 2 + 1; step <= BUILD_STEPS; step++) log(`build step ${step} of ${BUILD_STEPS}`);
      },
    });
    app = await createTestApp({ fakeRuntime: runtime });
    browser = await openBrowser();
  });

  afterAll(async () => {
    releaseBuild();
    await browser?.close();
    await app?.close();
  });

  it("signs in, shows an endpoint scaling from zero, its plots and logs", async () => {
    const me = appClient(app, "dash-user");
    const bundleId = await createArtifactBundle(me, "echo");
    const endpointId = await createEndpoint(me, "dash-sync", bundleId, { endpoint_type: "sync", min_workers: 0, max_workers: 1 });
    const page = await signIn(browser, app.url, "dash-user");
    const endpoint = row(page, "endpoints", endpointId);
    await expect.poll(() => endpoint.locator(".endpoint-status").textContent(), { timeout: 15_000 }).toContain("READY");
    expect(await endpoint.locator(".worker-counts").textContent()).toBe("0 / 0 / 0");
    await browser.screenshot(page, "dashboard-cold", { fullPage: true });

    await endpoint.click();
    await page.locator("#plot-workers canvas").waitFor();
    expect(await page.locator("#no-workers").isVisible()).toBe(true);
    const answer = await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } });
    expect(answer.status).toBe(200);
    await expect.poll(() => endpoint.locator(".worker-counts").textContent(), { timeout: 15_000 }).toBe("1 / 0 / 0");
    await expect.poll(() => page.locator("#log-worker").textContent(), { timeout: 15_000 }).toContain("ready at");
    await browser.screenshot(page, "dashboard-warm", { fullPage: true });
    expect(browser.offsiteRequests()).toEqual([]);
    // Before signing in, the page probes /_launch_local/ui/state and /info without credentials: those 401s are expected.
    expect(browser.pageErrors().filter((error) => !error.includes("status of 401"))).toEqual([]);
  });

  it("follows a build's log as it is written, and a replaced worker's log after a kill from the page", async () => {
    const me = appClient(app, "build-user");
    const bundleId = await createArtifactBundle(me, "slow-build");
    const endpointId = await createEndpoint(me, "dash-build", bundleId, { min_workers: 1, max_workers: 1 });
    const page = await signIn(browser, app.url, "build-user", `endpoint=${endpointId}`);
    const buildLog = page.locator("#log-build");

    // Half the build is written: the page shows it while the endpoint is still building, scrolled to its end.
    await expect.poll(() => buildLog.textContent(), { timeout: 15_000 }).toContain(`build step ${BUILD_STEPS / 2} of ${BUILD_STEPS}`);
    expect(await page.locator("#detail-status").textContent()).not.toContain("READY");
    expect(await followsEnd(buildLog)).toEqual({ overflows: true, atEnd: true });
    await browser.screenshot(page, "dashboard-build-following");

    releaseBuild();
    await expect.poll(() => buildLog.textContent(), { timeout: 15_000 }).toContain(`build step ${BUILD_STEPS} of ${BUILD_STEPS}`);
    expect(await followsEnd(buildLog)).toEqual({ overflows: true, atEnd: true });
    await expect.poll(() => page.locator("#detail-status").textContent(), { timeout: 15_000 }).toContain("READY");

    // Kill the worker from its row: the autoscaler replaces it, and the page shows the new one and its log.
    const workers = await me.ok("GET", `/_launch_local/endpoints/${endpointId}/workers`);
    const first = String(field(workers, "workers", 0, "id"));
    await expect.poll(() => row(page, "workers", first).locator(".worker-state").textContent(), { timeout: 15_000 }).toBe("ready");
    await row(page, "workers", first).getByRole("button", { name: "kill" }).click();
    const replaced = async (): Promise<string | null> => {
      const listed = items(field(await me.ok("GET", `/_launch_local/endpoints/${endpointId}/workers`), "workers"));
      const ready = listed.find((worker) => field(worker, "id") !== first && field(worker, "state") === "ready");
      return ready === undefined ? null : String(field(ready, "id"));
    };
    await expect.poll(replaced, { timeout: 15_000 }).not.toBeNull();
    const second = String(await replaced());
    await expect.poll(() => row(page, "workers", second).locator(".worker-state").textContent(), { timeout: 15_000 }).toBe("ready");
    expect(await row(page, "workers", first).count()).toBe(0);
    await expect.poll(() => page.locator("#log-worker").textContent(), { timeout: 15_000 }).toContain(`[${second}] ready at`);
    expect(await page.locator("#worker-error").textContent()).toBe("");
    await browser.screenshot(page, "dashboard-worker-replaced", { fullPage: true });
    expect(browser.pageErrors().filter((error) => !error.includes("status of 401"))).toEqual([]);
  });
});
