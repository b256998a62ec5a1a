import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type TestBrowser } from "../../helpers/browser.js";
import { nextRefresh, row, signIn } from "../../helpers/dashboard-page.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, eventually, field, items, readyWorkers } from "../../integration/control-fixture.js";

/**
 * Fault rules added and cleared from the page (README "Fault rules"), checked through the control
 * API, and the recent async tasks they and the worker shape: results, tracebacks, a FAILURE.
 */
describe.runIf(hasChromium())("dashboard in a real browser: fault rules from the page, recent tasks", () => {
  let app: TestApp;
  let browser: TestBrowser;
  let me: Client;
  let endpointId: string;
  let page: Page;

  const rules = async (): Promise<unknown[]> => items(field(await me.ok("GET", `/_launch_local/endpoints/${endpointId}/faults`), "faults"));
  const faultRow = (index: number) => page.locator("#faults tbody tr").nth(index);
  /** Submits an async task and waits for its outcome through the API. */
  async function finishedTask(args: Record<string, unknown>): Promise<string> {
    const taskId = String(field(await me.ok("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args }), "task_id"));
    await eventually(async () => {
      const status = field(await me.ok("GET", `/v1/async-tasks/${taskId}`), "status");
      return status === "SUCCESS" || status === "FAILURE" ? status : null;
    }, `task ${taskId} to finish`);
    return taskId;
  }

  beforeAll(async () => {
    app = await createTestApp();
    browser = await openBrowser();
    me = appClient(app, "fault-user");
    endpointId = await createEndpoint(me, "dash-faults", await createArtifactBundle(me, "echo"), { min_workers: 1, max_workers: 1 });
    await readyWorkers(me, endpointId);
    page = await signIn(browser, app.url, "fault-user");
    await row(page, "endpoints", endpointId).click();
    await page.locator("#detail").waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("adds a fail rule from the form; the API has it, a task uses it up, and the page shows both", async () => {
    expect(await page.locator("#no-faults").isVisible()).toBe(true);
    await page.getByLabel("kind").selectOption("fail");
    await page.getByLabel("status").fill("500");
    expect(await page.getByLabel("latency (ms)").isVisible()).toBe(false);
    await page.getByRole("button", { name: "Add rule" }).click();

    await expect.poll(() => page.locator("#faults tbody tr").count(), { timeout: 10_000 }).toBe(1);
    expect(await rules()).toMatchObject([{ kind: "fail", status_code: 500, count: 1, remaining: 1, applied: 0, probability: 1 }]);
    expect(await faultRow(0).locator(".detail").textContent()).toBe("HTTP 500");
    expect(await faultRow(0).locator(".remaining").textContent()).toBe("1");
    await expect.poll(() => row(page, "endpoints", endpointId).locator(".fault-count").textContent(), { timeout: 10_000 }).toBe("1");
    await browser.screenshot(page, "dashboard-fault-added", { fullPage: true });

    // The next call to the worker answers the injected 500: an artifact task's SUCCESS holding the traceback (§4.3).
    const faulted = await finishedTask({ x: 1 });
    expect(await rules()).toEqual([]);
    await expect.poll(() => page.locator("#faults tbody tr").count(), { timeout: 10_000 }).toBe(0);
    const outcome = row(page, "tasks", faulted).locator(".outcome");
    await expect.poll(() => outcome.locator("summary").textContent(), { timeout: 10_000 }).toBe("traceback");
    expect(await outcome.locator("pre").textContent()).toBe("Injected fault (launch-local): HTTP 500");
  });

  it("shows a result, a worker's traceback and a FAILURE among the recent tasks", async () => {
    const ok = await finishedTask({ x: 2 });
    const raised = await finishedTask({ fail: "boom" });
    // A worker answering text that is not JSON fails the task (str(exception) as the result): a rule added through the API.
    await me.ok("POST", `/_launch_local/endpoints/${endpointId}/faults`, { kind: "fail", text: "not json at all" });
    await expect.poll(() => page.locator("#faults tbody tr").count(), { timeout: 10_000 }).toBe(1);
    const failed = await finishedTask({ x: 3 });

    await expect.poll(() => row(page, "tasks", failed).locator(".task-status").textContent(), { timeout: 10_000 }).toBe("FAILURE");
    expect(await row(page, "tasks", failed).locator(".outcome summary").textContent()).toBe("error");
    expect(await row(page, "tasks", ok).locator(".task-status").textContent()).toBe("SUCCESS");
    expect(await row(page, "tasks", ok).locator(".outcome pre").textContent()).toBe('{"result":"{\\"x\\": 2}"}');
    const traceback = row(page, "tasks", raised).locator(".outcome");
    expect(await traceback.locator("summary").textContent()).toBe("traceback");
    await traceback.locator("summary").click();
    // The traceback's own lines, not one escaped JSON string; still unfolded after the next refresh rebuilt the rows.
    expect(await traceback.locator("pre").innerText()).toMatch(/^Traceback \(most recent call last\):\n {2}File "predict\.py".*\nValueError: boom\n?$/s);
    await nextRefresh(page);
    expect(await traceback.locator("details").getAttribute("open")).toBe("");
    expect(await page.locator("#tasks tbody tr").first().getAttribute("data-id")).toBe(failed);
    await browser.screenshot(page, "dashboard-tasks", { fullPage: true });
  });

  it("adds latency and crash rules with their own fields, removes one and clears the rest from the page", async () => {
    await page.getByRole("button", { name: "Clear all" }).click();
    await expect.poll(rules, { timeout: 10_000 }).toEqual([]);

    await page.getByLabel("kind").selectOption("latency");
    expect(await page.getByLabel("status").isVisible()).toBe(false);
    await page.getByLabel("latency (ms)").fill("40");
    await page.getByLabel("until cleared").check();
    expect(await page.getByLabel("count").isDisabled()).toBe(true);
    await page.getByLabel("probability").fill("0.5");
    await page.getByRole("button", { name: "Add rule" }).click();
    await expect.poll(rules, { timeout: 10_000 }).toMatchObject([{ kind: "latency", latency_ms: 40, count: null, remaining: null, probability: 0.5 }]);

    await page.getByLabel("until cleared").uncheck();
    await page.getByLabel("kind").selectOption("crash");
    await page.getByLabel("count").fill("3");
    await page.getByLabel("probability").fill("1");
    await page.getByRole("button", { name: "Add rule" }).click();
    await expect.poll(async () => (await rules()).length, { timeout: 10_000 }).toBe(2);
    const [latency, crash] = await rules();
    expect(crash).toMatchObject({ kind: "crash", count: 3, remaining: 3 });

    await expect.poll(() => page.locator("#faults tbody tr").count(), { timeout: 10_000 }).toBe(2);
    const latencyRow = row(page, "faults", String(field(latency, "id")));
    expect(await latencyRow.locator(".detail").textContent()).toBe("+40 ms");
    expect(await latencyRow.locator(".remaining").textContent()).toBe("until cleared");
    expect(
      await row(page, "faults", String(field(crash, "id")))
        .locator(".remaining")
        .textContent(),
    ).toBe("3");
    await expect.poll(() => row(page, "endpoints", endpointId).locator(".fault-count").textContent(), { timeout: 10_000 }).toBe("2");
    await browser.screenshot(page, "dashboard-fault-rules", { fullPage: true });

    await latencyRow.getByRole("button", { name: "remove" }).click();
    await expect.poll(async () => (await rules()).map((rule) => field(rule, "kind")), { timeout: 10_000 }).toEqual(["crash"]);
    await expect.poll(() => page.locator("#faults tbody tr").count(), { timeout: 10_000 }).toBe(1);

    await page.getByRole("button", { name: "Clear all" }).click();
    await expect.poll(rules, { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => page.locator("#no-faults").isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => row(page, "endpoints", endpointId).locator(".fault-count").textContent(), { timeout: 10_000 }).toBe("0");
    expect(await page.locator("#fault-error").textContent()).toBe("");
    expect(browser.offsiteRequests()).toEqual([]);
    expect(browser.pageErrors().filter((error) => !error.includes("status of 401"))).toEqual([]);
  });
});
