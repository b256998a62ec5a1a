import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, eventually, field, readyWorkers } from "./control-fixture.js";

/** The value of the sample `name{…labels…}`, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("GET /metrics", () => {
  let app: TestApp;
  let me: Client;
  let endpointId: string;

  beforeAll(async () => {
    app = await createTestApp();
    me = appClient(app, "me");
    const bundleId = await createArtifactBundle(me, "echo");
    endpointId = await createEndpoint(me, "metrics-echo", bundleId, { endpoint_type: "sync", min_workers: 1 });
    await readyWorkers(me, endpointId);
  });

  afterAll(async () => {
    await app?.close();
  });

  const scrape = async (): Promise<string> => {
    const reply = await me.call("GET", "/metrics");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return reply.text;
  };

  it("needs credentials, as the API does", async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
  });

  it("counts sync tasks through both front doors, with their latency, and the workers and builds", async () => {
    // The fast lane takes this plain request; the one with a query the lane does not know goes to hono.
    const lane = await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } });
    expect(field(lane.json, "status")).toBe("SUCCESS");
    const hono = await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}&other=1`, { args: { fail: "no" } });
    expect(field(hono.json, "status")).toBe("FAILURE");

    const text = await scrape();
    const labels = { endpoint: "metrics-echo", endpoint_id: endpointId, kind: "sync" };
    expect(sample(text, "launch_local_request_duration_seconds_count", { ...labels, status: "SUCCESS" })).toBe(1);
    expect(sample(text, "launch_local_request_duration_seconds_count", { ...labels, status: "FAILURE" })).toBe(1);
    expect(sample(text, "launch_local_workers", { endpoint_id: endpointId, state: "ready" })).toBe(1);
    expect(sample(text, "launch_local_requests_in_flight", { endpoint_id: endpointId })).toBe(0);
    expect(sample(text, "launch_local_worker_starts_total", { endpoint_id: endpointId, outcome: "ready" })).toBe(1);
    expect(sample(text, "launch_local_worker_start_duration_seconds_count", { endpoint_id: endpointId })).toBe(1);
    expect(sample(text, "launch_local_build_duration_seconds_count", { status: "ok" })).toBeGreaterThanOrEqual(1);
  });

  it("shows another user, without admin keys, the instance-wide series but none of this user's endpoints", async () => {
    await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { x: 2 } });
    const other = await appClient(app, "someone-else").call("GET", "/metrics");
    expect(other.status).toBe(200);
    expect(other.text).toContain("# TYPE launch_local_workers gauge");
    expect(other.text).not.toContain(endpointId);
    expect(other.text).not.toContain("metrics-echo");
    expect(await scrape()).toContain(endpointId);
  });

  it("counts a worker that dies under it as a failure while serving", async () => {
    const [worker] = await readyWorkers(me, endpointId);
    await me.ok("POST", `/_launch_local/endpoints/${endpointId}/workers/${worker?.id}/kill`);
    await eventually(async () => {
      const text = await scrape();
      return (sample(text, "launch_local_worker_failures_total", { endpoint_id: endpointId, phase: "serving" }) ?? 0) >= 1 ? text : null;
    }, "the failure counted");
  });
});

describe("GET /metrics with --admin-keys, and off", () => {
  it("answers only an admin key when admin keys are set", async () => {
    const app = await createTestApp({ adminKeys: ["root"] });
    try {
      expect((await fetch(`${app.url}/metrics`, { headers: { authorization: app.auth("someone") } })).status).toBe(403);
      const admin = await fetch(`${app.url}/metrics`, { headers: { authorization: app.auth("root") } });
      expect(admin.status).toBe(200);
      expect(await admin.text()).toContain("# TYPE launch_local_workers gauge");
    } finally {
      await app.close();
    }
  });

  it("is absent with --metrics=false", async () => {
    const app = await createTestApp({ metrics: false });
    try {
      expect((await fetch(`${app.url}/metrics`, { headers: { authorization: app.auth() } })).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
