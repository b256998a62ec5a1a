import { afterEach, describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli-args.js";
import { ConfigError, resolveConfig } from "../../src/config/options.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { appClient, createArtifactBundle, createEndpoint, field, readyWorkers } from "./control-fixture.js";

/**
 * Issue 13 item 3: with --admin-keys, the instance-wide control routes (reset, info, blobs across
 * owners) need an admin key; per-endpoint routes stay per owner. Without it, any accepted key may
 * use them, as before.
 */
const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function open(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const app = await createTestApp(options);
  apps.push(app);
  return app;
}

const ADMIN_ONLY = { detail: "This route acts on the whole instance and needs an admin key (--admin-keys)." };

describe("--admin-keys", () => {
  it("keeps reset and info from ordinary keys, and lets an admin key use them", async () => {
    const app = await open({ apiKeys: ["alice", "bob"], adminKeys: ["root"] });
    const alice = appClient(app, "alice");
    const root = appClient(app, "root");
    const bundleId = await createArtifactBundle(alice, "echo");
    const reset = await appClient(app, "bob").call("POST", "/_launch_local/reset");
    expect(reset.status).toBe(403);
    expect(reset.json).toEqual(ADMIN_ONLY);
    const info = await alice.call("GET", "/_launch_local/info");
    expect(info.status).toBe(403);
    expect(info.json).toEqual(ADMIN_ONLY);
    // Nothing was wiped.
    expect(field(await alice.ok("GET", `/v2/model-bundles/${bundleId}`), "id")).toBe(bundleId);
    // The admin key is accepted even though --api-keys does not list it.
    expect(field(await root.ok("GET", "/_launch_local/info"), "endpoints")).toBe(0);
    expect(await root.ok("POST", "/_launch_local/reset")).toEqual({ reset: true, kept: [] });
    expect((await alice.call("GET", `/v2/model-bundles/${bundleId}`)).status).toBe(404);
    expect((await appClient(app, "mallory").call("GET", "/_launch_local/info")).status).toBe(401);
  });

  it("lets an admin read and replace any owner's blob, keeping its owner; per-endpoint routes stay per owner", async () => {
    const app = await open({ adminKeys: ["root"] });
    const alice = appClient(app, "alice");
    const root = appClient(app, "root");
    const location = "s3://inputs/alice/rows.csv";
    const path = `/_launch_local/blobs?location=${encodeURIComponent(location)}`;
    await alice.ok("PUT", path, new Uint8Array(Buffer.from("alice's")));
    expect((await root.call("GET", path)).text).toBe("alice's");
    await root.ok("PUT", path, new Uint8Array(Buffer.from("fixed")));
    expect((await alice.call("GET", path)).text).toBe("fixed");
    expect((await appClient(app, "bob").call("GET", path)).status).toBe(404);

    const endpointId = await createEndpoint(alice, "echo", await createArtifactBundle(alice, "echo"));
    await readyWorkers(alice, endpointId);
    expect((await root.call("GET", `/_launch_local/endpoints/${endpointId}/workers`)).status).toBe(404);
    expect((await root.call("POST", `/_launch_local/endpoints/${endpointId}/scale-now`)).status).toBe(404);
  });

  it("changes nothing when unset: any key may reset, and blobs stay per owner", async () => {
    const app = await open();
    const alice = appClient(app, "alice");
    await alice.ok("PUT", "/_launch_local/blobs?location=s3://b/k", new Uint8Array([1]));
    expect((await appClient(app, "root").call("GET", "/_launch_local/blobs?location=s3://b/k")).status).toBe(404);
    expect(await appClient(app, "bob").ok("POST", "/_launch_local/reset")).toEqual({ reset: true, kept: [] });
  });

  it("comes from the option, LAUNCH_LOCAL_ADMIN_KEYS or --admin-keys, and must name a key", () => {
    expect(resolveConfig({}, {}, "/tmp").adminKeys).toBeNull();
    expect(resolveConfig({}, { LAUNCH_LOCAL_ADMIN_KEYS: "root, ops" }, "/tmp").adminKeys).toEqual(["root", "ops"]);
    expect(resolveConfig({ adminKeys: ["x"] }, { LAUNCH_LOCAL_ADMIN_KEYS: "root" }, "/tmp").adminKeys).toEqual(["x"]);
    expect(parseArgs(["--admin-keys", "a,b"]).options.adminKeys).toEqual(["a", "b"]);
    expect(() => resolveConfig({}, { LAUNCH_LOCAL_ADMIN_KEYS: " , " }, "/tmp")).toThrow(ConfigError);
  });
});
