import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, field, readyWorkers } from "./control-fixture.js";

describe("dashboard: the page, its assets and its per-owner JSON", () => {
  let app: TestApp;
  let me: Client;
  let endpointId: string;

  beforeAll(async () => {
    app = await createTestApp();
    me = appClient(app, "me");
    const bundleId = await createArtifactBundle(me, "echo");
    endpointId = await createEndpoint(me, "dash-echo", bundleId, { min_workers: 1 });
    await readyWorkers(me, endpointId);
  });

  afterAll(async () => {
    await app?.close();
  });

  it("serves the page at / and /_launch_local/ui, and its script, style and uPlot from the package", async () => {
    for (const path of ["/", "/_launch_local/ui"]) {
      const page = await fetch(`${app.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain("/_launch_local/static/ui/dashboard.js");
    }
    for (const name of ["dashboard.js", "faults.js", "render.js", "rows.js", "session.js", "plots.js", "dashboard.css", "uPlot.iife.min.js", "uPlot.min.css"]) {
      expect((await fetch(`${app.url}/_launch_local/static/ui/${name}`)).status, name).toBe(200);
    }
    expect((await fetch(`${app.url}/_launch_local/static/ui/..%2Fpackage.json`)).status).toBe(404);
  });

  it("answers the caller's own endpoints, tasks and jobs only, with credentials", async () => {
    expect((await fetch(`${app.url}/_launch_local/ui/state`)).status).toBe(401);
    await me.ok("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } });
    const state = await me.ok("GET", "/_launch_local/ui/state");
    expect(field(state, "owner")).toBe("me");
    expect(field(state, "endpoints", 0)).toMatchObject({ id: endpointId, name: "dash-echo", status: "READY", workers: { ready: 1 } });
    expect(field(state, "tasks", 0, "endpoint_name")).toBe("dash-echo");
    const other = await appClient(app, "other").ok("GET", "/_launch_local/ui/state");
    expect(field(other, "endpoints")).toEqual([]);
    expect(field(other, "tasks")).toEqual([]);
    expect((await appClient(app, "other").call("GET", `/_launch_local/ui/endpoints/${endpointId}/series`)).status).toBe(404);
    const series = await me.ok("GET", `/_launch_local/ui/endpoints/${endpointId}/series`);
    expect(field(series, "endpoint_id")).toBe(endpointId);
  });
});
