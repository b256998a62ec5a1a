import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auth, type BundlesTestApp, createBundlesTestApp } from "./bundles-app.js";

const pytorch = { framework_type: "pytorch", pytorch_image_tag: "1.13" };
const cloudpickle = (location = "s3://launch-local/model-bundles/me/pickle") => ({
  flavor: "cloudpickle_artifact",
  requirements: ["numpy"],
  framework: pytorch,
  load_predict_fn: "def my_load_predict_fn(model):\n    return model\n",
  load_model_fn: "def my_load_model_fn():\n    return 1\n",
  location,
});
const runnable = { flavor: "runnable_image", repository: "my-repo", tag: "v1", command: ["python", "serve.py"], protocol: "http" };
const streaming = { flavor: "streaming_enhanced_runnable_image", repository: "r", tag: "t", protocol: "http", streaming_command: ["s"] };

describe("model bundles over HTTP (§2.1)", () => {
  let app: BundlesTestApp;
  const api = () => request(app.url);

  beforeEach(async () => {
    app = await createBundlesTestApp();
  });
  afterEach(() => app.close());

  async function createV2(body: Record<string, unknown>, user = "me"): Promise<string> {
    const response = await api().post("/v2/model-bundles").set("Authorization", auth(user)).send(body).expect(200);
    expect(Object.keys(response.body)).toEqual(["model_bundle_id"]);
    expect(response.body.model_bundle_id).toMatch(/^bun_[0-9a-v]{20}$/);
    return String(response.body.model_bundle_id);
  }

  it("refuses requests without credentials", async () => {
    const response = await api().get("/v2/model-bundles").expect(401);
    expect(response.body).toEqual({ detail: "No authentication was passed in" });
    expect(response.headers["www-authenticate"]).toBe("Bearer");
  });

  it("creates a v2 cloudpickle bundle and reads it back in both views", async () => {
    const id = await createV2({ name: "test-bundle", schema_location: "s3://launch-local/s", metadata: { k: "v" }, flavor: cloudpickle() });
    const v2 = await api().get(`/v2/model-bundles/${id}`).set("Authorization", auth()).expect(200);
    expect(v2.body).toEqual({
      id,
      name: "test-bundle",
      metadata: { k: "v" },
      created_at: "2026-01-02T03:04:05.678000Z",
      model_artifact_ids: [expect.stringMatching(/^me-test-bundle-[0-9a-f]{8}$/)],
      schema_location: "s3://launch-local/s",
      flavor: { ...cloudpickle(), app_config: null },
    });
    const v1 = await api().get("/v1/model-bundles/latest").query({ model_name: "test-bundle" }).set("Authorization", auth()).expect(200);
    expect(v1.body).toMatchObject({
      id,
      name: "test-bundle",
      location: "s3://launch-local/model-bundles/me/pickle",
      packaging_type: "cloudpickle",
      env_params: { framework_type: "pytorch", pytorch_image_tag: "1.13", tensorflow_version: null, ecr_repo: null, image_tag: null },
    });
  });

  it("creates a v1 cloudpickle bundle whose v2 view takes the load functions from metadata", async () => {
    const body = {
      name: "legacy",
      location: "s3://launch-local/x",
      requirements: [],
      env_params: pytorch,
      packaging_type: "cloudpickle",
      metadata: { load_predict_fn: "def p(m): ...", load_model_fn: "def m(): ..." },
      app_config: { a: 1 },
    };
    const created = await api().post("/v1/model-bundles").set("Authorization", auth()).send(body).expect(200);
    const v2 = await api().get(`/v2/model-bundles/${created.body.model_bundle_id}`).set("Authorization", auth()).expect(200);
    expect(v2.body.flavor).toMatchObject({
      flavor: "cloudpickle_artifact",
      load_predict_fn: "def p(m): ...",
      load_model_fn: "def m(): ...",
      app_config: { a: 1 },
    });
    const v1 = await api().get(`/v1/model-bundles/${created.body.model_bundle_id}`).set("Authorization", auth()).expect(200);
    expect(v1.body).toMatchObject({ location: "s3://launch-local/x", app_config: { a: 1 }, schema_location: null });
  });

  it("shows a v2 runnable bundle through v1 as a lira bundle", async () => {
    const id = await createV2({ name: "img", schema_location: "s3://launch-local/s", flavor: runnable });
    const v1 = await api().get(`/v1/model-bundles/${id}`).set("Authorization", auth()).expect(200);
    expect(v1.body).toMatchObject({
      location: "unused",
      requirements: [],
      packaging_type: "lira",
      env_params: { framework_type: "custom_base_image", ecr_repo: "my-repo", image_tag: "v1" },
      model_artifact_ids: [],
    });
  });

  it("reads a streaming bundle created without command back with command [] (list included)", async () => {
    const id = await createV2({ name: "stream", schema_location: "s3://launch-local/s", flavor: streaming });
    const one = await api().get(`/v2/model-bundles/${id}`).set("Authorization", auth()).expect(200);
    expect(one.body.flavor).toMatchObject({ command: [], streaming_command: ["s"], streaming_predict_route: "/stream", protocol: "http" });
    const list = await api().get("/v2/model-bundles").set("Authorization", auth()).expect(200);
    expect(list.body.model_bundles[0].flavor.command).toEqual([]);
  });

  it("answers 422 in pydantic's shape: missing field, bad discriminator, bad enum, missing query", async () => {
    const missing = await api().post("/v2/model-bundles").set("Authorization", auth()).send({ name: "b", flavor: cloudpickle() }).expect(422);
    expect(missing.body.detail).toEqual([
      { type: "missing", loc: ["body", "schema_location"], msg: "Field required", input: { name: "b", flavor: cloudpickle() } },
    ]);
    const tag = await api()
      .post("/v2/model-bundles")
      .set("Authorization", auth())
      .send({ name: "b", schema_location: "s", flavor: { flavor: "x" } })
      .expect(422);
    expect(tag.body.detail[0]).toMatchObject({ type: "union_tag_invalid", loc: ["body", "flavor"] });
    const order = await api().get("/v1/model-bundles?order_by=latest").set("Authorization", auth()).expect(422);
    expect(order.body.detail).toEqual([
      { type: "enum", loc: ["query", "order_by"], msg: "Input should be 'newest' or 'oldest'", input: "latest", ctx: { expected: "'newest' or 'oldest'" } },
    ]);
    const latest = await api().get("/v2/model-bundles/latest").set("Authorization", auth()).expect(422);
    expect(latest.body.detail).toEqual([{ type: "missing", loc: ["query", "model_name"], msg: "Field required", input: null }]);
    const env = await api()
      .post("/v1/model-bundles")
      .set("Authorization", auth())
      .send({ name: "b", location: "l", requirements: [], packaging_type: "zip", env_params: { framework_type: "tensorflow", tensorflow_version: "" } })
      .expect(422);
    expect(env.body.detail[0]).toMatchObject({ type: "assertion_error", loc: ["body", "env_params"] });
  });

  it("answers the real 404 messages, with their double spaces", async () => {
    const byId = await api().get("/v2/model-bundles/bun_nope").set("Authorization", auth()).expect(404);
    expect(byId.body).toEqual({ detail: "Model Bundle bun_nope  was not found." });
    const latest = await api().get("/v1/model-bundles/latest?model_name=ghost").set("Authorization", auth()).expect(404);
    expect(latest.body).toEqual({ detail: "Model Bundle ghost  was not found." });
    const clone = await api()
      .post("/v1/model-bundles/clone-with-changes")
      .set("Authorization", auth())
      .send({ original_model_bundle_id: "bun_nope" })
      .expect(404);
    expect(clone.body).toEqual({ detail: "Model Bundle bun_nope  was not found." });
  });

  it("keeps each team's bundles to itself", async () => {
    const id = await createV2({ name: "private", schema_location: "s", flavor: cloudpickle() }, "alice");
    const get = await api().get(`/v2/model-bundles/${id}`).set("Authorization", auth("bob")).expect(404);
    expect(get.body).toEqual({ detail: `Model Bundle ${id}  was not found.` });
    await api().get("/v1/model-bundles/latest?model_name=private").set("Authorization", auth("bob")).expect(404);
    await api().post("/v2/model-bundles/clone-with-changes").set("Authorization", auth("bob")).send({ original_model_bundle_id: id }).expect(404);
    const list = await api().get("/v1/model-bundles").set("Authorization", auth("bob")).expect(200);
    expect(list.body).toEqual({ model_bundles: [] });
    const own = await api().get("/v1/model-bundles").set("Authorization", auth("alice")).expect(200);
    expect(own.body.model_bundles.map((b: { id: string }) => b.id)).toEqual([id]);
  });

  it("resolves latest to the newest version of a name, and orders lists", async () => {
    const first = await createV2({ name: "b", schema_location: "s", flavor: cloudpickle() });
    await app.clock.advance(1000);
    const second = await createV2({ name: "b", schema_location: "s", flavor: cloudpickle() });
    await createV2({ name: "other", schema_location: "s", flavor: cloudpickle() });
    const latest = await api().get("/v2/model-bundles/latest?model_name=b").set("Authorization", auth()).expect(200);
    expect(latest.body.id).toBe(second);
    const newest = await api().get("/v2/model-bundles?model_name=b&order_by=newest").set("Authorization", auth()).expect(200);
    expect(newest.body.model_bundles.map((b: { id: string }) => b.id)).toEqual([second, first]);
    const oldest = await api().get("/v1/model-bundles?model_name=b&order_by=oldest").set("Authorization", auth()).expect(200);
    expect(oldest.body.model_bundles.map((b: { id: string }) => b.id)).toEqual([first, second]);
  });

  it("clones with changes: same name and owner, caller as creator, origin in metadata, latest moves to the clone", async () => {
    const original = await createV2({ name: "b", schema_location: "s", metadata: { m: 1 }, flavor: { ...cloudpickle(), app_config: { a: 1 } } });
    await app.clock.advance(1000);
    const cloned = await api()
      .post("/v2/model-bundles/clone-with-changes")
      .set("Authorization", auth())
      .send({ original_model_bundle_id: original, new_app_config: { a: 2 } })
      .expect(200);
    const clone = String(cloned.body.model_bundle_id);
    expect(clone).not.toBe(original);
    const v2 = await api().get(`/v2/model-bundles/${clone}`).set("Authorization", auth()).expect(200);
    expect(v2.body).toMatchObject({ name: "b", metadata: { m: 1, __cloned_from_bundle_id: original }, flavor: { app_config: { a: 1 } } });
    const v1 = await api().get("/v1/model-bundles/latest?model_name=b").set("Authorization", auth()).expect(200);
    expect(v1.body).toMatchObject({ id: clone, app_config: { a: 2 } });
  });

  it("answers under /v1/launch as well (use_path_with_custom_endpoint)", async () => {
    const id = await createV2({ name: "b", schema_location: "s", flavor: cloudpickle() });
    const response = await api().get(`/v1/launch/v2/model-bundles/${id}`).set("Authorization", auth()).expect(200);
    expect(response.body.id).toBe(id);
    await api().get("/v1/launch/v1/model-bundles/latest?model_name=b").set("Authorization", auth()).expect(200);
  });

  it("runs the official client's upload flow: upload slot, PUT without auth, create with s3:// location", async () => {
    const slot = await api().post("/v1/hosted_inference/model_bundle_upload").set("Authorization", auth()).send({}).expect(200);
    const { signedUrl, bucket, key } = slot.body as { signedUrl: string; bucket: string; key: string };
    const pickle = new Uint8Array([0x80, 0x05, 0x95, 1, 2, 3]);
    const put = await fetch(signedUrl, { method: "PUT", body: new Blob([pickle]) });
    expect(put.status).toBe(200);
    const location = `s3://${bucket}/${key}`;
    expect(new Uint8Array(await app.blobs.read(location))).toEqual(pickle);
    const id = await createV2({ name: "uploaded", schema_location: location, flavor: cloudpickle(location) });
    const v1 = await api().get(`/v1/model-bundles/${id}`).set("Authorization", auth()).expect(200);
    expect(v1.body.location).toBe(location);
  });
});
