import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../helpers/test-app.js";

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
});

afterAll(async () => {
  await app.close();
});

const bundleBody = (overrides: Record<string, unknown> = {}) => ({
  name: "di-bundle",
  image_repository: "repo/job",
  image_tag: "v1",
  command: ["python3", "-c", "print(1)"],
  ...overrides,
});

async function createBundle(body: Record<string, unknown>, user = "me"): Promise<string> {
  const response = await request(app.url).post("/v1/docker-image-batch-job-bundles").set("authorization", app.auth(user)).send(body).expect(200);
  expect(Object.keys(response.body as object)).toEqual(["docker_image_batch_job_bundle_id"]);
  const id = (response.body as { docker_image_batch_job_bundle_id: string }).docker_image_batch_job_bundle_id;
  expect(id).toMatch(/^batbun_[0-9a-v]{20}$/);
  return id;
}

describe("docker-image batch job bundles (§2.5)", () => {
  it("creates a bundle with defaults and shows it in declaration order, resources as strings", async () => {
    const id = await createBundle(
      bundleBody({
        name: "shape",
        env: { A: "1" },
        resource_requests: { cpus: 0.1, memory: 1073741824, storage: "2Gi", gpus: 1, gpu_type: "nvidia-tesla-t4" },
      }),
    );
    const response = await request(app.url).get(`/v1/docker-image-batch-job-bundles/${id}`).set("authorization", app.auth()).expect(200);
    const body = response.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      "id",
      "name",
      "created_at",
      "image_repository",
      "image_tag",
      "command",
      "env",
      "mount_location",
      "cpus",
      "memory",
      "storage",
      "gpus",
      "gpu_type",
      "public",
    ]);
    expect(body).toMatchObject({
      id,
      name: "shape",
      env: { A: "1" },
      mount_location: null,
      cpus: "0.1",
      memory: "1073741824",
      storage: "2Gi",
      gpus: 1,
      gpu_type: "nvidia-tesla-t4",
      public: false,
    });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const bare = await createBundle(bundleBody({ name: "bare", public: null }));
    const bareBody = (await request(app.url).get(`/v1/docker-image-batch-job-bundles/${bare}`).set("authorization", app.auth())).body as Record<
      string,
      unknown
    >;
    expect(bareBody).toMatchObject({ env: {}, cpus: null, memory: null, storage: null, gpus: null, gpu_type: null, public: null });
  });

  it("lists by name and order, and finds the latest of a name", async () => {
    const first = await createBundle(bundleBody({ name: "versions" }));
    const second = await createBundle(bundleBody({ name: "versions", image_tag: "v2" }));
    const list = async (query: string) =>
      (
        (await request(app.url).get(`/v1/docker-image-batch-job-bundles${query}`).set("authorization", app.auth()).expect(200)).body as {
          docker_image_batch_job_bundles: { id: string }[];
        }
      ).docker_image_batch_job_bundles.map((bundle) => bundle.id);
    expect(await list("?bundle_name=versions")).toEqual([first, second]);
    expect(await list("?bundle_name=versions&order_by=newest")).toEqual([second, first]);
    expect(await list("?bundle_name=versions&order_by=oldest")).toEqual([first, second]);
    expect((await list("")).length).toBeGreaterThanOrEqual(2);

    const latest = await request(app.url).get("/v1/docker-image-batch-job-bundles/latest?bundle_name=versions").set("authorization", app.auth()).expect(200);
    expect((latest.body as { id: string; image_tag: string }).id).toBe(second);
  });

  it("answers the real 404 and 422 bodies", async () => {
    const id = await createBundle(bundleBody({ name: "private" }));
    const foreign = await request(app.url).get(`/v1/docker-image-batch-job-bundles/${id}`).set("authorization", app.auth("other")).expect(404);
    expect(foreign.body).toEqual({ detail: `Docker Image Batch Job Bundle ${id} was not found.` });
    const latest = await request(app.url)
      .get("/v1/docker-image-batch-job-bundles/latest?bundle_name=private")
      .set("authorization", app.auth("other"))
      .expect(404);
    expect(latest.body).toEqual({ detail: "Docker Image Batch Job Bundle with name private was not found." });
    const otherList = await request(app.url).get("/v1/docker-image-batch-job-bundles").set("authorization", app.auth("other")).expect(200);
    expect(otherList.body).toEqual({ docker_image_batch_job_bundles: [] });

    const missingQuery = await request(app.url).get("/v1/docker-image-batch-job-bundles/latest").set("authorization", app.auth()).expect(422);
    expect((missingQuery.body as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(["query", "bundle_name"]);
    const badOrder = await request(app.url).get("/v1/docker-image-batch-job-bundles?order_by=sideways").set("authorization", app.auth()).expect(422);
    expect((badOrder.body as { detail: { type: string }[] }).detail[0]?.type).toBe("enum");

    const noCommand = await request(app.url)
      .post("/v1/docker-image-batch-job-bundles")
      .set("authorization", app.auth())
      .send({ name: "x", image_repository: "r", image_tag: "t" })
      .expect(422);
    expect((noCommand.body as { detail: { type: string; loc: string[] }[] }).detail).toEqual([
      expect.objectContaining({ type: "missing", loc: ["body", "command"] }),
    ]);
    const nullEnv = await request(app.url)
      .post("/v1/docker-image-batch-job-bundles")
      .set("authorization", app.auth())
      .send(bundleBody({ env: null }))
      .expect(422);
    expect((nullEnv.body as { detail: { type: string; loc: string[] }[] }).detail).toEqual([
      expect.objectContaining({ type: "dict_type", loc: ["body", "env"] }),
    ]);
    const badGpu = await request(app.url)
      .post("/v1/docker-image-batch-job-bundles")
      .set("authorization", app.auth())
      .send(bundleBody({ resource_requests: { gpu_type: "tpu" } }))
      .expect(422);
    expect((badGpu.body as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(["body", "resource_requests", "gpu_type"]);
  });

  it("also answers under /v1/launch", async () => {
    await request(app.url).get("/v1/launch/v1/docker-image-batch-job-bundles").set("authorization", app.auth()).expect(200);
  });
});
