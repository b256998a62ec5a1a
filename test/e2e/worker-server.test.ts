/**
 * End to end: the Python worker server (src/worker, server-contract.md §4.3) and the runnable echo
 * fixture, as real processes on ephemeral ports, driven over HTTP.
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildFixtureBundles,
  echoServerPath,
  echoZipModulePaths,
  findFreePort,
  PythonExitError,
  readPickledJson,
  startPythonServer,
  workerServerPath,
  writePickledJson,
  type FixtureBundles,
  type PythonServer,
} from "../helpers/python.js";

const RESULT_URL = /^s3:\/\/([^/]+)\/(tmp\/hosted-model-inference-outputs\/[0-9a-f-]{36}\.pkl)$/;

let root = "";
let blobRoot = "";
let bundles: FixtureBundles;
const servers: PythonServer[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "launch-worker-test-"));
  blobRoot = join(root, "blobs");
  bundles = await buildFixtureBundles(join(root, "bundles"));
  await mkdir(join(blobRoot, "inputs", "data"), { recursive: true });
  await writeFile(join(blobRoot, "inputs", "data", "hello.txt"), "hello from s3");
  await writeFile(join(root, "local.txt"), "hello from file");
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  if (root !== "") await rm(root, { recursive: true, force: true });
});

async function startWorker(bundlePath: string, env: Record<string, string> = {}): Promise<PythonServer> {
  const workDir = await mkdtemp(join(root, "work-"));
  const server = await startPythonServer(workerServerPath, [], {
    LAUNCH_WORKER_PORT: "0",
    LAUNCH_BUNDLE_FLAVOR: "cloudpickle_artifact",
    LAUNCH_BUNDLE_PATH: bundlePath,
    LAUNCH_WORK_DIR: workDir,
    LAUNCH_BLOB_ROOT: blobRoot,
    ...env,
  });
  servers.push(server);
  return server;
}

async function startFailingWorker(bundlePath: string, env: Record<string, string> = {}): Promise<PythonExitError> {
  const error: unknown = await startWorker(bundlePath, env).then(
    () => new Error("the worker started"),
    (reason: unknown) => reason,
  );
  if (!(error instanceof PythonExitError)) throw error;
  return error;
}

async function post(server: PythonServer, body: unknown, path = "/predict"): Promise<{ status: number; text: string }> {
  const response = await fetch(server.url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function postJson(server: PythonServer, body: unknown): Promise<{ status: number; json: unknown }> {
  const { status, text } = await post(server, body);
  return { status, json: JSON.parse(text) as unknown };
}

function tracebackOf(json: unknown): string {
  const parsed = json as { detail?: { traceback?: unknown } };
  return typeof parsed.detail?.traceback === "string" ? parsed.detail.traceback : "";
}

describe("worker server: cloudpickle echo bundle", () => {
  let echo: PythonServer;
  beforeAll(async () => {
    echo = await startWorker(bundles.echo);
  });

  it("answers the health probes with 200 and an empty body", async () => {
    for (const path of ["/readyz", "/healthz", "/healthcheck"]) {
      const response = await fetch(echo.url + path);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("");
    }
  });

  it("predicts on args with Python's json.dumps formatting", async () => {
    const response = await fetch(echo.url + "/predict", { method: "POST", body: '{"args": {"y": 1}}' });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.text()).toBe('{"result": "{\\"y\\": 1}"}');
    expect((await post(echo, '{"args": {"x": [1.0, "\u00e9"], "n": null}}')).text).toBe('{"result": "{\\"x\\": [1.0, \\"\\\\u00e9\\"], \\"n\\": null}"}');
  });

  it("pickles the result into the blob store when return_pickled is set, private to the instance (0600)", async () => {
    const { status, json } = await postJson(echo, { args: { y: 1 }, return_pickled: true });
    expect(status).toBe(200);
    const match = RESULT_URL.exec((json as { result_url: string }).result_url);
    expect(match?.[1]).toBe("launch-local");
    const path = join(blobRoot, match?.[1] ?? "", match?.[2] ?? "");
    expect(existsSync(path)).toBe(true);
    expect((statSync(path).mode & 0o777).toString(8)).toBe("600");
    expect(await readPickledJson(path)).toEqual({ y: 1 });
  });

  it("runs a cloudpickle input and always pickles its result", async () => {
    await writePickledJson(join(blobRoot, "inputs", "call.pkl"), { args: [], kwargs: { z: 2 } });
    const { status, json } = await postJson(echo, { cloudpickle: "s3://inputs/call.pkl" });
    expect(status).toBe(200);
    const match = RESULT_URL.exec((json as { result_url: string }).result_url);
    expect(await readPickledJson(join(blobRoot, match?.[1] ?? "", match?.[2] ?? ""))).toEqual({ z: 2 });
  });

  it("rejects a request with neither url nor args with the generic server's 500", async () => {
    const { status, json } = await postJson(echo, { args: null });
    expect(status).toBe(500);
    expect(tracebackOf(json)).toContain("ValueError: Input needs either url or args.");
  });

  it("answers bad JSON, bad fields, unknown paths and wrong methods", async () => {
    expect((await post(echo, "{not json")).status).toBe(400);
    const invalid = await postJson(echo, { url: 5, args: {} });
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({ detail: [{ loc: ["body", "url"], type: "string_type" }] });
    const missing = await fetch(echo.url + "/nope");
    expect([missing.status, await missing.text()]).toEqual([404, '{"detail": "Not Found"}']);
    expect((await fetch(echo.url + "/predict")).status).toBe(405);
  });

  it("keeps the connection alive and answers each request in one send (no 40 ms stalls)", async () => {
    const socket = connect(echo.port, "127.0.0.1");
    socket.setNoDelay(true);
    socket.setEncoding("utf8");
    const body = '{"args": {"a": 1}}';
    const request = `POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const count = 50;
    let received = "";
    const started = performance.now();
    for (let i = 0; i < count; i += 1) {
      const before = received.split("HTTP/1.1 200 OK").length;
      socket.write(request);
      while (received.split("HTTP/1.1 200 OK").length === before || !received.endsWith("}")) {
        received += await new Promise<string>((resolveChunk) => socket.once("data", resolveChunk));
      }
    }
    const elapsedMs = performance.now() - started;
    socket.destroy();
    expect(received.split("HTTP/1.1 200 OK").length - 1).toBe(count);
    expect(received).not.toContain("Connection: close");
    // Split writes would cost about 40 ms each through Nagle plus delayed ACK.
    expect(elapsedMs / count).toBeLessThan(20);
  });

  it("exits 0 on SIGTERM", async () => {
    const worker = await startWorker(bundles.echo);
    expect(await worker.stop()).toBe(0);
  });
});

describe("worker server: inputs by url", () => {
  it("reads s3:// urls from the blob root and file:// urls, and passes the bytes positionally", async () => {
    const worker = await startWorker(bundles.bytes);
    const fromS3 = await postJson(worker, { url: "s3://inputs/data/hello.txt" });
    expect(fromS3).toEqual({ status: 200, json: { result: '{"size": 13, "text": "hello from s3"}' } });
    const fromFile = await postJson(worker, { url: pathToFileURL(join(root, "local.txt")).href, args: { ignored: 1 } });
    expect(fromFile.json).toEqual({ result: '{"size": 15, "text": "hello from file"}' });
    const missing = await postJson(worker, { url: "s3://inputs/data/absent.txt" });
    expect(missing.status).toBe(500);
    expect(tracebackOf(missing.json)).toContain("FileNotFoundError");
  });
});

describe("worker server: user errors and load failures", () => {
  it("answers a user exception with 500 and the full traceback", async () => {
    const worker = await startWorker(bundles.failing);
    const { status, json } = await postJson(worker, { args: { y: 1 } });
    expect(status).toBe(500);
    expect(tracebackOf(json)).toMatch(/^Traceback \(most recent call last\):\n[\s\S]*ValueError: boom\n$/);
  });

  it("exits 1 with the traceback on stderr when the bundle fails to load", async () => {
    const error = await startFailingWorker(bundles.brokenLoad);
    expect(error.exitCode).toBe(1);
    expect(error.stderr).toContain("RuntimeError: cannot load model");
  });

  it("exits 2 on a bad configuration", async () => {
    const error = await startFailingWorker(bundles.echo, { LAUNCH_BUNDLE_FLAVOR: "tarball" });
    expect(error.exitCode).toBe(2);
    expect(error.stderr).toContain("LAUNCH_BUNDLE_FLAVOR");
  });
});

describe("worker server: app_config forms", () => {
  it("passes app_config to load_model_fn(config) and load_predict_fn(config, model)", async () => {
    const worker = await startWorker(bundles.config, { LAUNCH_APP_CONFIG: '{"scale": 3, "name": "cfg"}' });
    expect((await postJson(worker, { args: { x: 2 } })).json).toEqual({ result: '{"y": 6, "name": "cfg"}' });
  });

  it("uses the one-argument forms when app_config is null, so a config-only bundle fails to load", async () => {
    const echo = await startWorker(bundles.echo, { LAUNCH_APP_CONFIG: "null" });
    expect((await postJson(echo, { args: { y: 1 } })).json).toEqual({ result: '{"y": 1}' });
    const error = await startFailingWorker(bundles.config, { LAUNCH_APP_CONFIG: "null" });
    expect(error.exitCode).toBe(1);
    expect(error.stderr).toContain("TypeError");
  });

  it("supports a ready model, an object with init(config), and a bare predict function", async () => {
    const model = await startWorker(bundles.model);
    expect((await postJson(model, { args: { x: 1 } })).json).toEqual({ result: "101" });
    const initObject = await startWorker(bundles.initObject, { LAUNCH_APP_CONFIG: '{"k": 1}' });
    expect((await postJson(initObject, { args: { a: 1 } })).json).toEqual({
      result: '{"config": {"k": 1}, "args": {"a": 1}}',
    });
    const bare = await startWorker(bundles.bareFn);
    expect((await postJson(bare, { args: { b: 1, a: 2 } })).json).toEqual({ result: '["a", "b"]' });
  });
});

describe("worker server: zip bundle", () => {
  const zipEnv = (config: string | undefined): Record<string, string> => ({
    LAUNCH_BUNDLE_FLAVOR: "zip_artifact",
    LAUNCH_LOAD_PREDICT_FN_MODULE_PATH: echoZipModulePaths.loadPredictFn,
    LAUNCH_LOAD_MODEL_FN_MODULE_PATH: echoZipModulePaths.loadModelFn,
    ...(config === undefined ? {} : { LAUNCH_APP_CONFIG: config }),
  });

  it("unpacks, imports the dotted paths and passes the config (even when null)", async () => {
    const withConfig = await startWorker(bundles.echoZip, zipEnv('{"k": "v"}'));
    expect((await postJson(withConfig, { args: { y: 1 } })).json).toEqual({
      result: '{"args": {"y": 1}, "config": {"k": "v"}}',
    });
    const withoutConfig = await startWorker(bundles.echoZip, zipEnv(undefined));
    expect((await postJson(withoutConfig, { args: { y: 1 } })).json).toEqual({
      result: '{"args": {"y": 1}, "config": null}',
    });
  });
});

describe("worker server: concurrency and ports", () => {
  it("answers 429 at once beyond LAUNCH_WORKER_CONCURRENCY", async () => {
    const worker = await startWorker(bundles.slow, { LAUNCH_WORKER_CONCURRENCY: "1" });
    const slow = post(worker, { args: { seconds: 2, tag: "slow" } });
    // Quick probes pass until the slow request holds the only slot, then every probe gets 429.
    let probe = await post(worker, { args: { seconds: 0 } });
    for (let attempt = 0; probe.status === 200 && attempt < 1000; attempt += 1) {
      probe = await post(worker, { args: { seconds: 0 } });
    }
    expect(probe).toEqual({ status: 429, text: '{"detail": "Too many requests"}' });
    expect(await slow).toEqual({ status: 200, text: '{"result": "{\\"tag\\": \\"slow\\"}"}' });
    expect((await post(worker, { args: { seconds: 0, after: true } })).status).toBe(200);
  });

  it("listens on the port given in LAUNCH_WORKER_PORT and writes results to LAUNCH_RESULTS_BUCKET", async () => {
    const port = await findFreePort();
    const worker = await startWorker(bundles.echo, {
      LAUNCH_WORKER_PORT: String(port),
      LAUNCH_RESULTS_BUCKET: "results",
    });
    expect(worker.port).toBe(port);
    expect(worker.stdout()).toBe(`launch-worker ready on 127.0.0.1:${port}\n`);
    const { json } = await postJson(worker, { args: { y: 1 }, return_pickled: "true" });
    expect(RESULT_URL.exec((json as { result_url: string }).result_url)?.[1]).toBe("results");
  });
});

describe("runnable echo server fixture", () => {
  let echo: PythonServer;
  beforeAll(async () => {
    echo = await startPythonServer(echoServerPath, ["--port", "0"], {});
    servers.push(echo);
  });

  it("answers readiness, echoes the body byte for byte, streams one event and fails on /fail", async () => {
    expect((await fetch(echo.url + "/readyz")).status).toBe(200);
    expect(await post(echo, '{"y": 1.0}')).toEqual({ status: 200, text: '{"y": 1.0}' });
    const stream = await fetch(echo.url + "/stream", { method: "POST", body: '{"y":1}' });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect(await stream.text()).toBe('data: {"y":1}\r\n\r\n');
    expect(await post(echo, {}, "/fail")).toEqual({ status: 500, text: '{"detail": {"traceback": "user error"}}' });
  });
});

describe("worker server: the per-worker token", () => {
  it("answers 401 without X-Launch-Worker-Token, 403 with another, on health routes too, and serves with its own", async () => {
    const token = "tok-9f2c4e";
    const worker = await startWorker(bundles.echo, { LAUNCH_WORKER_TOKEN: token });
    const call = (path: string, headers: Record<string, string>, method = "POST") =>
      fetch(worker.url + path, {
        method,
        headers: { "content-type": "application/json", ...headers },
        ...(method === "POST" ? { body: '{"args": {"y": 1}}' } : {}),
      });
    for (const [path, method] of [
      ["/predict", "POST"],
      ["/readyz", "GET"],
      ["/healthz", "GET"],
    ] as const) {
      const missing = await call(path, {}, method);
      expect([path, missing.status, await missing.json()]).toEqual([path, 401, { detail: "No worker token" }]);
      const wrong = await call(path, { "x-launch-worker-token": "tok-9f2c4f" }, method);
      expect([path, wrong.status, await wrong.json()]).toEqual([path, 403, { detail: "Invalid worker token" }]);
    }
    expect((await call("/readyz", { "x-launch-worker-token": token }, "GET")).status).toBe(200);
    const served = await call("/predict", { "x-launch-worker-token": token });
    expect([served.status, await served.json()]).toEqual([200, { result: '{"y": 1}' }]);
  });
});
