import { mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { ConfigError } from "../domain/errors.js";

/** Everything a caller may set (STYLE.md §2): explicit option > LAUNCH_LOCAL_* env > default. */
export interface LaunchLocalOptions {
  /** TCP port; 0 picks a free one. Default 5001. A busy explicit port is an error. */
  port?: number;
  /** Listen address. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Where SQLite, blobs, virtual environments and logs live. Default ./.launch-local */
  dataDir?: string;
  /** Keep everything in a temporary folder removed on close(). */
  ephemeral?: boolean;
  /** Worker runtime. `auto` = ray when a Ray address is given, else docker when a daemon answers, else process. */
  runtime?: "auto" | "process" | "docker" | "ray";
  /** Ray runtime: the cluster's address (`host:port` of its head, as `ray start --address` takes it, or `ray://host:10001`). */
  rayAddress?: string;
  /** Ray runtime: the interpreter that runs launch-local's Ray driver (it needs the cluster's Ray version). Default: `python`. */
  rayPython?: string;
  /** Python interpreter used to build worker environments. Default python3. */
  python?: string;
  /** Largest accepted request body in bytes (413 beyond). Default 100 MiB. */
  maxBodyBytes?: number;
  /** Scale-down cool-down in milliseconds (the real platform uses 600 s async, about 360 s sync). */
  scaleDownCooldownMs?: number;
  /** Autoscaler tick in milliseconds. */
  autoscaleIntervalMs?: number;
  /** Default sync/streaming wait for a cold endpoint, seconds (the real gateway's 10 s). */
  syncTimeoutSeconds?: number;
  /** How long a worker may take to become ready before it counts as failed, milliseconds. */
  workerStartTimeoutMs?: number;
  /** Secret for signed blob URLs; random per data dir by default. */
  signingSecret?: string;
  /** Lifetime of signed upload URLs in seconds. */
  signedUrlTtlSeconds?: number;
  /** Bucket name reported in s3:// locations. */
  bucket?: string;
  /** Log level. */
  logLevel?: "debug" | "info" | "warn" | "error" | "silent";
  /** `text` (readable lines) or `json` (one JSON object per line). */
  logFormat?: "text" | "json";
  /**
   * When pip finds no distribution for a pinned requirement, install the nearest version the index
   * has and note it in the creation logs (the real platform would fail the build). Default false.
   */
  pipFallback?: boolean;
  /** Prometheus metrics at GET /metrics (README "Metrics"). Default true; false skips their cost too. */
  metrics?: boolean;
  /**
   * Allow-list of API keys (the Basic user name or Bearer token); any other caller gets the contract's
   * 401. Default: any key is accepted, as on the open-source server (§0.3).
   */
  apiKeys?: string[];
  /**
   * Keys (user names) that may use the instance-wide control routes: reset, info, and blobs across
   * owners. Default: none, and those routes take any accepted key, as before. Admin keys are
   * accepted by the API too, even when `apiKeys` does not list them.
   */
  adminKeys?: string[];
  /**
   * Docker runtime: local images standing in for framework base images and runnable images, as
   * "pytorch=my/python:3.11,tensorflow=…,repo:tag=…" (offline machines cannot pull).
   */
  imageMap?: string;
  /** Declared GPUs: a count ("2") or device ids ("0,1"); default: detected with nvidia-smi. */
  gpus?: string;
  /** What to do when an endpoint asks for more GPUs than the host has. */
  gpuPolicy?: "strict" | "ignore";
  /** A folder of HF model folders: `DIR/<model_name>/` serves an LLM endpoint without checkpoint_path. */
  llmModelsDir?: string;
  /**
   * Host folders whose files batch inputs, bundle locations and task urls may name (`file://` or an
   * absolute path). Default: none, so only the instance's own `s3://` blob store is read.
   */
  allowInputDirs?: string[];
  /** Let batch inputs, bundle locations and task urls be http(s) URLs, fetched from this machine. */
  allowInputUrls?: boolean;
  /** The interpreter the LLM engine runs with; default: a virtualenv built from the engine's requirements. */
  llmPython?: string;
  /** The fine-tune template repository: an `s3://` JSON document in the blob store. Default s3://<bucket>/fine_tune_repository. */
  fineTuneRepository?: string;
  /**
   * How long a finished async task (and its pickled result) is kept after it completed, in hours
   * (fractions allowed); then it reads as an unknown id. Default 24, the Celery result backend's one day.
   */
  taskRetentionHours?: number;
}

export interface ResolvedConfig {
  port: number;
  host: string;
  dataDir: string;
  ephemeral: boolean;
  runtime: "auto" | "process" | "docker" | "ray";
  /** null unless the Ray runtime is chosen. */
  rayAddress: string | null;
  rayPython: string;
  python: string;
  maxBodyBytes: number;
  scaleDownCooldownMs: number;
  autoscaleIntervalMs: number;
  syncTimeoutSeconds: number;
  workerStartTimeoutMs: number;
  signingSecret: string | null;
  signedUrlTtlSeconds: number;
  bucket: string;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  logFormat: "text" | "json";
  pipFallback: boolean;
  metrics: boolean;
  /** null: any key is accepted. */
  apiKeys: string[] | null;
  /** null: no admin keys; the instance-wide control routes take any accepted key. */
  adminKeys: string[] | null;
  imageMap: string;
  /** Declared GPU ids, or null to detect them. */
  gpus: string[] | null;
  gpuPolicy: "strict" | "ignore";
  llmModelsDir: string | null;
  llmPython: string | null;
  fineTuneRepository: string;
  /** The Hugging Face hub cache read for LLM weights (HUGGINGFACE_HUB_CACHE, HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub). */
  hfHubCache: string;
  /** Absolute folders (resolved against the working directory); empty: none. */
  allowInputDirs: string[];
  allowInputUrls: boolean;
  /** Finished async tasks are deleted this many hours after they completed. */
  taskRetentionHours: number;
}

export { ConfigError };

type Env = Record<string, string | undefined>;

function envNumber(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  return value;
}

/** A LAUNCH_LOCAL_* boolean: 1/true/yes/on or 0/false/no/off; unset or empty is undefined. */
export function envBool(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (["1", "true", "yes", "on"].includes(raw.toLowerCase())) return true;
  if (["0", "false", "no", "off"].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be a boolean, got "${raw}"`);
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(", ")}, got "${value}"`);
  }
  return value as T;
}

/** A comma-separated list (items are trimmed, blanks dropped, by keysOf). */
function envList(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  return raw.split(",");
}

function keysOf(keys: readonly unknown[] | undefined, name: "apiKeys" | "adminKeys"): string[] | null {
  if (keys === undefined) return null;
  const cleaned = keys.map((key) => {
    if (typeof key !== "string") throw new ConfigError(`${name} must be strings, got ${JSON.stringify(key)}`);
    return key.trim();
  });
  const named = cleaned.filter((key) => key !== "");
  if (named.length === 0)
    throw new ConfigError(`${name} must name at least one key (leave it out to ${name === "apiKeys" ? "accept any key" : "have no admin keys"})`);
  return [...new Set(named)];
}

/** Folders named on the command line (repeatable flag) or in the env, separated by the path delimiter. */
function inputDirsOf(dirs: readonly unknown[] | undefined, cwd: string): string[] {
  if (dirs === undefined) return [];
  const resolved = dirs.map((dir) => {
    if (typeof dir !== "string") throw new ConfigError(`allowInputDirs must be strings, got ${JSON.stringify(dir)}`);
    if (dir.trim() === "") throw new ConfigError("allowInputDirs must not hold an empty folder name");
    return resolve(cwd, dir);
  });
  return [...new Set(resolved)];
}

const RUNTIMES = ["auto", "process", "docker", "ray"] as const;
const GPU_POLICIES = ["strict", "ignore"] as const;

/** "2" → ["0","1"]; "0,3" → ["0","3"]; "" → [] (no GPUs). */
export function parseGpuList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (/^\d+$/.test(trimmed)) return Array.from({ length: Number(trimmed) }, (_, i) => String(i));
  const ids = trimmed.split(",").map((id) => id.trim());
  if (ids.some((id) => id === "")) throw new ConfigError(`gpus must be a count or a comma-separated list of device ids, got "${text}"`);
  return ids;
}
const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
const LOG_FORMATS = ["text", "json"] as const;

/** huggingface_hub's own precedence for the hub cache folder. */
function hfHubCacheOf(env: Env): string {
  const set = (name: string): string | undefined => (env[name] === undefined || env[name] === "" ? undefined : env[name]);
  const explicit = set("HUGGINGFACE_HUB_CACHE") ?? set("HF_HUB_CACHE");
  if (explicit !== undefined) return resolve(explicit);
  const home = set("HF_HOME") ?? join(set("XDG_CACHE_HOME") ?? join(env.HOME ?? homedir(), ".cache"), "huggingface");
  return resolve(home, "hub");
}

/** The template repository lives in the blob store, as the real one lives in S3 (`cloud_file_llm_fine_tune_repository`). */
function fineTuneRepositoryOf(value: string | undefined, bucket: string): string {
  if (value === undefined || value === "") return `s3://${bucket}/fine_tune_repository`;
  if (!/^s3:\/\/[^/]+\/.+/.test(value)) throw new ConfigError(`fineTuneRepository must be an s3://<bucket>/<key> location in the blob store, got "${value}"`);
  return value;
}

/** The one place options are resolved and validated. */
export function resolveConfig(options: LaunchLocalOptions, env: Env, cwd: string): ResolvedConfig {
  const python = options.python ?? env.LAUNCH_LOCAL_PYTHON ?? "python3";
  const rayAddress = (options.rayAddress ?? env.LAUNCH_LOCAL_RAY_ADDRESS ?? "").trim() || null;
  const askedRuntime = oneOf("runtime", options.runtime ?? env.LAUNCH_LOCAL_RUNTIME, RUNTIMES) ?? "auto";
  // A Ray address is a choice of runtime by itself; `--runtime ray` without one cannot work.
  const runtime = askedRuntime === "auto" && rayAddress !== null ? "ray" : askedRuntime;
  if (runtime === "ray" && rayAddress === null) {
    throw new ConfigError("--runtime ray needs the cluster's address: --ray-address HOST:PORT (or LAUNCH_LOCAL_RAY_ADDRESS)");
  }
  const ephemeral = options.ephemeral ?? envBool(env, "LAUNCH_LOCAL_EPHEMERAL") ?? false;
  const port = options.port ?? envNumber(env, "LAUNCH_LOCAL_PORT") ?? 5001;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port must be 0..65535, got ${port}`);
  const dataDir = ephemeral ? mkdtempSync(join(tmpdir(), "launch-local-")) : resolve(cwd, options.dataDir ?? env.LAUNCH_LOCAL_DATA_DIR ?? ".launch-local");
  const positive = (name: string, value: number): number => {
    if (!(value > 0)) throw new ConfigError(`${name} must be positive, got ${value}`);
    return value;
  };
  const bucket = options.bucket ?? env.LAUNCH_LOCAL_BUCKET ?? "launch-local";
  return {
    port,
    host: options.host ?? env.LAUNCH_LOCAL_HOST ?? "127.0.0.1",
    dataDir,
    ephemeral,
    runtime,
    rayAddress: runtime === "ray" ? rayAddress : null,
    rayPython: options.rayPython ?? env.LAUNCH_LOCAL_RAY_PYTHON ?? python,
    python,
    maxBodyBytes: positive("maxBodyBytes", options.maxBodyBytes ?? envNumber(env, "LAUNCH_LOCAL_MAX_BODY_BYTES") ?? 100 * 1024 * 1024),
    scaleDownCooldownMs: options.scaleDownCooldownMs ?? envNumber(env, "LAUNCH_LOCAL_SCALE_DOWN_COOLDOWN_MS") ?? 30_000,
    autoscaleIntervalMs: positive("autoscaleIntervalMs", options.autoscaleIntervalMs ?? envNumber(env, "LAUNCH_LOCAL_AUTOSCALE_INTERVAL_MS") ?? 250),
    syncTimeoutSeconds: positive("syncTimeoutSeconds", options.syncTimeoutSeconds ?? envNumber(env, "LAUNCH_LOCAL_SYNC_TIMEOUT_SECONDS") ?? 10),
    workerStartTimeoutMs: positive("workerStartTimeoutMs", options.workerStartTimeoutMs ?? envNumber(env, "LAUNCH_LOCAL_WORKER_START_TIMEOUT_MS") ?? 120_000),
    signingSecret: options.signingSecret ?? env.LAUNCH_LOCAL_SIGNING_SECRET ?? null,
    signedUrlTtlSeconds: positive("signedUrlTtlSeconds", options.signedUrlTtlSeconds ?? envNumber(env, "LAUNCH_LOCAL_SIGNED_URL_TTL_SECONDS") ?? 3600),
    bucket,
    logLevel: oneOf("logLevel", options.logLevel ?? env.LAUNCH_LOCAL_LOG_LEVEL, LEVELS) ?? "info",
    pipFallback: options.pipFallback ?? envBool(env, "LAUNCH_LOCAL_PIP_FALLBACK") ?? false,
    metrics: options.metrics ?? envBool(env, "LAUNCH_LOCAL_METRICS") ?? true,
    logFormat: oneOf("logFormat", options.logFormat ?? env.LAUNCH_LOCAL_LOG_FORMAT, LOG_FORMATS) ?? "text",
    apiKeys: keysOf(options.apiKeys ?? envList(env, "LAUNCH_LOCAL_API_KEYS"), "apiKeys"),
    adminKeys: keysOf(options.adminKeys ?? envList(env, "LAUNCH_LOCAL_ADMIN_KEYS"), "adminKeys"),
    imageMap: options.imageMap ?? env.LAUNCH_LOCAL_IMAGE_MAP ?? "",
    gpus: ((text) => (text === undefined ? null : parseGpuList(text)))(options.gpus ?? env.LAUNCH_LOCAL_GPUS),
    gpuPolicy: oneOf("gpuPolicy", options.gpuPolicy ?? env.LAUNCH_LOCAL_GPU_POLICY, GPU_POLICIES) ?? "strict",
    llmModelsDir: ((dir) => (dir === undefined || dir === "" ? null : resolve(cwd, dir)))(options.llmModelsDir ?? env.LAUNCH_LOCAL_LLM_MODELS_DIR),
    llmPython: options.llmPython ?? env.LAUNCH_LOCAL_LLM_PYTHON ?? null,
    fineTuneRepository: fineTuneRepositoryOf(options.fineTuneRepository ?? env.LAUNCH_LOCAL_FINE_TUNE_REPOSITORY, bucket),
    hfHubCache: hfHubCacheOf(env),
    allowInputDirs: inputDirsOf(options.allowInputDirs ?? env.LAUNCH_LOCAL_ALLOW_INPUT_DIR?.split(delimiter).filter((dir) => dir !== ""), cwd),
    allowInputUrls: options.allowInputUrls ?? envBool(env, "LAUNCH_LOCAL_ALLOW_INPUT_URLS") ?? false,
    taskRetentionHours: positive("taskRetentionHours", options.taskRetentionHours ?? envNumber(env, "LAUNCH_LOCAL_TASK_RETENTION_HOURS") ?? 24),
  };
}
