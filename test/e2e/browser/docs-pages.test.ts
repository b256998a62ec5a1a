import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, openBrowser, type TestBrowser } from "../../helpers/browser.js";
import { createTestApp, type TestApp } from "../../helpers/test-app.js";

/**
 * /docs and /v1/model-endpoints-api in a real Chromium with every off-machine request refused: the
 * pages must render from what launch-local serves alone (issue 16 item 3).
 */
describe.runIf(hasChromium())("API docs pages in a real browser, offline", () => {
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

  it("renders /openapi.json at /docs: operations by group, their models, and a working Try it", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/docs`);
    await page.getByRole("heading", { name: "Model endpoints" }).waitFor();
    const create = page.locator("#op-create_model_endpoint_v1_model_endpoints_post");
    await create.locator("summary").click();
    await expect.poll(() => create.locator("table.props").first().textContent()).toContain("min_workers");
    expect(await page.locator("details.op").count()).toBeGreaterThan(80);
    await page.getByRole("heading", { name: "launch-local control API" }).waitFor();

    // Try it: credentials from the page's box, then a real request through the page.
    await page.getByLabel("user name or API key").fill("docs-user");
    await page.getByRole("button", { name: "Use" }).click();
    const list = page.locator("#op-list_model_endpoints_v1_model_endpoints_get");
    await list.locator("summary").click();
    await list.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => list.locator("pre.output").textContent()).toContain('"model_endpoints": []');
    await list.scrollIntoViewIfNeeded();
    await browser.screenshot(page, "docs-try-it");

    // A $ref link opens the model it names.
    await create.locator("a.ref", { hasText: "CallbackAuth" }).first().click();
    await expect.poll(() => page.locator("#schema-CallbackAuth").getAttribute("open")).toBe("");
    await browser.screenshot(page, "docs-model");
    expect(browser.offsiteRequests()).toEqual([]);
    expect(browser.pageErrors()).toEqual([]);
  });

  it("renders the caller's endpoints at /v1/model-endpoints-api with their bundle's schemas", async () => {
    const auth = app.auth("schema-owner");
    const schemaLocation = "s3://launch-local/docs-test/schema.json";
    const schemas = {
      RequestSchema: { title: "DoublerRequest", type: "object", properties: { x: { title: "X", type: "integer" } }, required: ["x"] },
      ResponseSchema: { title: "DoublerResponse", type: "integer" },
    };
    const seeded = await fetch(`${app.url}/_launch_local/blobs?location=${encodeURIComponent(schemaLocation)}`, {
      method: "PUT",
      headers: { authorization: auth },
      body: JSON.stringify(schemas),
    });
    expect(seeded.status).toBe(200);
    const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(`${app.url}${path}`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as Record<string, unknown>;
    };
    const flavor = { flavor: "runnable_image", repository: "echo", tag: "1", command: ["serve"], protocol: "http" };
    const bundle = await post("/v2/model-bundles", { name: "doubler", schema_location: schemaLocation, flavor });
    await post("/v1/model-endpoints", {
      name: "doubler-ep",
      model_bundle_id: bundle.model_bundle_id,
      endpoint_type: "sync",
      metadata: {},
      cpus: 1,
      gpus: 0,
      memory: "1Gi",
      storage: "1Gi",
      min_workers: 0,
      max_workers: 1,
      per_worker: 1,
      labels: { team: "t", product: "p" },
    });

    // The page itself needs credentials, as the real route does; the browser sends them on every request.
    const owner = await openBrowser({ extraHTTPHeaders: { authorization: auth } });
    try {
      const page = await owner.newPage();
      await page.goto(`${app.url}/v1/model-endpoints-api`);
      await page.getByRole("heading", { name: "Launch Endpoints API Reference" }).waitFor();
      await expect.poll(() => page.locator("details.op code.path").first().textContent()).toContain("/v1/sync-tasks?model_endpoint_id=");
      await page.locator("#schema-doubler-ep-RequestSchema summary").click();
      await expect.poll(() => page.locator("#schema-doubler-ep-RequestSchema").textContent()).toContain("x");
      await owner.screenshot(page, "model-endpoints-api");
      expect(owner.offsiteRequests()).toEqual([]);
      expect(owner.pageErrors()).toEqual([]);
    } finally {
      await owner.close();
    }
  });
});
