import { existsSync } from "node:fs";
import http from "node:http";
import { connect } from "node:net";
import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../src/domain/clock.js";
import { createInstance, type Instance } from "../../src/instance.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { appClient, field } from "./control-fixture.js";

const apps: TestApp[] = [];
const instances: Instance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
});

async function open(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const app = await createTestApp(options);
  apps.push(app);
  return app;
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A raw request whose path is sent exactly as written (fetch would resolve dot segments). */
function rawRequest(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: hostname, port: Number(port), method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

describe("listening address", () => {
  it("listens on 127.0.0.1 unless told otherwise, unreachable from other interfaces", async () => {
    const app = await open({ host: undefined });
    expect(app.instance.config.host).toBe("127.0.0.1");
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await accepts("127.0.0.1", app.instance.port)).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address !== undefined && address.family === "IPv4" && !address.internal);
    if (external !== undefined) expect(await accepts(external.address, app.instance.port)).toBe(false);
  });
});

describe("API key allow-list", () => {
  it("accepts listed keys and answers every other caller with the contract's 401, control API included", async () => {
    const app = await open({ apiKeys: ["alice", "bob"] });
    expect((await appClient(app, "alice").call("GET", "/v1/model-endpoints")).status).toBe(200);
    expect((await fetch(`${app.url}/v1/model-endpoints`, { headers: { authorization: "Bearer bob" } })).status).toBe(200);
    for (const path of ["/v1/model-endpoints", "/v2/model-bundles", "/_launch_local/info", "/_launch_local/blobs?location=s3://a/b"]) {
      const reply = await appClient(app, "mallory").call("GET", path);
      expect(reply.status, path).toBe(401);
      expect(reply.json).toEqual({ detail: "Invalid authentication credentials" });
      expect(reply.headers.get("www-authenticate")).toBe("Basic");
    }
    const anonymous = await fetch(`${app.url}/v1/model-endpoints`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ detail: "No authentication was passed in" });
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("signed blob URLs", () => {
  async function instanceWithClock(clock: FakeClock): Promise<Instance> {
    const instance = await createInstance(
      { port: 0, ephemeral: true, logLevel: "silent", signedUrlTtlSeconds: 60 },
      { clock, runtime: () => createFakeRuntime() },
    );
    instances.push(instance);
    return instance;
  }

  it("are HMAC-signed for one object and one method, and expire", async () => {
    const clock = new FakeClock(Date.now());
    const instance = await instanceWithClock(clock);
    const auth = { authorization: `Basic ${Buffer.from("me:").toString("base64")}`, "content-type": "application/json" };
    const slot: unknown = await (await fetch(`${instance.url}/v1/hosted_inference/model_bundle_upload`, { method: "POST", headers: auth, body: "{}" })).json();
    const signedUrl = String(field(slot, "signedUrl"));
    const url = new URL(signedUrl);
    const signature = url.searchParams.get("signature") ?? "";

    const tampered = new URL(signedUrl);
    tampered.searchParams.set("signature", `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`);
    const otherKey = new URL(signedUrl);
    otherKey.pathname = `${otherKey.pathname}-other`;
    const longer = new URL(signedUrl);
    longer.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 3600));
    for (const forged of [tampered, otherKey, longer]) {
      const response = await fetch(forged, { method: "PUT", body: "x" });
      expect(response.status, forged.toString()).toBe(403);
      expect(await response.json()).toEqual({ detail: "Invalid or expired signature" });
    }
    // A PUT URL does not read the object.
    expect((await fetch(signedUrl, { method: "GET" })).status).toBe(403);
    expect((await fetch(signedUrl, { method: "PUT", body: "bytes" })).status).toBe(200);

    const expiring = await fetch(`${instance.url}/v1/hosted_inference/model_bundle_upload`, { method: "POST", headers: auth, body: "{}" });
    const late = String(field(await expiring.json(), "signedUrl"));
    await clock.advance(61_000);
    expect((await fetch(late, { method: "PUT", body: "late" })).status).toBe(403);
  });
});

describe("blob keys cannot leave the data dir", () => {
  const ESCAPES = [
    "s3://bucket/../../outside",
    "s3://bucket/a/../../../outside",
    "s3://bucket/%2e%2e/%2e%2e/outside",
    "s3://bucket/%252e%252e/outside",
    "s3://bucket/..%2f..%2foutside",
    "s3://bucket//etc/passwd",
    "s3://bucket/a\\..\\..\\outside",
    "s3://../outside",
    "s3://.cache/x",
    "s3://bucket/a/%00/b",
  ];

  it("refuses escaping keys on the control blob routes with 400, writing nothing", async () => {
    const app = await open();
    const me = appClient(app);
    for (const location of ESCAPES) {
      const put = await me.call("PUT", `/_launch_local/blobs?location=${encodeURIComponent(location)}`, new Uint8Array([1]));
      expect(put.status, location).toBe(400);
      expect(String(field(put.json, "detail")), location).toMatch(/^Invalid (blob key|bucket name|s3 location)/);
      expect((await me.call("GET", `/_launch_local/blobs?location=${encodeURIComponent(location)}`)).status, location).toBe(400);
    }
    const dataDir = app.instance.config.dataDir;
    expect(existsSync(`${dataDir}/outside`)).toBe(false);
    expect(existsSync(`${dataDir}/blobs/outside`)).toBe(false);
  });

  it("refuses escaping signed-URL paths (raw, encoded, double-encoded) with 403", async () => {
    const app = await open();
    const paths = [
      "/_launch_local/signed-blobs/launch-local/../../../outside?expires=9999999999&signature=" + "0".repeat(64),
      "/_launch_local/signed-blobs/launch-local/%2e%2e/%2e%2e/outside?expires=9999999999&signature=" + "0".repeat(64),
      "/_launch_local/signed-blobs/launch-local/..%2f..%2foutside?expires=9999999999&signature=" + "0".repeat(64),
      "/_launch_local/signed-blobs/%2e%2e/outside?expires=9999999999&signature=" + "0".repeat(64),
    ];
    for (const path of paths) {
      const reply = await rawRequest(app.url, "PUT", path, {}, Buffer.from("x"));
      expect([403, 404], path).toContain(reply.status);
    }
  });

  it("fails an endpoint whose bundle names an escaping location, with the reason", async () => {
    const app = await open();
    const me = appClient(app);
    const bundle = await me.ok("POST", "/v1/model-bundles", {
      name: "escape",
      location: "s3://bucket/../../../etc/passwd",
      requirements: [],
      env_params: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
      packaging_type: "cloudpickle",
    });
    await me.ok("POST", "/v1/model-endpoints", {
      name: "escape",
      model_bundle_id: field(bundle, "model_bundle_id"),
      endpoint_type: "async",
      cpus: 1,
      memory: "1Gi",
      storage: "1Gi",
      gpus: 0,
      min_workers: 0,
      max_workers: 1,
      per_worker: 1,
      labels: { team: "t", product: "p" },
      metadata: {},
    });
    await app.instance.scheduler.idle();
    const listed = await me.ok("GET", "/v1/model-endpoints?name=escape");
    expect(field(listed, "model_endpoints", 0, "status")).toBe("UPDATE_FAILED");
    expect(String(field(listed, "model_endpoints", 0, "status_reason"))).toContain("'..' path segment");
  });
});

describe("size limits answer 413", () => {
  const LIMIT = 1024;
  const tooBig = Buffer.alloc(LIMIT + 1, 120);
  const detail = { detail: `Request body is larger than the limit of ${LIMIT} bytes.` };

  it("on JSON bodies, signed PUTs and control blob PUTs, declared or streamed", async () => {
    const app = await open({ maxBodyBytes: LIMIT });
    const me = appClient(app);
    const json = await me.call("POST", "/v1/model-endpoints", { name: "x".repeat(LIMIT) });
    expect(json.status).toBe(413);
    expect(json.json).toEqual(detail);

    const slot = await me.ok("POST", "/v1/hosted_inference/model_bundle_upload", {});
    const signed = await fetch(String(field(slot, "signedUrl")), { method: "PUT", body: tooBig });
    expect(signed.status).toBe(413);
    expect(await signed.json()).toEqual(detail);

    const control = await me.call("PUT", "/_launch_local/blobs?location=s3://b/big", new Uint8Array(tooBig));
    expect(control.status).toBe(413);
    expect(control.json).toEqual(detail);

    // Without a Content-Length the limit is enforced while reading (chunked transfer).
    const chunked = await rawRequest(
      app.url,
      "PUT",
      "/_launch_local/blobs?location=s3://b/chunked",
      { authorization: me.authorization, "transfer-encoding": "chunked" },
      tooBig,
    );
    expect(chunked.status).toBe(413);
    expect((await me.call("GET", "/_launch_local/blobs?location=s3://b/chunked")).status).toBe(404);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe("numbers without an upper bound on the API", () => {
  it("keep the server responsive: min_workers 2^31 runs at most 250 workers, num_retries 10^15 answers in time", async () => {
    const app = await open({ syncTimeoutSeconds: 0.5 });
    const me = appClient(app);
    const location = "s3://seeded/huge.pkl";
    await me.ok("PUT", `/_launch_local/blobs?location=${encodeURIComponent(location)}`, new Uint8Array([1]));
    const bundle = await me.ok("POST", "/v1/model-bundles", {
      name: "huge",
      location,
      requirements: [],
      env_params: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
      packaging_type: "cloudpickle",
    });
    const endpoint = (type: string, minWorkers: number) => ({
      name: `huge-${type}`,
      model_bundle_id: field(bundle, "model_bundle_id"),
      endpoint_type: type,
      cpus: 1,
      memory: "1Gi",
      storage: "1Gi",
      gpus: 0,
      min_workers: minWorkers,
      max_workers: 1,
      per_worker: 1,
      labels: { team: "t", product: "p" },
      metadata: {},
    });
    await me.ok("POST", "/v1/model-endpoints", endpoint("async", 2 ** 31));
    await me.ok("POST", "/v1/model-endpoints", endpoint("sync", 0));
    const started = Date.now();
    const health = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
    const sync = String(field(await me.ok("GET", "/v1/model-endpoints?name=huge-sync"), "model_endpoints", 0, "id"));
    const reply = await me.call("POST", `/v1/sync-tasks?model_endpoint_id=${sync}`, { args: {}, num_retries: 10 ** 15, timeout_seconds: 0.3 });
    // Woken from zero by the request itself: a worker or the cold-endpoint FAILURE, either way in time.
    expect(["SUCCESS", "FAILURE"]).toContain(field(reply.json, "status"));
    expect(Date.now() - started).toBeLessThan(5000);
    const huge = String(field(await me.ok("GET", "/v1/model-endpoints?name=huge-async"), "model_endpoints", 0, "id"));
    await app.instance.scheduler.idle();
    expect(app.instance.scheduler.listWorkers(huge).length).toBeLessThanOrEqual(250);
  });
});
