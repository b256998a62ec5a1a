import request from "supertest";
import type { LaunchLocalOptions } from "../../src/config/options.js";
import { createFakeRuntime } from "../helpers/fake-runtime.js";
import { createTestApp, type TestApp } from "../helpers/test-app.js";
import { waitFor } from "../helpers/wait-for.js";
import { cloudpickleBundleBody } from "./control-fixture.js";

/**
 * Helpers for the v1 batch-job routes over a real instance (createTestApp: real SQLite, blobs and
 * scheduler, the in-process fake runtime whose artifact workers answer `{"result": json.dumps(args)}`).
 */
export interface BatchTestApp {
  app: TestApp;
  /** The official client's CSV upload: batch_task_input_upload, unauthenticated PUT, `s3://` location. */
  uploadCsv(text: string, user?: string): Promise<string>;
  /** A cloudpickle bundle (the fake runtime never unpickles it). */
  createBundle(name: string, user?: string): Promise<string>;
  createJob(body: Record<string, unknown>, user?: string): Promise<string>;
  getJob(jobId: string, user?: string): Promise<JobView>;
  /** Polls GET until the status is one of `statuses`. */
  waitForStatus(jobId: string, statuses: string[], timeoutMs?: number): Promise<JobView>;
  endpointNames(user?: string): Promise<string[]>;
  /** Endpoint builds wait until `releaseBuilds` (keeps a job PENDING for as long as a test needs). */
  holdBuilds(): void;
  releaseBuilds(): void;
  close(): Promise<void>;
}

export interface JobView {
  status: string;
  result: string | null;
  duration: string;
  num_tasks_pending: number | null;
  num_tasks_completed: number | null;
}

export const LABELS = { team: "infra", product: "launch" };

/** `id,args` rows the way the official client writes them: CRLF, base64 of Python's json.dumps. */
export function argsCsv(rows: readonly Record<string, unknown>[]): string {
  const lines = ["id,args", ...rows.map((args, i) => `${i},${Buffer.from(JSON.stringify(args)).toString("base64")}`)];
  return `${lines.join("\r\n")}\r\n`;
}

export async function createBatchTestApp(options: LaunchLocalOptions = {}): Promise<BatchTestApp> {
  let release: (() => void) | null = null;
  let held: Promise<void> | null = null;
  const app = await createTestApp({ ...options, fakeRuntime: createFakeRuntime({ prepare: async () => held ?? undefined }) });
  const auth = (user: string | undefined) => app.auth(user);

  async function upload(route: string, bytes: string | Uint8Array, user?: string): Promise<string> {
    const slot = await request(app.url).post(`/v1/hosted_inference/${route}`).set("authorization", auth(user)).send({});
    const { signedUrl, bucket, key } = slot.body as { signedUrl: string; bucket: string; key: string };
    const put = await fetch(signedUrl, { method: "PUT", body: typeof bytes === "string" ? bytes : Buffer.from(bytes) });
    if (!put.ok) throw new Error(`signed PUT failed: ${put.status}`);
    return `s3://${bucket}/${key}`;
  }

  async function getJob(jobId: string, user?: string): Promise<JobView> {
    const response = await request(app.url).get(`/v1/batch-jobs/${jobId}`).set("authorization", auth(user));
    if (response.status !== 200) throw new Error(`GET ${jobId} → ${response.status} ${response.text}`);
    return response.body as JobView;
  }

  return {
    app,
    uploadCsv: (text, user) => upload("batch_task_input_upload", text, user),
    async createBundle(name, user) {
      const location = await upload("model_bundle_upload", Buffer.from("not really a pickle"), user);
      const response = await request(app.url).post("/v2/model-bundles").set("authorization", auth(user)).send(cloudpickleBundleBody(name, location));
      if (response.status !== 200) throw new Error(`bundle create → ${response.status} ${response.text}`);
      return (response.body as { model_bundle_id: string }).model_bundle_id;
    },
    async createJob(body, user) {
      const response = await request(app.url).post("/v1/batch-jobs").set("authorization", auth(user)).send(body);
      if (response.status !== 200) throw new Error(`POST /v1/batch-jobs → ${response.status} ${response.text}`);
      return (response.body as { job_id: string }).job_id;
    },
    getJob,
    async waitForStatus(jobId, statuses, timeoutMs = 20_000) {
      let last: JobView | null = null;
      const reached = async () => ((last = await getJob(jobId)), statuses.includes(last.status) ? last : null);
      return waitFor(reached, timeoutMs, () => `job ${jobId} to reach ${statuses.join("/")}: still ${JSON.stringify(last)}`);
    },
    async endpointNames(user) {
      const response = await request(app.url).get("/v1/model-endpoints").set("authorization", auth(user));
      return (response.body as { model_endpoints: { name: string }[] }).model_endpoints.map((e) => e.name);
    },
    holdBuilds() {
      held = new Promise((resolve) => (release = resolve));
    },
    releaseBuilds() {
      release?.();
      held = null;
    },
    close: () => app.close(),
  };
}
