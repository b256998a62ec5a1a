import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import request from "supertest";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LaunchLocalOptions } from "../../src/config/options.js";
import { LABELS, type BatchTestApp, createBatchTestApp } from "./batch-jobs-app.js";
import { cloudpickleBundleBody } from "./control-fixture.js";

/**
 * Issue 13 item 1: the server reads only its own blob store unless the operator names more. A batch
 * job's input_path, a bundle's location and schema_location, and a task's url may name a local file
 * only under --allow-input-dir, and an http(s) URL only with --allow-input-urls; anything else is a
 * 400 that names the option, and nothing is read or fetched.
 */
let hostDir: string;
let secretFile: string;
let hits: string[];
let server: Server;
let serverUrl: string;

beforeAll(async () => {
  hostDir = mkdtempSync(join(tmpdir(), "input-locations-"));
  secretFile = join(hostDir, "secret.csv");
  writeFileSync(secretFile, "id,args\r\nleaked-id,\r\n");
  chmodSync(secretFile, 0o600);
  hits = [];
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    res.end("id,args\r\nfetched,\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  serverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(hostDir, { recursive: true, force: true });
});

let t: BatchTestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

async function open(options: LaunchLocalOptions = {}): Promise<BatchTestApp> {
  t = await createBatchTestApp(options);
  return t;
}

const jobBody = (bundleId: string, inputPath: string) => ({
  model_bundle_id: bundleId,
  input_path: inputPath,
  serialization_format: "JSON",
  labels: LABELS,
  resource_requests: { gpus: 0 },
});

const cloudpickleBundle = (location: string, schemaLocation = "s3://launch-local/schema.json") => cloudpickleBundleBody("b", location, schemaLocation);

describe("default policy: only the instance's own s3:// blob store", () => {
  it("refuses a batch input_path naming a host file, a URL or anything else, with a 400 naming the option", async () => {
    const app = await open();
    const bundleId = await app.createBundle("echo");
    const post = (inputPath: string) => request(app.app.url).post("/v1/batch-jobs").set("authorization", app.app.auth()).send(jobBody(bundleId, inputPath));

    for (const location of [pathToFileURL(secretFile).href, secretFile]) {
      const reply = await post(location);
      expect(reply.status, location).toBe(400);
      expect(String(reply.body.detail)).toContain("--allow-input-dir");
    }
    const url = await post(`${serverUrl}/rows.csv`);
    expect(url.status).toBe(400);
    expect(String(url.body.detail)).toContain("--allow-input-urls");
    for (const location of ["gs://bucket/key", "relative/rows.csv", "ftp://host/x"]) {
      const reply = await post(location);
      expect(reply.status, location).toBe(400);
      expect(String(reply.body.detail)).toContain("--allow-input-dir");
    }
    expect(hits).toEqual([]);
    // No job, so no temporary endpoint either.
    expect((await app.endpointNames()).filter((name) => name.includes("-batch-task-"))).toEqual([]);
  });

  it("refuses bundle locations outside the blob store (v1 and v2)", async () => {
    const app = await open();
    const api = () => request(app.app.url);
    const auth = app.app.auth();
    const file = await api().post("/v2/model-bundles").set("authorization", auth).send(cloudpickleBundle("file:///etc/shadow"));
    expect(file.status).toBe(400);
    expect(String(file.body.detail)).toContain("--allow-input-dir");
    const http = await api()
      .post("/v2/model-bundles")
      .set("authorization", auth)
      .send(cloudpickleBundle(`${serverUrl}/model.pkl`));
    expect(http.status).toBe(400);
    expect(String(http.body.detail)).toContain("--allow-input-urls");
    const v1 = await api()
      .post("/v1/model-bundles")
      .set("authorization", auth)
      .send({
        name: "b",
        location: "/etc/shadow",
        requirements: [],
        packaging_type: "cloudpickle",
        env_params: { framework_type: "pytorch", pytorch_image_tag: "1.7.0" },
      });
    expect(v1.status).toBe(400);
    expect(String(v1.body.detail)).toContain("--allow-input-dir");
    expect(hits).toEqual([]);
  });

  it("never fetches a schema_location URL for the endpoints' API docs", async () => {
    const app = await open();
    const auth = app.app.auth();
    const location = await app.uploadCsv("not a pickle");
    const bundle = await request(app.app.url)
      .post("/v2/model-bundles")
      .set("authorization", auth)
      .send(cloudpickleBundle(location, `${serverUrl}/schema.json`));
    expect(bundle.status).toBe(200);
    await request(app.app.url)
      .post("/v1/model-endpoints")
      .set("authorization", auth)
      .send({
        name: "docs",
        model_bundle_id: bundle.body.model_bundle_id,
        endpoint_type: "sync",
        cpus: 1,
        memory: "1Gi",
        storage: "1Gi",
        gpus: 0,
        min_workers: 0,
        max_workers: 1,
        per_worker: 1,
        labels: LABELS,
        metadata: {},
      })
      .expect(200);
    const docs = await request(app.app.url).get("/v1/model-endpoints-schema.json").set("authorization", auth);
    expect(docs.status).toBe(200);
    expect(hits).toEqual([]);
  });

  it("refuses a task url naming a host file or a URL before any worker sees it", async () => {
    const app = await open();
    const bundleId = await app.createBundle("echo");
    const auth = app.app.auth();
    const created = await request(app.app.url).post("/v1/model-endpoints").set("authorization", auth).send({
      name: "e",
      model_bundle_id: bundleId,
      endpoint_type: "async",
      cpus: 1,
      memory: "1Gi",
      storage: "1Gi",
      gpus: 0,
      min_workers: 0,
      max_workers: 1,
      per_worker: 1,
      labels: LABELS,
      metadata: {},
    });
    expect(created.status).toBe(200);
    const list = await request(app.app.url).get("/v1/model-endpoints?name=e").set("authorization", auth);
    const endpointId = String(list.body.model_endpoints[0].id);
    for (const [url, option] of [
      [pathToFileURL(secretFile).href, "--allow-input-dir"],
      [`${serverUrl}/x`, "--allow-input-urls"],
    ] as const) {
      const reply = await request(app.app.url).post(`/v1/async-tasks?model_endpoint_id=${endpointId}`).set("authorization", auth).send({ url });
      expect(reply.status, url).toBe(400);
      expect(String(reply.body.detail)).toContain(option);
    }
    expect(hits).toEqual([]);
  });
});

describe("operator-named sources", () => {
  it("reads files under --allow-input-dir, but not through a symlink that leaves it", async () => {
    const allowed = join(hostDir, "allowed");
    mkdirSync(allowed, { recursive: true });
    writeFileSync(join(allowed, "rows.csv"), "id,args\r\nr1,\r\n");
    symlinkSync(secretFile, join(allowed, "link.csv"));
    const app = await open({ allowInputDirs: [allowed] });
    const bundleId = await app.createBundle("echo");
    const ok = await app.createJob(jobBody(bundleId, pathToFileURL(join(allowed, "rows.csv")).href));
    const done = await app.waitForStatus(ok, ["SUCCESS", "FAILURE"]);
    expect(done.status).toBe("SUCCESS");
    const text = (await app.app.instance.services.blobs.read(done.result ?? "")).toString("utf8");
    expect(text).toMatch(/"id": "r1"\}$/);

    const outside = await request(app.app.url)
      .post("/v1/batch-jobs")
      .set("authorization", app.app.auth())
      .send(jobBody(bundleId, pathToFileURL(secretFile).href));
    expect(outside.status).toBe(400);
    const escape = await request(app.app.url)
      .post("/v1/batch-jobs")
      .set("authorization", app.app.auth())
      .send(jobBody(bundleId, `${pathToFileURL(allowed).href}/../secret.csv`));
    expect(escape.status).toBe(400);
    // The link is under the folder by name; the store follows it and refuses the real path.
    const linked = await app.createJob(jobBody(bundleId, pathToFileURL(join(allowed, "link.csv")).href));
    const failed = await app.waitForStatus(linked, ["SUCCESS", "FAILURE"]);
    expect(failed.status).toBe("FAILURE");
  });

  it("fetches http(s) URLs only with --allow-input-urls", async () => {
    const app = await open({ allowInputUrls: true });
    const bundleId = await app.createBundle("echo");
    const jobId = await app.createJob(jobBody(bundleId, `${serverUrl}/rows.csv`));
    expect((await app.waitForStatus(jobId, ["SUCCESS", "FAILURE"])).status).toBe("SUCCESS");
    expect(hits).toContain("/rows.csv");
  });
});
