/**
 * The Python worker server's configuration, as environment variables: the one place that writes the
 * keys `src/worker/launch_worker/settings.py` reads (and `main.py`'s parent watch), for every runtime
 * (process-runtime.ts: host paths; container-spec.ts: paths inside the container; ray/worker-plan.ts:
 * paths on the node). A test holds the
 * key list against the Python side.
 */
import type { ArtifactFlavor } from "../domain/bundle.js";

export const WORKER_ENV_KEYS = {
  host: "LAUNCH_WORKER_HOST",
  port: "LAUNCH_WORKER_PORT",
  flavor: "LAUNCH_BUNDLE_FLAVOR",
  bundlePath: "LAUNCH_BUNDLE_PATH",
  appConfig: "LAUNCH_APP_CONFIG",
  workDir: "LAUNCH_WORK_DIR",
  blobRoot: "LAUNCH_BLOB_ROOT",
  blobUrl: "LAUNCH_BLOB_URL",
  blobToken: "LAUNCH_BLOB_TOKEN",
  resultsBucket: "LAUNCH_RESULTS_BUCKET",
  concurrency: "LAUNCH_WORKER_CONCURRENCY",
  loadPredictFnModulePath: "LAUNCH_LOAD_PREDICT_FN_MODULE_PATH",
  loadModelFnModulePath: "LAUNCH_LOAD_MODEL_FN_MODULE_PATH",
  parentPid: "LAUNCH_WORKER_PARENT_PID",
} as const;

export interface ArtifactWorkerSettings {
  flavor: ArtifactFlavor;
  /** Where the server listens: 127.0.0.1 on the host, 0.0.0.0 inside a container (its port is published). */
  host: string;
  port: number;
  /** The artifact (pickle or zip) as the worker sees it. */
  bundlePath: string;
  workDir: string;
  /**
   * How the worker reaches the blob store (return_pickled results, url inputs): its root folder as
   * the worker sees it, or, on another machine (Ray nodes), the worker blob routes and their token.
   */
  blobs: { root: string } | { url: string; token: string };
  resultsBucket: string;
  /** Requests served at once (concurrent_requests_per_worker). */
  concurrency: number;
  /** This server's pid, so the worker exits when it dies even by SIGKILL; null in a container (it dies with its engine). */
  parentPid: number | null;
}

export function artifactWorkerEnv(settings: ArtifactWorkerSettings): Record<string, string> {
  const { flavor } = settings;
  const env: Record<string, string> = {
    [WORKER_ENV_KEYS.host]: settings.host,
    [WORKER_ENV_KEYS.port]: String(settings.port),
    [WORKER_ENV_KEYS.flavor]: flavor.flavor,
    [WORKER_ENV_KEYS.bundlePath]: settings.bundlePath,
    [WORKER_ENV_KEYS.appConfig]: JSON.stringify(flavor.app_config ?? null),
    [WORKER_ENV_KEYS.workDir]: settings.workDir,
    [WORKER_ENV_KEYS.resultsBucket]: settings.resultsBucket,
    [WORKER_ENV_KEYS.concurrency]: String(settings.concurrency),
  };
  if ("root" in settings.blobs) env[WORKER_ENV_KEYS.blobRoot] = settings.blobs.root;
  else {
    env[WORKER_ENV_KEYS.blobUrl] = settings.blobs.url;
    env[WORKER_ENV_KEYS.blobToken] = settings.blobs.token;
  }
  if (flavor.flavor === "zip_artifact") {
    env[WORKER_ENV_KEYS.loadPredictFnModulePath] = flavor.load_predict_fn_module_path;
    env[WORKER_ENV_KEYS.loadModelFnModulePath] = flavor.load_model_fn_module_path;
  }
  if (settings.parentPid !== null) env[WORKER_ENV_KEYS.parentPid] = String(settings.parentPid);
  return env;
}

/** What a runnable image's command started as a host process gets from launch-local itself. */
export function runnableProcessEnv(port: number, parentPid: number): Record<string, string> {
  return { PORT: String(port), [WORKER_ENV_KEYS.port]: String(port), [WORKER_ENV_KEYS.parentPid]: String(parentPid) };
}
