/**
 * The Python worker server's configuration, as environment variables: the one place that writes the
 * keys `src/worker/launch_worker/settings.py` reads (and `main.py`'s parent watch), for every runtime
 * (process-runtime.ts: host paths; container-spec.ts: paths inside the container; ray/worker-plan.ts:
 * paths on the node). A test holds the
 * key list against the Python side.
 */
import { randomBytes } from "node:crypto";
import type { ArtifactFlavor } from "../domain/bundle.js";
import { WORKER_TOKEN_HEADER } from "../domain/gateway-ports.js";

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
  token: "LAUNCH_WORKER_TOKEN",
} as const;

/** A fresh per-worker token (192 random bits), as the worker's env and the gateway's header carry it. */
export const newWorkerToken = (): string => randomBytes(24).toString("base64url");

/** The health probe's headers for a worker with this token (the worker checks it on every route). */
export const tokenHeaders = (token: string | null | undefined): Record<string, string> => (token ? { [WORKER_TOKEN_HEADER]: token } : {});

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
  /** What every request must carry in x-launch-worker-token (newWorkerToken). */
  token: string;
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
    [WORKER_ENV_KEYS.token]: settings.token,
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

/**
 * The standard AWS variables every worker gets, so a bundle that reads its weights or inputs from
 * `s3://` with boto3 (or any AWS SDK, or the AWS CLI) reaches the blob store through the
 * S3-compatible door (README "S3-compatible API") unmodified, as its owner: the access key id is the
 * owner's name, which the door takes as the caller (signatures are not checked, so the secret is a
 * placeholder). The server's own AWS variables are never inherited (INHERITED_KEYS below).
 */
export const AWS_ENV_KEYS = {
  endpointUrl: "AWS_ENDPOINT_URL",
  endpointUrlS3: "AWS_ENDPOINT_URL_S3",
  region: "AWS_REGION",
  defaultRegion: "AWS_DEFAULT_REGION",
  accessKeyId: "AWS_ACCESS_KEY_ID",
  secretAccessKey: "AWS_SECRET_ACCESS_KEY",
} as const;

/** The region the door answers for (it has one; any would do). */
export const AWS_REGION = "us-east-1";

/** `endpointUrl`: the door as the worker reaches it (`<this server's URL>/_launch_local/s3`). */
export function awsWorkerEnv(endpointUrl: string, owner: string): Record<string, string> {
  return {
    [AWS_ENV_KEYS.endpointUrl]: endpointUrl,
    [AWS_ENV_KEYS.endpointUrlS3]: endpointUrl,
    [AWS_ENV_KEYS.region]: AWS_REGION,
    [AWS_ENV_KEYS.defaultRegion]: AWS_REGION,
    [AWS_ENV_KEYS.accessKeyId]: owner,
    [AWS_ENV_KEYS.secretAccessKey]: "launch-local",
  };
}

// ---------------------------------------------------------------------------------------------- inherited environment

/*
 * What a worker, a job or a build launch-local starts takes from launch-local's own environment:
 * an explicit allow-list, nothing else, for every runtime (process children, the Ray driver and so
 * the actors of the cluster it starts, engine jobs; Docker containers get only their spec's env).
 * The server's environment holds its secrets (LAUNCH_LOCAL_API_KEYS, LAUNCH_LOCAL_ADMIN_KEYS, cloud
 * credentials the user exported for other tools); a bundle's code must not read them (README
 * "Trust model"). What passes: how to find programs and libraries, the locale and temporary folder,
 * the user's pip, proxy and certificate settings, thread counts and model caches. Platform
 * variables (LAUNCH_*, PORT, job variables) are written on top of this (above; job-env.ts).
 * Add a key here, with its reason, when a worker needs it.
 */ export type InheritedEnv = Record<string, string>;

export const INHERITED_KEYS: ReadonlySet<string> = new Set([
  // programs, libraries, the user and the locale
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TMPDIR",
  "TEMP",
  "TMP",
  "LD_LIBRARY_PATH",
  // the user's modules a by-reference pickle imports
  "PYTHONPATH",
  "PYTHONDONTWRITEBYTECODE",
  // proxies and certificates (pip, urllib, requests)
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "REQUESTS_CA_BUNDLE",
  "CURL_CA_BUNDLE",
  // GPUs (the allocator narrows CUDA_VISIBLE_DEVICES per worker) and thread counts
  "CUDA_VISIBLE_DEVICES",
  "CUDA_HOME",
  "OMP_NUM_THREADS",
  "MKL_NUM_THREADS",
  "TOKENIZERS_PARALLELISM",
  // model caches and offline switches (the LLM engine, transformers in a bundle)
  "HF_HOME",
  "HF_HUB_CACHE",
  "HUGGINGFACE_HUB_CACHE",
  "TRANSFORMERS_CACHE",
  "HF_HUB_OFFLINE",
  "TRANSFORMERS_OFFLINE",
  "HF_DATASETS_OFFLINE",
  "TORCH_HOME",
  "XDG_CACHE_HOME",
  // a developer's switch the worker reads (launch_worker/settings.py)
  "LAUNCH_WORKER_DEBUG",
]);

/** Every key with one of these prefixes passes: the locale's categories and all of pip's settings. */
export const INHERITED_PREFIXES: readonly string[] = ["LC_", "PIP_"];

/** launch-local's environment reduced to the allow-list (a fresh object; undefined values dropped). */
export function inheritedEnv(env: Record<string, string | undefined>, extraPrefixes: readonly string[] = []): InheritedEnv {
  const prefixes = [...INHERITED_PREFIXES, ...extraPrefixes];
  const out: InheritedEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (INHERITED_KEYS.has(key) || prefixes.some((prefix) => key.startsWith(prefix))) out[key] = value;
  }
  return out;
}

/** The Ray driver's environment: the allow-list and Ray's own settings (RAY_ADDRESS and the like). */
export function rayDriverEnv(env: Record<string, string | undefined>): InheritedEnv {
  return inheritedEnv(env, ["RAY_"]);
}
