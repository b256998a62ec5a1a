import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeRuntime, type FakeRuntime } from "../helpers/fake-runtime.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { type Client, appClient, createArtifactBundle, createEndpoint, eventually, field, readyWorkers } from "./control-fixture.js";

let app: TestApp;
let runtime: FakeRuntime;
let me: Client;

beforeEach(async () => {
  runtime = createFakeRuntime();
  app = await createTestApp({ fakeRuntime: runtime });
  me = appClient(app);
});

afterEach(async () => {
  await app.close();
});

/** A bundle, an endpoint with a worker, a finished async task, an extra blob and a fault rule. */
async function populate(): Promise<{ bundleId: string; endpointId: string; taskId: string }> {
  const bundleId = await createArtifactBundle(me, "echo");
  const endpointId = await createEndpoint(me, "echo", bundleId);
  await readyWorkers(me, endpointId);
  const created = await me.ok("POST", `/v1/async-tasks?model_endpoint_id=${endpointId}`, { args: { x: 1 } });
  const taskId = String(field(created, "task_id"));
  await eventually(async () => (field(await me.ok("GET", `/v1/async-tasks/${taskId}`), "status") === "SUCCESS" ? true : null), "task done");
  await me.ok("PUT", "/_launch_local/blobs?location=s3://inputs/rows.csv", new Uint8Array([1]));
  await me.ok("POST", `/_launch_local/endpoints/${endpointId}/faults`, { kind: "crash", until_cleared: true });
  return { bundleId, endpointId, taskId };
}

describe("POST /_launch_local/reset", () => {
  it("stops every worker and drops all state", async () => {
    const { taskId } = await populate();
    expect(await me.ok("POST", "/_launch_local/reset")).toEqual({ reset: true, kept: [] });
    expect(runtime.live()).toEqual([]);
    expect(await me.ok("GET", "/v1/model-endpoints")).toEqual({ model_endpoints: [] });
    expect(await me.ok("GET", "/v2/model-bundles")).toEqual({ model_bundles: [] });
    expect(field(await me.ok("GET", `/v1/async-tasks/${taskId}`), "status")).toBe("PENDING");
    expect((await me.call("GET", "/_launch_local/blobs?location=s3://inputs/rows.csv")).status).toBe(404);
    expect(field(await me.ok("GET", "/_launch_local/info"), "workers")).toEqual({ total: 0, starting: 0, ready: 0, stopping: 0 });
    // The instance serves as new: the same names can be used again.
    const bundleId = await createArtifactBundle(me, "echo");
    await readyWorkers(me, await createEndpoint(me, "echo", bundleId));
  });

  it("with ?keep=bundles keeps the bundles and the blobs they name, and nothing else", async () => {
    const { bundleId } = await populate();
    expect(await me.ok("POST", "/_launch_local/reset?keep=bundles")).toEqual({ reset: true, kept: ["bundles"] });
    expect(await me.ok("GET", "/v1/model-endpoints")).toEqual({ model_endpoints: [] });
    expect(field(await me.ok("GET", `/v2/model-bundles/${bundleId}`), "id")).toBe(bundleId);
    expect((await me.call("GET", "/_launch_local/blobs?location=s3://seeded/me/echo.pkl")).status).toBe(200);
    expect((await me.call("GET", "/_launch_local/blobs?location=s3://inputs/rows.csv")).status).toBe(404);
    // The kept bundle's artifact is still there: a new endpoint on it deploys and serves.
    const endpointId = await createEndpoint(me, "again", bundleId, { endpoint_type: "sync" });
    await readyWorkers(me, endpointId);
    const reply = await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${endpointId}`, { args: { y: 2 } });
    expect(field(reply.json, "status")).toBe("SUCCESS");
  });

  it("is also the embedding API's reset(), and refuses unknown keep values", async () => {
    await populate();
    await app.instance.reset({ keepBundles: true });
    expect(field(await me.ok("GET", "/v2/model-bundles"), "model_bundles", 0, "name")).toBe("echo");
    await app.instance.reset();
    expect(await me.ok("GET", "/v2/model-bundles")).toEqual({ model_bundles: [] });
    const bad = await me.call("POST", "/_launch_local/reset?keep=endpoints");
    expect(bad.status).toBe(422);
    expect(field(bad.json, "detail", 0)).toMatchObject({ type: "enum", loc: ["query", "keep"] });
  });
});
