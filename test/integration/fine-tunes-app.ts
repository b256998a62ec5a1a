import { join } from "node:path";
import request from "supertest";
import { waitFor } from "../helpers/cli-process.js";
import { createDockerBundle } from "./docker-image-batch-jobs-app.js";
import { findPython, repoRoot } from "../helpers/python.js";
import type { TestApp } from "../helpers/test-app.js";

/** Helpers of the fine-tune suites: uploads, templates, the custom trainer fixture. */
export const customTrainerPath = join(repoRoot, "fixtures", "fine-tune", "custom_trainer.py");

export async function uploadFile(app: TestApp, filename: string, content: string, user = "me"): Promise<string> {
  const response = await request(app.url).post("/v1/files").set("authorization", app.auth(user)).attach("file", Buffer.from(content), filename).expect(200);
  return (response.body as { id: string }).id;
}

export async function putBlob(app: TestApp, location: string, content: string | Buffer, user = "me"): Promise<void> {
  await request(app.url)
    .put("/_launch_local/blobs")
    .query({ location })
    .set("authorization", app.auth(user))
    .set("content-type", "application/octet-stream")
    .send(Buffer.from(content))
    .expect(200);
}

/** Writes the template repository document (the instance's default location). */
export async function writeTemplates(app: TestApp, templates: Record<string, unknown>): Promise<void> {
  await putBlob(app, `s3://${app.instance.config.bucket}/fine_tune_repository`, JSON.stringify(templates));
}

/** A docker-image batch job bundle that runs the custom trainer fixture as a host process. */
export function createCustomTrainerBundle(app: TestApp, user = "me", isPublic = false): Promise<string> {
  const bundle = { name: "my-trainer", command: [findPython(), customTrainerPath], mount_location: "/launch_reserved/config_file.json", public: isPublic };
  return createDockerBundle(app, bundle, user);
}

export interface FineTuneView {
  id: string;
  fine_tuned_model: string | null;
  status: string;
}

export async function getFineTune(app: TestApp, id: string, user = "me"): Promise<FineTuneView> {
  return (await request(app.url).get(`/v1/llm/fine-tunes/${id}`).set("authorization", app.auth(user)).expect(200)).body as FineTuneView;
}

export async function waitForFineTune(app: TestApp, id: string, statuses: string[], timeoutMs = 30_000): Promise<FineTuneView> {
  return waitFor(
    async () => {
      const view = await getFineTune(app, id);
      return statuses.includes(view.status) ? view : null;
    },
    timeoutMs,
    `fine-tune ${id} to reach ${statuses.join("/")}`,
  );
}

export interface FineTuneEventView {
  timestamp: number | null;
  message: string;
  level: string;
}

export async function fineTuneEvents(app: TestApp, id: string, user = "me"): Promise<FineTuneEventView[]> {
  const response = await request(app.url).get(`/v1/llm/fine-tunes/${id}/events`).set("authorization", app.auth(user)).expect(200);
  return (response.body as { events: FineTuneEventView[] }).events;
}
