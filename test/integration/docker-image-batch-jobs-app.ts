import request from "supertest";
import { waitFor } from "../helpers/cli-process.js";
import type { TestApp } from "../helpers/test-app.js";

/** Helpers shared by the docker-image batch job and trigger suites. */
export async function createDockerBundle(app: TestApp, overrides: Record<string, unknown> = {}, user = "me"): Promise<string> {
  const response = await request(app.url)
    .post("/v1/docker-image-batch-job-bundles")
    .set("authorization", app.auth(user))
    .send({
      name: "job-bundle",
      image_repository: "repo/job",
      image_tag: "v1",
      command: ["sh", "-c", "exit 0"],
      resource_requests: { cpus: "1", memory: "1Gi" },
      ...overrides,
    })
    .expect(200);
  return (response.body as { docker_image_batch_job_bundle_id: string }).docker_image_batch_job_bundle_id;
}

export const LABELS = { team: "infra", product: "demo" };

export async function createJob(app: TestApp, body: Record<string, unknown>, user = "me"): Promise<string> {
  const response = await request(app.url)
    .post("/v1/docker-image-batch-jobs")
    .set("authorization", app.auth(user))
    .send({ labels: LABELS, ...body });
  if (response.status !== 200) throw new Error(`job create answered ${response.status}: ${JSON.stringify(response.body)}`);
  return (response.body as { job_id: string }).job_id;
}

export async function jobStatus(app: TestApp, id: string, user = "me"): Promise<string> {
  const response = await request(app.url).get(`/v1/docker-image-batch-jobs/${id}`).set("authorization", app.auth(user)).expect(200);
  return (response.body as { status: string }).status;
}

export async function waitForStatus(app: TestApp, id: string, statuses: string[], timeoutMs = 20_000): Promise<string> {
  return waitFor(
    async () => {
      const status = await jobStatus(app, id);
      return statuses.includes(status) ? status : null;
    },
    timeoutMs,
    `job ${id} to reach ${statuses.join("/")}`,
  );
}

export async function jobLogs(app: TestApp, id: string): Promise<{ status: string; status_reason: string | null; lines: string[] }> {
  const response = await request(app.url).get(`/_launch_local/docker-image-batch-jobs/${id}/logs`).set("authorization", app.auth()).expect(200);
  return response.body as { status: string; status_reason: string | null; lines: string[] };
}
