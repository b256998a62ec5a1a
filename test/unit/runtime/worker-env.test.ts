import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ArtifactFlavor } from "../../../src/domain/bundle.js";
import { WORKER_ENV_KEYS, artifactWorkerEnv, awsWorkerEnv, inheritedEnv, rayDriverEnv, runnableProcessEnv } from "../../../src/runtime/worker-env.js";

const WORKER_DIR = "src/worker";
/** Read by the worker but never set by a runtime: a developer's switch. */
const DEVELOPER_ONLY = new Set(["LAUNCH_WORKER_DEBUG"]);

/** Every LAUNCH_* name the Python side reads (settings.py, main.py's parent watch, blobs.py, exec_with_parent.py). */
function keysReadByTheWorker(): Set<string> {
  const files = [
    join(WORKER_DIR, "exec_with_parent.py"),
    ...readdirSync(join(WORKER_DIR, "launch_worker"))
      .filter((name) => name.endsWith(".py"))
      .map((name) => join(WORKER_DIR, "launch_worker", name)),
  ];
  const keys = new Set<string>();
  for (const file of files) for (const match of readFileSync(file, "utf8").matchAll(/"(LAUNCH_[A-Z_]+)"/g)) if (match[1] !== undefined) keys.add(match[1]);
  for (const key of DEVELOPER_ONLY) keys.delete(key);
  return keys;
}

const zip: ArtifactFlavor = {
  flavor: "zip_artifact",
  requirements: [],
  framework: { framework_type: "pytorch", pytorch_image_tag: "2.1" },
  app_config: { threshold: 0.5 },
  location: "s3://b/model.zip",
  load_predict_fn_module_path: "pkg.predict:load",
  load_model_fn_module_path: "pkg.model:load",
};

describe("the worker environment (runtime/worker-env.ts)", () => {
  it("names exactly the keys the Python worker reads", () => {
    expect(new Set(Object.values(WORKER_ENV_KEYS))).toEqual(keysReadByTheWorker());
  });

  it("writes every key for a zip bundle on the host, and all but the parent pid in a container", () => {
    const settings = {
      flavor: zip,
      host: "127.0.0.1",
      port: 5005,
      bundlePath: "/b/model.zip",
      workDir: "/w",
      blobs: { root: "/blobs" },
      resultsBucket: "bucket",
      concurrency: 3,
      token: "tok",
    };
    const host = artifactWorkerEnv({ ...settings, parentPid: 42 });
    expect(host).toEqual({
      LAUNCH_WORKER_HOST: "127.0.0.1",
      LAUNCH_WORKER_PORT: "5005",
      LAUNCH_BUNDLE_FLAVOR: "zip_artifact",
      LAUNCH_BUNDLE_PATH: "/b/model.zip",
      LAUNCH_APP_CONFIG: '{"threshold":0.5}',
      LAUNCH_WORK_DIR: "/w",
      LAUNCH_BLOB_ROOT: "/blobs",
      LAUNCH_RESULTS_BUCKET: "bucket",
      LAUNCH_WORKER_CONCURRENCY: "3",
      LAUNCH_LOAD_PREDICT_FN_MODULE_PATH: "pkg.predict:load",
      LAUNCH_LOAD_MODEL_FN_MODULE_PATH: "pkg.model:load",
      LAUNCH_WORKER_PARENT_PID: "42",
      LAUNCH_WORKER_TOKEN: "tok",
    });
    const remote = new Set(["LAUNCH_BLOB_URL", "LAUNCH_BLOB_TOKEN"]);
    const readByPython = [...keysReadByTheWorker()].filter((key) => key !== "LAUNCH_WORKER_PARENT_PID" && !remote.has(key));
    expect(Object.keys(artifactWorkerEnv({ ...settings, parentPid: null })).sort()).toEqual(readByPython.sort());
  });

  it("points a worker on another machine (a Ray node) at the worker blob routes instead of a folder", () => {
    const env = artifactWorkerEnv({
      flavor: zip,
      host: "127.0.0.3",
      port: 1,
      bundlePath: "/b",
      workDir: "/w",
      blobs: { url: "http://gw/_launch_local/worker-blobs", token: "t" },
      resultsBucket: "b",
      concurrency: 1,
      parentPid: 7,
      token: "tok",
    });
    expect(env).toMatchObject({ LAUNCH_BLOB_URL: "http://gw/_launch_local/worker-blobs", LAUNCH_BLOB_TOKEN: "t", LAUNCH_WORKER_PARENT_PID: "7" });
    expect(env).not.toHaveProperty("LAUNCH_BLOB_ROOT");
  });

  it("gives a runnable command its port under both names and the parent watch", () => {
    expect(runnableProcessEnv(7001, 9)).toEqual({ PORT: "7001", LAUNCH_WORKER_PORT: "7001", LAUNCH_WORKER_PARENT_PID: "9" });
  });

  it("gives a worker the standard AWS variables: the S3 door as its endpoint, its owner as the access key", () => {
    expect(awsWorkerEnv("http://127.0.0.1:5001/_launch_local/s3", "alice")).toEqual({
      AWS_ENDPOINT_URL: "http://127.0.0.1:5001/_launch_local/s3",
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:5001/_launch_local/s3",
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "alice",
      AWS_SECRET_ACCESS_KEY: "launch-local",
    });
    // The server's own AWS credentials never pass (the allow-list below).
    expect(inheritedEnv({ AWS_ACCESS_KEY_ID: "AKIA…", AWS_SECRET_ACCESS_KEY: "s", AWS_PROFILE: "prod" })).toEqual({});
  });

  it("passes on only the allow-list of the server's environment: no LAUNCH_LOCAL_* secret, no stranger's key", () => {
    const server = {
      PATH: "/usr/bin",
      HOME: "/home/u",
      LC_ALL: "C.UTF-8",
      PIP_INDEX_URL: "https://pip.example/simple",
      https_proxy: "http://proxy:3128",
      LAUNCH_LOCAL_API_KEYS: "k1,k2",
      LAUNCH_LOCAL_ADMIN_KEYS: "admin",
      LAUNCH_LOCAL_DATA_DIR: "/d",
      AWS_SESSION_TOKEN_OF_SOMETHING_ELSE: undefined,
      DATABASE_PASSWORD: "p",
      RAY_ADDRESS: "auto",
    };
    const passed = { PATH: "/usr/bin", HOME: "/home/u", LC_ALL: "C.UTF-8", PIP_INDEX_URL: "https://pip.example/simple", https_proxy: "http://proxy:3128" };
    expect(inheritedEnv(server)).toEqual(passed);
    // The Ray driver also needs Ray's own settings (a cluster it starts passes its environment to the actors).
    expect(rayDriverEnv(server)).toEqual({ ...passed, RAY_ADDRESS: "auto" });
  });
});
