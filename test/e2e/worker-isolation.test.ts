/**
 * What a bundle's code can see of the server that started it (README "Trust model"): its
 * environment is the allow-list of runtime/worker-env.ts plus the platform's variables, never the
 * server's secrets; its port answers only the gateway, which sends the worker's own token; real
 * workers and jobs under the process runtime.
 */
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BundleRecord, RunnableFlavor } from "../../src/domain/bundle.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { WorkerRuntime } from "../../src/domain/ports.js";
import type { JobRunSpec } from "../../src/domain/job-ports.js";
import { createProcessJobRunner } from "../../src/runtime/process/job-runner.js";
import { createProcessRuntime } from "../../src/runtime/process/process-runtime.js";

// A cloudpickle bundle whose predict answers the worker's environment.
const MAKE_ENV_BUNDLE = `
import sys, cloudpickle
def load_model_fn(*config):
    return None
def load_predict_fn(*config_and_model):
    import os
    def predict(**kwargs):
        return dict(os.environ)
    return predict
with open(sys.argv[1], "wb") as f:
    cloudpickle.dump({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}, f)
`;

const PRINT_ENV = "import json, os; print('ENV ' + json.dumps(dict(os.environ)))";

// A runnable image's server that answers its environment.
const ENV_SERVER = `
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
port = int(sys.argv[sys.argv.index("--port") + 1])
class Handler(BaseHTTPRequestHandler):
    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        self.reply({"ok": True})
    def do_POST(self):
        self.reply(dict(os.environ))
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
`;

/** The server's environment as a user might have it: secrets beside the settings a worker needs. */
const serverEnv = (): Record<string, string | undefined> => ({
  ...process.env,
  LAUNCH_LOCAL_API_KEYS: "key-of-alice,key-of-bob",
  LAUNCH_LOCAL_ADMIN_KEYS: "admin-secret",
  GITHUB_TOKEN: "ghp_secret",
  PIP_EXTRA_INDEX_URL: "https://pip.example/simple",
  HTTPS_PROXY: "http://proxy.example:3128",
  LANG: "C.UTF-8",
});

const expectIsolated = (env: Record<string, unknown>): void => {
  expect(env).not.toHaveProperty("LAUNCH_LOCAL_API_KEYS");
  expect(env).not.toHaveProperty("LAUNCH_LOCAL_ADMIN_KEYS");
  expect(env).not.toHaveProperty("GITHUB_TOKEN");
  expect(env).toMatchObject({ PIP_EXTRA_INDEX_URL: "https://pip.example/simple", HTTPS_PROXY: "http://proxy.example:3128", LANG: "C.UTF-8" });
  expect(env).toHaveProperty("PATH");
  expect(env).toHaveProperty("HOME");
};

const runnable = (command: string[]): BundleRecord => {
  const flavor: RunnableFlavor = {
    flavor: "runnable_image",
    repository: "r",
    tag: "t",
    command,
    predict_route: "/predict",
    healthcheck_route: "/readyz",
    env: { BUNDLE_SETTING: "from-the-bundle" },
    protocol: "http",
    readiness_initial_delay_seconds: 120,
    extra_routes: [],
    routes: [],
    forwarder_type: "default",
    worker_command: null,
    worker_env: null,
  };
  return { id: "bun_env", name: "b", owner: "u", createdBy: "u", createdAt: 0, metadata: {}, schemaLocation: null, modelArtifactIds: [], flavor, legacy: null };
};

describe("the environment a worker and a job see", () => {
  let dir = "";
  let runtime: WorkerRuntime | null = null;
  const processRuntime = (): WorkerRuntime =>
    (runtime ??= createProcessRuntime({
      dataDir: join(dir, "data"),
      python: "python3",
      logger: silentLogger,
      workerScript: resolve("src/worker/server.py"),
      blobRoot: join(dir, "blobs"),
      resultsBucket: "launch-results",
      startTimeoutMs: 20_000,
      gpus: [],
      env: serverEnv(),
    }));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ll-worker-isolation-"));
    await writeFile(join(dir, "env_server.py"), ENV_SERVER);
    await writeFile(join(dir, "make_bundle.py"), MAKE_ENV_BUNDLE);
    execFileSync("python3", [join(dir, "make_bundle.py"), join(dir, "env.pkl")]);
  });

  afterAll(async () => {
    await runtime?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("a process worker gets the allow-list and its bundle's env, never the server's secrets", async () => {
    const runtime = processRuntime();
    const bundle = runnable(["python3", join(dir, "env_server.py"), "--port", "5005"]);
    await runtime.prepare(bundle, 0, () => undefined);
    const worker = await runtime.start(
      {
        endpointId: "end_1",
        endpointName: "e",
        workerId: "end_1-w1",
        bundle,
        artifactPath: null,
        concurrency: 1,
        cpus: 1,
        memory: "1Gi",
        gpus: 0,
        endpointType: "sync",
      },
      () => undefined,
    );
    await worker.ready;
    const response = await fetch(`${worker.baseUrl}/predict`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
    const env = (await response.json()) as Record<string, unknown>;
    expectIsolated(env);
    expect(env).toMatchObject({ BUNDLE_SETTING: "from-the-bundle", PORT: expect.any(String) as unknown });
  });

  it("an artifact worker answers only calls with its own token, and its code sees no server secret", async () => {
    const runtime = processRuntime();
    const flavor: BundleRecord["flavor"] = {
      flavor: "cloudpickle_artifact",
      requirements: [],
      framework: { framework_type: "pytorch", pytorch_image_tag: "x" },
      app_config: null,
      location: "s3://b/k",
      load_predict_fn: "",
      load_model_fn: "",
    };
    const bundle: BundleRecord = { ...runnable([]), id: "bun_pickle", flavor };
    await runtime.prepare(bundle, 0, () => undefined);
    const worker = await runtime.start(
      {
        endpointId: "end_2",
        endpointName: "e",
        workerId: "end_2-w1",
        bundle,
        artifactPath: join(dir, "env.pkl"),
        concurrency: 1,
        cpus: 1,
        memory: "1Gi",
        gpus: 0,
        endpointType: "sync",
      },
      () => undefined,
    );
    await worker.ready;
    const token = worker.token ?? "";
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const call = (headers: Record<string, string>) =>
      fetch(`${worker.baseUrl}/predict`, { method: "POST", body: '{"args": {}}', headers: { "Content-Type": "application/json", ...headers } });
    expect((await call({})).status).toBe(401);
    expect((await call({ "x-launch-worker-token": `${token}x` })).status).toBe(403);
    expect((await fetch(`${worker.baseUrl}/readyz`)).status).toBe(401);
    const served = await call({ "x-launch-worker-token": token });
    expect(served.status).toBe(200);
    const env = JSON.parse(((await served.json()) as { result: string }).result) as Record<string, unknown>;
    expectIsolated(env);
  });

  it("a docker-image batch job run as a host process gets the allow-list and the platform's job variables", async () => {
    const runner = createProcessJobRunner({ dataDir: join(dir, "jobs"), logger: silentLogger, env: serverEnv(), graceMs: 1000 });
    const job: JobRunSpec = {
      jobId: "job_env",
      owner: "u",
      spec: {
        imageRepository: "r",
        imageTag: "t",
        command: ["python3", "-c", PRINT_ENV],
        env: { JOB_SETTING: "from-the-bundle" },
        mountLocation: "/tmp/job_config.json",
        resources: { cpus: 1, memory: "1Gi", storage: null, gpus: null, gpuType: null },
      },
      jobConfigText: "{}",
      credentials: null,
    };
    const lines: string[] = [];
    const handle = await runner.run(job, (line) => lines.push(line));
    expect((await handle.exited).code).toBe(0);
    await runner.dispose();
    const printed = lines.find((line) => line.includes("ENV {"));
    expect(printed).toBeDefined();
    const env = JSON.parse((printed ?? "").slice((printed ?? "").indexOf("ENV ") + 4)) as Record<string, unknown>;
    expectIsolated(env);
    expect(env).toMatchObject({ JOB_SETTING: "from-the-bundle", LAUNCH_JOB_ID: "job_env" });
  });
});
