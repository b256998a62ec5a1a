/**
 * The process runtime end to end: real virtualenv builds with pip, the real Python worker server
 * (src/worker/server.py) loading a cloudpickle bundle, and runnable-image commands on host ports.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BundleFlavor, BundleRecord, RunnableFlavor } from "../../src/domain/bundle.js";
import { LaunchError } from "../../src/domain/errors.js";
import { silentLogger } from "../../src/domain/logger.js";
import type { WorkerHandle, WorkerLaunchSpec, WorkerRuntime } from "../../src/domain/ports.js";
import { createProcessRuntime, type ProcessRuntimeOptions } from "../../src/runtime/process/process-runtime.js";
import { parseProcStat } from "../../src/runtime/process/process-group.js";
import { ProcessWorker } from "../../src/runtime/process/process-worker.js";

const WORKER_SCRIPT = resolve("src/worker/server.py");

const MAKE_BUNDLE = `
import sys, cloudpickle
def load_model_fn(*config):
    return None
def load_predict_fn(*config_and_model):
    def predict(**kwargs):
        return kwargs
    return predict
with open(sys.argv[1], "wb") as f:
    cloudpickle.dump({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}, f)
`;

// A user server written for port 5005, as runnable images are; FAIL_ONCE_MARKER simulates a lost port race.
const ECHO_SERVER = `
import json, os, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
port = int(sys.argv[sys.argv.index("--port") + 1])
marker = os.environ.get("FAIL_ONCE_MARKER")
if marker and not os.path.exists(marker):
    open(marker, "w").close()
    sys.stderr.write("OSError: [Errno 98] Address already in use\\n")
    sys.exit(1)
if os.environ.get("IGNORE_TERM"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_GET(self):
        self.reply(200 if self.path == "/readyz" else 404, {"ok": True})
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.reply(200, {"pid": os.getpid(), "port": port, "env_port": os.environ.get("PORT"), "cuda": os.environ.get("CUDA_VISIBLE_DEVICES"), "args": body})
    def log_message(self, *args):
        pass
HTTPServer(("127.0.0.1", port), Handler).serve_forever()
`;

const childEnv = (): Record<string, string | undefined> => {
  // pip retries an unreachable default index first; use the machine's local index when it has one.
  const hasLocalIndex = existsSync("/opt/pypi/simple");
  return { ...process.env, ...(hasLocalIndex && !process.env.PIP_INDEX_URL ? { PIP_INDEX_URL: "file:///opt/pypi/simple" } : {}) };
};

let counter = 0;
const bundle = (flavor: BundleFlavor): BundleRecord => ({
  id: `bun_${++counter}`,
  name: "b",
  owner: "u",
  createdBy: "u",
  createdAt: 0,
  metadata: {},
  schemaLocation: null,
  modelArtifactIds: [],
  flavor,
  legacy: null,
});
const cloudpickleBundle = (requirements: string[]): BundleRecord =>
  bundle({
    flavor: "cloudpickle_artifact",
    requirements,
    framework: { framework_type: "pytorch", pytorch_image_tag: "x" },
    app_config: null,
    location: "s3://b/k",
    load_predict_fn: "",
    load_model_fn: "",
  });
const runnableBundle = (command: string[], env: Record<string, string> | null = null, healthcheck = "/readyz"): BundleRecord => {
  const flavor: RunnableFlavor = {
    flavor: "runnable_image",
    repository: "r",
    tag: "t",
    command,
    predict_route: "/predict",
    healthcheck_route: healthcheck,
    env,
    protocol: "http",
    readiness_initial_delay_seconds: 120,
    extra_routes: [],
    routes: [],
    forwarder_type: "default",
    worker_command: null,
    worker_env: null,
  };
  return bundle(flavor);
};
const spec = (b: BundleRecord, workerId: string, artifactPath: string | null = null, gpus = 0): WorkerLaunchSpec => ({
  endpointId: "end_1",
  endpointName: "e",
  workerId,
  bundle: b,
  artifactPath,
  concurrency: 1,
  cpus: 1,
  memory: "1Gi",
  gpus,
  endpointType: "sync",
});
const post = async (handle: WorkerHandle, body: unknown): Promise<unknown> => {
  const token: Record<string, string> = handle.token ? { "x-launch-worker-token": handle.token } : {};
  const response = await fetch(`${handle.baseUrl}/predict`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...token },
  });
  expect(response.status).toBe(200);
  return response.json();
};
/** process.kill(pid, 0) succeeds, and (on Linux) the process is not a zombie waiting for init to reap it. */
const isAlive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"))?.state !== "Z";
  } catch {
    return true;
  }
};
const pidOf = (handle: WorkerHandle): number | undefined => (handle instanceof ProcessWorker ? handle.pid : undefined);
const rejection = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => new Error("resolved"),
    (error: unknown) => error,
  );

describe("process runtime", () => {
  let dir = "";
  let dataDir = "";
  let pickle = "";
  let echoServer = "";
  const runtimes: WorkerRuntime[] = [];
  const make = (overrides: Partial<ProcessRuntimeOptions> = {}): WorkerRuntime => {
    const runtime = createProcessRuntime({
      dataDir,
      python: "python3",
      logger: silentLogger,
      workerScript: WORKER_SCRIPT,
      blobRoot: join(dir, "blobs"),
      resultsBucket: "launch-results",
      startTimeoutMs: 20_000,
      gpus: [],
      env: childEnv(),
      ...overrides,
    });
    runtimes.push(runtime);
    return runtime;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ll-process-runtime-"));
    dataDir = join(dir, "data");
    await mkdir(join(dir, "blobs"), { recursive: true });
    await writeFile(join(dir, "make_bundle.py"), MAKE_BUNDLE);
    pickle = join(dir, "bundle.pkl");
    execFileSync("python3", [join(dir, "make_bundle.py"), pickle]);
    echoServer = join(dir, "echo_server.py");
    await writeFile(echoServer, ECHO_SERVER);
  });

  afterAll(async () => {
    await Promise.all(runtimes.map((runtime) => runtime.dispose()));
    await rm(dir, { recursive: true, force: true });
  });

  it("runs two cloudpickle workers on distinct ports, kills one and leaves no child after dispose", async () => {
    const runtime = make();
    const b = cloudpickleBundle([]);
    await runtime.prepare(b, 0, () => undefined);
    const startedAt = Date.now();
    const [one, two] = await Promise.all([
      runtime.start(spec(b, "end_1-w1", pickle), () => undefined),
      runtime.start(spec(b, "end_1-w2", pickle), () => undefined),
    ]);
    await Promise.all([one.ready, two.ready]);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(one.baseUrl).not.toBe(two.baseUrl);
    expect(existsSync(join(dataDir, "workers", "end_1-w1"))).toBe(true);
    expect(await post(one, { args: { y: 1 } })).toEqual({ result: '{"y": 1}' });
    expect(await post(two, { args: { y: 1 } })).toEqual({ result: '{"y": 1}' });

    const pids = [pidOf(one), pidOf(two)];
    expect(pids.every(isAlive)).toBe(true);
    one.kill();
    expect((await one.exited).signal).toBe("SIGKILL");
    await runtime.dispose();
    await runtime.dispose();
    expect(await two.exited).toEqual({ code: 0, signal: null });
    expect(pids.some(isAlive)).toBe(false);
    expect(existsSync(join(dataDir, "workers", "end_1-w2"))).toBe(false);
    await expect(runtime.start(spec(b, "end_1-w3", pickle), () => undefined)).rejects.toThrow(/disposed/);
  });

  it("builds a venv once per requirements set, shares concurrent builds and reuses it after a restart", async () => {
    const b = cloudpickleBundle(["toml"]);
    const lines: string[] = [];
    const runtime = make();
    await Promise.all([runtime.prepare(b, 0, (l) => lines.push(l)), runtime.prepare(cloudpickleBundle([" toml "]), 0, (l) => lines.push(l))]);
    expect(lines.filter((l) => l.startsWith("Building a virtual environment")).length).toBe(2); // one build, both listeners
    expect(lines.some((l) => /Successfully installed toml/.test(l))).toBe(true);

    const restarted = make();
    const again: string[] = [];
    const t0 = Date.now();
    await restarted.prepare(b, 0, (l) => again.push(l));
    expect(again).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(3000);
    const [venv] = await readdir(join(dataDir, "venvs"));
    const imported = execFileSync(join(dataDir, "venvs", venv ?? "", "bin", "python"), ["-c", "import toml; print(toml.__file__)"]).toString();
    expect(imported).toContain(join(dataDir, "venvs"));
  });

  it("fails a build with a reason naming the requirement and leaves no cached dir", async () => {
    const runtime = make();
    const before = await readdir(join(dataDir, "venvs")).catch(() => []);
    const error = await rejection(runtime.prepare(cloudpickleBundle(["definitely-not-a-package-xyz==9"]), 0, () => undefined));
    expect(error).toBeInstanceOf(LaunchError);
    expect(error instanceof LaunchError ? error.code : "").toBe("BAD_REQUEST");
    expect(String(error)).toMatch(/pip exited with code 1.*definitely-not-a-package-xyz==9/);
    expect(await readdir(join(dataDir, "venvs"))).toEqual(before);
  });

  it("runs a runnable command twice on distinct ports with distinct GPUs", async () => {
    const runtime = make({ gpus: ["0", "1"] });
    const b = runnableBundle(["python3", echoServer, "--port", "5005"]);
    await runtime.prepare(b, 1, () => undefined);
    const [one, two] = await Promise.all([runtime.start(spec(b, "r-w1", null, 1), () => undefined), runtime.start(spec(b, "r-w2", null, 1), () => undefined)]);
    await Promise.all([one.ready, two.ready]);
    expect(one.baseUrl).not.toBe(two.baseUrl);
    const answers = [await post(one, { x: 1 }), await post(two, { x: 2 })];
    expect(answers).toMatchObject([
      { port: Number(new URL(one.baseUrl).port), env_port: new URL(one.baseUrl).port, cuda: "0", args: { x: 1 } },
      { port: Number(new URL(two.baseUrl).port), env_port: new URL(two.baseUrl).port, cuda: "1", args: { x: 2 } },
    ]);
    await expect(runtime.start(spec(b, "r-w3", null, 1), () => undefined)).rejects.toThrow(/only 0 of this host's 2 GPU\(s\) are free/);
    await one.stop();
    await one.stop();
    const three = await runtime.start(spec(b, "r-w3", null, 0), () => undefined);
    await three.ready;
    expect(await post(three, {})).toMatchObject({ cuda: "" });
    await runtime.dispose();
  });

  it("stop() kills the whole process group, with SIGKILL when SIGTERM is ignored", async () => {
    const runtime = make();
    const pidIn = async (handle: WorkerHandle): Promise<number> => {
      const answer = await post(handle, {});
      return typeof answer === "object" && answer !== null && "pid" in answer && typeof answer.pid === "number" ? answer.pid : -1;
    };
    // A shell leader whose child (the server) ignores SIGTERM: the child must not outlive the leader.
    const wrapped = runnableBundle(["/bin/sh", "-c", `python3 ${echoServer} --port 5005 & wait`], { IGNORE_TERM: "1" });
    const viaShell = await runtime.start(spec(wrapped, "g-w1"), () => undefined);
    await viaShell.ready;
    const grandchild = await pidIn(viaShell);
    expect(isAlive(grandchild)).toBe(true);
    await viaShell.stop();
    expect(isAlive(grandchild)).toBe(false);

    const stubborn = runnableBundle(["python3", echoServer, "--port", "5005"], { IGNORE_TERM: "1" });
    const worker = await runtime.start(spec(stubborn, "g-w2"), () => undefined);
    await worker.ready;
    const t0 = Date.now();
    await worker.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1900);
    expect(await worker.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(isAlive(pidOf(worker))).toBe(false);
  });

  it("starts again on another port when the child lost the port race", async () => {
    const runtime = make();
    const b = runnableBundle(["python3", echoServer, "--port", "5005"], { FAIL_ONCE_MARKER: join(dir, "failed-once") });
    const lines: string[] = [];
    const worker = await runtime.start(spec(b, "race-w1"), (l) => lines.push(l));
    const firstUrl = worker.baseUrl;
    await worker.ready;
    expect(worker.baseUrl).not.toBe(firstUrl);
    expect(lines.some((l) => /was taken before the worker bound it/.test(l))).toBe(true);
    await runtime.dispose();
  });

  it("rejects ready with the exit code and the last stderr lines, or after the start timeout", async () => {
    const runtime = make({ startTimeoutMs: 1500 });
    const crash = runnableBundle(["python3", "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"]);
    const crashed = await runtime.start(spec(crash, "c-w1"), () => undefined);
    expect(String(await rejection(crashed.ready))).toMatch(/exited with code 3 before becoming ready; last stderr lines: boom/);
    expect((await crashed.exited).code).toBe(3);

    const silent = runnableBundle(["python3", echoServer, "--port", "5005"], null, "/never-ready");
    const slow = await runtime.start(spec(silent, "s-w1"), () => undefined);
    expect(String(await rejection(slow.ready))).toMatch(/did not become ready within 1500 ms/);
    await slow.exited;
    await runtime.dispose();
  });

  it("checks runnable executables and GPU counts in prepare", async () => {
    const strict = make();
    await expect(strict.prepare(runnableBundle(["no-such-binary-xyz"]), 0, () => undefined)).rejects.toThrow(/"no-such-binary-xyz" was not found on PATH/);
    await expect(strict.prepare(runnableBundle(["python3"]), 2, () => undefined)).rejects.toThrow("Requested gpus=2 but this host has 0 GPU(s)");
    const lines: string[] = [];
    await make({ gpuPolicy: "ignore" }).prepare(runnableBundle(["python3"]), 2, (l) => lines.push(l));
    expect(lines.join("\n")).toMatch(/this host has 0 GPU\(s\); gpu policy "ignore": running without GPUs/);
  });
});
