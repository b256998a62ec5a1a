import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeBundle } from "../unit/endpoints/fixtures.js";
import { auth, createEndpointsTestApp, type EndpointsTestApp } from "./model-endpoints-app.js";

const createBody = (overrides: Record<string, unknown> = {}) => ({
  name: "demo-endpoint",
  model_bundle_id: "bun_1",
  endpoint_type: "async",
  metadata: {},
  cpus: 1,
  gpus: 0,
  memory: "1Gi",
  storage: "2Gi",
  min_workers: 0,
  max_workers: 1,
  per_worker: 10,
  labels: { team: "infra", product: "demo" },
  high_priority: false,
  ...overrides,
});

let app: EndpointsTestApp;

beforeEach(() => {
  app = createEndpointsTestApp();
});

afterEach(() => {
  app.close();
});

async function createEndpoint(overrides: Record<string, unknown> = {}): Promise<string> {
  await request(app.server).post("/v1/model-endpoints").set("authorization", auth()).send(createBody(overrides)).expect(200);
  const list = await request(app.server)
    .get("/v1/model-endpoints")
    .query({ name: String(overrides.name ?? "demo-endpoint") })
    .set("authorization", auth())
    .expect(200);
  const body = list.body as { model_endpoints: { id: string }[] };
  const id = body.model_endpoints[0]?.id;
  if (id === undefined) throw new Error("endpoint not listed");
  return id;
}

describe("POST/GET /v1/model-endpoints", () => {
  it("creates an endpoint and lists it by exact name", async () => {
    const created = await request(app.server).post("/v1/model-endpoints").set("authorization", auth()).send(createBody()).expect(200);
    expect(Object.keys(created.body as object)).toEqual(["endpoint_creation_task_id"]);
    expect((created.body as { endpoint_creation_task_id: string }).endpoint_creation_task_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    await request(app.server)
      .post("/v1/model-endpoints")
      .set("authorization", auth())
      .send(createBody({ name: "demo" }))
      .expect(200);

    const byName = await request(app.server).get("/v1/model-endpoints?name=demo").set("authorization", auth()).expect(200);
    const items = (byName.body as { model_endpoints: Record<string, unknown>[] }).model_endpoints;
    expect(items.map((item) => item.name)).toEqual(["demo"]);
    expect(items[0]).toMatchObject({ endpoint_type: "async", status: "UPDATE_PENDING", destination: "UNKNOWN", bundle_name: "my-bundle" });

    const all = await request(app.server).get("/v1/model-endpoints").set("authorization", auth()).expect(200);
    expect((all.body as { model_endpoints: unknown[] }).model_endpoints).toHaveLength(2);
  });

  it("answers an unknown name with an empty list, not a 404", async () => {
    const response = await request(app.server).get("/v1/model-endpoints?name=nope").set("authorization", auth()).expect(200);
    expect(response.text).toBe('{"model_endpoints":[]}');
  });

  it("validates order_by", async () => {
    await request(app.server).get("/v1/model-endpoints?order_by=alphabetical").set("authorization", auth()).expect(200);
    const response = await request(app.server).get("/v1/model-endpoints?order_by=name").set("authorization", auth()).expect(422);
    expect(response.body).toEqual({
      detail: [
        {
          type: "enum",
          loc: ["query", "order_by"],
          msg: "Input should be 'newest', 'oldest' or 'alphabetical'",
          input: "name",
          ctx: { expected: "'newest', 'oldest' or 'alphabetical'" },
        },
      ],
    });
  });

  it("answers 422 in the pydantic shape for missing and mistyped fields", async () => {
    const missing = await request(app.server).post("/v1/model-endpoints").set("authorization", auth()).send({ name: "x" }).expect(422);
    const locs = (missing.body as { detail: { loc: unknown[]; type: string }[] }).detail.map((item) => item.loc.join("."));
    expect(locs).toEqual([
      "body.model_bundle_id",
      "body.endpoint_type",
      "body.metadata",
      "body.cpus",
      "body.gpus",
      "body.memory",
      "body.storage",
      "body.min_workers",
      "body.max_workers",
      "body.per_worker",
      "body.labels",
    ]);

    const wrong = await request(app.server)
      .post("/v1/model-endpoints")
      .set("authorization", auth())
      .send(createBody({ endpoint_type: "batch", per_worker: 0, gpu_type: "tpu", default_callback_url: "not a url", name: "x".repeat(64) }))
      .expect(422);
    const detail = (wrong.body as { detail: { type: string; loc: unknown[] }[] }).detail;
    expect(detail.map((item) => [item.type, item.loc.join(".")])).toEqual([
      ["string_too_long", "body.name"],
      ["enum", "body.endpoint_type"],
      ["enum", "body.gpu_type"],
      ["greater_than", "body.per_worker"],
      ["url_parsing", "body.default_callback_url"],
    ]);

    const noBody = await request(app.server).post("/v1/model-endpoints").set("authorization", auth()).expect(422);
    expect(noBody.body).toEqual({ detail: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }] });
  });

  it("maps the domain rules to 400, 404 and the 500 envelope", async () => {
    await createEndpoint();
    const duplicate = await request(app.server).post("/v1/model-endpoints").set("authorization", auth()).send(createBody()).expect(400);
    expect(duplicate.body).toEqual({ detail: "The specified model endpoint already exists." });

    const bundle = await request(app.server)
      .post("/v1/model-endpoints")
      .set("authorization", auth())
      .send(createBody({ name: "b", model_bundle_id: "bun_other" }))
      .expect(404);
    expect(bundle.body).toEqual({ detail: "The specified model bundle could not be found." });

    const tooLow = await request(app.server)
      .post("/v1/model-endpoints")
      .set("authorization", auth())
      .send(createBody({ name: "c", max_workers: 300 }))
      .expect(400);
    expect(tooLow.body).toEqual({ detail: "Requested max workers 300 too high" });

    const hooks = await request(app.server)
      .post("/v1/model-endpoints")
      .set("authorization", auth())
      .send(createBody({ name: "d", post_inference_hooks: ["webhook"] }))
      .expect(500);
    expect(Object.keys(hooks.body as object)).toEqual(["error", "timestamp", "request_id"]);
  });

  it("normalises a default callback URL like pydantic's HttpUrl", async () => {
    const id = await createEndpoint({ default_callback_url: "http://callback.example", post_inference_hooks: ["callback"] });
    app.harness.markDeployed(id);
    const got = await request(app.server).get(`/v1/model-endpoints/${id}`).set("authorization", auth()).expect(200);
    expect(got.body).toMatchObject({ default_callback_url: "http://callback.example/", post_inference_hooks: ["callback"] });
  });

  it("requires credentials", async () => {
    const response = await request(app.server).get("/v1/model-endpoints").expect(401);
    expect(response.body).toEqual({ detail: "No authentication was passed in" });
  });
});

describe("/v1/model-endpoints/{id}", () => {
  it("gets an endpoint, and hides it from other teams with the two-space 404", async () => {
    const id = await createEndpoint();
    const got = await request(app.server).get(`/v1/model-endpoints/${id}`).set("authorization", auth()).expect(200);
    expect(got.body).toMatchObject({ id, name: "demo-endpoint", deployment_state: null, resource_state: null, post_inference_hooks: [] });

    const foreign = await request(app.server).get(`/v1/model-endpoints/${id}`).set("authorization", auth("someone-else")).expect(404);
    expect(foreign.body).toEqual({ detail: `Model Endpoint ${id}  was not found.` });
    const listed = await request(app.server).get("/v1/model-endpoints").set("authorization", auth("someone-else")).expect(200);
    expect(listed.body).toEqual({ model_endpoints: [] });
  });

  it("updates: 500 before the first build, then 200 with merged labels", async () => {
    const id = await createEndpoint();
    const early = await request(app.server).put(`/v1/model-endpoints/${id}`).set("authorization", auth()).send({ max_workers: 2 }).expect(500);
    expect(early.body).toEqual({ detail: "Endpoint infra state not found, try again later." });

    app.harness.markDeployed(id);
    const updated = await request(app.server)
      .put(`/v1/model-endpoints/${id}`)
      .set("authorization", auth())
      .send({ max_workers: 2, labels: { team: "infra", product: "demo", stage: "b" }, gpu_type: null })
      .expect(200);
    expect(Object.keys(updated.body as object)).toEqual(["endpoint_creation_task_id"]);
    const got = await request(app.server).get(`/v1/model-endpoints/${id}`).set("authorization", auth()).expect(200);
    expect(got.body).toMatchObject({
      status: "UPDATE_PENDING",
      labels: { team: "infra", product: "demo", stage: "b" },
      deployment_state: { max_workers: 2, available_workers: 0, unavailable_workers: 0 },
      num_queued_items: 0,
    });

    const missing = await request(app.server).put("/v1/model-endpoints/end_nope").set("authorization", auth()).send({}).expect(404);
    expect(missing.body).toEqual({ detail: "The specified model endpoint or model bundle was not found." });
    const invalid = await request(app.server).put(`/v1/model-endpoints/${id}`).set("authorization", auth()).send({ min_workers: -1 }).expect(422);
    expect((invalid.body as { detail: { loc: unknown[] }[] }).detail[0]?.loc).toEqual(["body", "min_workers"]);
  });

  it("deletes an endpoint (a JSON body on DELETE is accepted)", async () => {
    const id = await createEndpoint();
    const deleted = await request(app.server).delete(`/v1/model-endpoints/${id}`).set("authorization", auth()).send({}).expect(200);
    expect(deleted.text).toBe('{"deleted":true}');
    const gone = await request(app.server).get(`/v1/model-endpoints/${id}`).set("authorization", auth()).expect(404);
    expect(gone.body).toEqual({ detail: `Model Endpoint ${id}  was not found.` });
    const again = await request(app.server).delete(`/v1/model-endpoints/${id}`).set("authorization", auth()).expect(404);
    expect(again.body).toEqual({ detail: `Model Endpoint ${id}  was not found.` });
  });

  it("restarts a deployed endpoint; one-space 404 otherwise", async () => {
    const id = await createEndpoint();
    const missing = await request(app.server).post("/v1/model-endpoints/end_nope/restart").set("authorization", auth()).expect(404);
    expect(missing.body).toEqual({ detail: "Model Endpoint end_nope was not found." });
    await request(app.server).post(`/v1/model-endpoints/${id}/restart`).set("authorization", auth()).expect(500);
    app.harness.markDeployed(id);
    const restarted = await request(app.server).post(`/v1/model-endpoints/${id}/restart`).set("authorization", auth()).expect(200);
    expect(restarted.body).toEqual({ restarted: true });
    expect(app.harness.scheduler.calls).toContain(`restart ${id}`);
  });
});

describe("endpoint API reference", () => {
  it("lists the caller's endpoints in the OpenAPI document with the bundle's schemas", async () => {
    app.harness.bundles.insert(makeBundle({ id: "bun_schema", name: "with-schema", schemaLocation: "s3://launch-local/schema.json" }));
    app.blobs.set(
      "s3://launch-local/schema.json",
      new TextEncoder().encode(JSON.stringify({ RequestSchema: { title: "Req", type: "object" }, ResponseSchema: { title: "Resp" } })),
    );
    const syncId = await createEndpoint({ name: "sync-ep", endpoint_type: "sync", min_workers: 1, model_bundle_id: "bun_schema" });
    const asyncId = await createEndpoint({ name: "async-ep" });

    const doc = await request(app.server).get("/v1/model-endpoints-schema.json").set("authorization", auth()).expect(200);
    const body = doc.body as { info: { title: string }; paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(body.info.title).toBe("Launch Endpoints API Reference");
    expect(Object.keys(body.paths)).toEqual([`/v1/sync-tasks?model_endpoint_id=${syncId}`, `/v1/async-tasks?model_endpoint_id=${asyncId}`]);
    expect(body.components.schemas["sync-ep-RequestSchema"]).toEqual({ title: "Req", type: "object" });
    expect(body.components.schemas["async-ep-RequestSchema"]).toEqual({ title: "RequestSchema" });

    const foreign = await request(app.server).get("/v1/model-endpoints-schema.json").set("authorization", auth("x")).expect(200);
    expect((foreign.body as { paths: object }).paths).toEqual({});
  });

  it("serves a page rendering the document with launch-local's own script (nothing from a CDN)", async () => {
    const page = await request(app.server).get("/v1/model-endpoints-api").set("authorization", auth()).expect(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.text).toContain('data-spec="/v1/model-endpoints-schema.json"');
    expect(page.text).toContain('<script src="/_launch_local/static/docs/docs.js"');
    expect(page.text).not.toMatch(/https?:\/\//);
  });
});
