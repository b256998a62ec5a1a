import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auth, type BundlesTestApp, createBundlesTestApp } from "./bundles-app.js";

interface Slot {
  signedUrl: string;
  bucket: string;
  key: string;
}

describe("legacy /v1/hosted_inference routes and signed blob URLs (client-contract §4)", () => {
  let app: BundlesTestApp;
  const api = () => request(app.url);

  beforeEach(async () => {
    app = await createBundlesTestApp({ maxBodyBytes: 1024 });
  });
  afterEach(() => app.close());

  async function slot(route = "model_bundle_upload", user = "me"): Promise<Slot> {
    const response = await api().post(`/v1/hosted_inference/${route}`).set("Authorization", auth(user)).send({}).expect(200);
    expect(Object.keys(response.body)).toEqual(["signedUrl", "bucket", "key"]);
    return response.body as Slot;
  }

  const put = (url: string, body: BodyInit) => fetch(url, { method: "PUT", body });

  it("hands out upload slots per user and purpose", async () => {
    const bundle = await slot();
    expect(bundle.bucket).toBe("launch-local");
    expect(bundle.key).toMatch(/^model-bundles\/me\/[0-9a-f-]{36}$/);
    expect(bundle.signedUrl.startsWith(`${app.url}/_launch_local/signed-blobs/launch-local/${bundle.key}?expires=`)).toBe(true);
    const csv = await slot("batch_task_input_upload", "team a");
    expect(csv.key).toMatch(/^batch-inputs\/team_a\/[0-9a-f-]{36}$/);
  });

  it("needs credentials for the slot, none for the PUT", async () => {
    await api().post("/v1/hosted_inference/model_bundle_upload").send({}).expect(401);
    const { signedUrl, bucket, key } = await slot("batch_task_input_upload");
    const response = await put(signedUrl, "id,args\n0,eyJ4IjogMX0=\n");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect((await app.blobs.read(`s3://${bucket}/${key}`)).toString()).toBe("id,args\n0,eyJ4IjogMX0=\n");
  });

  it("stores the raw bytes whatever the Content-Type says", async () => {
    const { signedUrl, bucket, key } = await slot();
    const path = signedUrl.slice(app.url.length);
    await api().put(path).set("Content-Type", "application/json").send("{not json").expect(200);
    expect((await app.blobs.read(`s3://${bucket}/${key}`)).toString()).toBe("{not json");
  });

  it("refuses a tampered, re-targeted or expired signature with 403", async () => {
    const { signedUrl } = await slot();
    const tampered = signedUrl.replace(/signature=(.)/, (_, first: string) => `signature=${first === "0" ? "1" : "0"}`);
    const forbidden = { detail: "Invalid or expired signature" };
    const bad = await put(tampered, "x");
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual(forbidden);
    const other = await put(signedUrl.replace("/model-bundles/", "/batch-inputs/"), "x");
    expect(other.status).toBe(403);
    const unsigned = await put(signedUrl.split("?")[0] ?? signedUrl, "x");
    expect(unsigned.status).toBe(403);
    await app.clock.advance(301_000);
    const expired = await put(signedUrl, "x");
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual(forbidden);
  });

  it("answers 413 beyond the body limit", async () => {
    const { signedUrl, bucket, key } = await slot();
    const response = await put(signedUrl, new Blob([new Uint8Array(2048)]));
    expect(response.status).toBe(413);
    await expect(app.blobs.read(`s3://${bucket}/${key}`)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("serves signed GET downloads, and only with a GET signature", async () => {
    const { signedUrl, bucket, key } = await slot();
    await put(signedUrl, "payload");
    const download = app.blobs.createSignedDownload(`s3://${bucket}/${key}`, app.url);
    const got = await fetch(download);
    expect(got.status).toBe(200);
    expect(await got.text()).toBe("payload");
    expect((await fetch(signedUrl)).status).toBe(403);
    const missing = app.blobs.createSignedDownload(`s3://${bucket}/nope`, app.url);
    const notFound = await fetch(missing);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toEqual({ detail: `Object not found: s3://${bucket}/nope` });
  });

  it("returns an endpoint's build log as creation logs (the client sends {} on this GET)", async () => {
    const missing = await api().get("/v1/hosted_inference/endpoints/creation_logs/ghost").set("Authorization", auth()).send({}).expect(404);
    expect(missing.body).toEqual({ detail: "The specified endpoint could not be found." });

    const bundle = await api()
      .post("/v2/model-bundles")
      .set("Authorization", auth())
      .send({ name: "b", schema_location: "s", flavor: { flavor: "runnable_image", repository: "r", tag: "t", command: [], protocol: "http" } })
      .expect(200);
    await api()
      .post("/v1/model-endpoints")
      .set("Authorization", auth())
      .send({
        name: "demo",
        model_bundle_id: bundle.body.model_bundle_id,
        endpoint_type: "async",
        metadata: {},
        cpus: 1,
        memory: "1Gi",
        storage: "2Gi",
        gpus: 0,
        min_workers: 0,
        max_workers: 1,
        per_worker: 1,
        labels: { team: "t", product: "p" },
      })
      .expect(200);
    const endpoint = app.endpoints.findByName("me", "demo");
    expect(endpoint).not.toBeNull();
    const empty = await api().get("/v1/hosted_inference/endpoints/creation_logs/demo").set("Authorization", auth()).send({}).expect(200);
    expect(empty.body).toEqual({ content: "" });
    app.logs.append(endpoint?.id ?? "", "build", "Step 1/2");
    app.logs.append(endpoint?.id ?? "", "build", "done");
    app.logs.append(endpoint?.id ?? "", "worker", "not a build line");
    const logs = await api().get("/v1/hosted_inference/endpoints/creation_logs/demo").set("Authorization", auth()).send({}).expect(200);
    expect(logs.body).toEqual({ content: "Step 1/2\ndone\n" });
    await api().get("/v1/hosted_inference/endpoints/creation_logs/demo").set("Authorization", auth("bob")).expect(404);
  });
});
