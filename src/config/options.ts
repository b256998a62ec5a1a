import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

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
  /** Worker runtime. `auto` = docker when a daemon answers, else process. */
  runtime?: "auto" | "process" | "docker";
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
}

export interface ResolvedConfig {
  port: number;
  host: string;
  dataDir: string;
  ephemeral: boolean;
  runtime: "auto" | "process" | "docker";
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
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

function envNumber(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  return value;
}

function envBool(env: Env, name: string): boolean | undefined {
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

const RUNTIMES = ["auto", "process", "docker"] as const;
const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;

/** The one place options are resolved and validated. */
export function resolveConfig(options: LaunchLocalOptions, env: Env, cwd: string): ResolvedConfig {
  const ephemeral = options.ephemeral ?? envBool(env, "LAUNCH_LOCAL_EPHEMERAL") ?? false;
  const port = options.port ?? envNumber(env, "LAUNCH_LOCAL_PORT") ?? 5001;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`port must be 0..65535, got ${port}`);
  const dataDir = ephemeral
    ? mkdtempSync(join(tmpdir(), "launch-local-"))
    : resolve(cwd, options.dataDir ?? env.LAUNCH_LOCAL_DATA_DIR ?? ".launch-local");
  const positive = (name: string, value: number): number => {
    if (!(value > 0)) throw new ConfigError(`${name} must be positive, got ${value}`);
    return value;
  };
  return {
    port,
    host: options.host ?? env.LAUNCH_LOCAL_HOST ?? "127.0.0.1",
    dataDir,
    ephemeral,
    runtime: oneOf("runtime", options.runtime ?? env.LAUNCH_LOCAL_RUNTIME, RUNTIMES) ?? "auto",
    python: options.python ?? env.LAUNCH_LOCAL_PYTHON ?? "python3",
    maxBodyBytes: positive("maxBodyBytes", options.maxBodyBytes ?? envNumber(env, "LAUNCH_LOCAL_MAX_BODY_BYTES") ?? 100 * 1024 * 1024),
    scaleDownCooldownMs: options.scaleDownCooldownMs ?? envNumber(env, "LAUNCH_LOCAL_SCALE_DOWN_COOLDOWN_MS") ?? 30_000,
    autoscaleIntervalMs: positive(
      "autoscaleIntervalMs",
      options.autoscaleIntervalMs ?? envNumber(env, "LAUNCH_LOCAL_AUTOSCALE_INTERVAL_MS") ?? 250,
    ),
    syncTimeoutSeconds: positive(
      "syncTimeoutSeconds",
      options.syncTimeoutSeconds ?? envNumber(env, "LAUNCH_LOCAL_SYNC_TIMEOUT_SECONDS") ?? 10,
    ),
    workerStartTimeoutMs: positive(
      "workerStartTimeoutMs",
      options.workerStartTimeoutMs ?? envNumber(env, "LAUNCH_LOCAL_WORKER_START_TIMEOUT_MS") ?? 120_000,
    ),
    signingSecret: options.signingSecret ?? env.LAUNCH_LOCAL_SIGNING_SECRET ?? null,
    signedUrlTtlSeconds: positive(
      "signedUrlTtlSeconds",
      options.signedUrlTtlSeconds ?? envNumber(env, "LAUNCH_LOCAL_SIGNED_URL_TTL_SECONDS") ?? 3600,
    ),
    bucket: options.bucket ?? env.LAUNCH_LOCAL_BUCKET ?? "launch-local",
    logLevel: oneOf("logLevel", options.logLevel ?? env.LAUNCH_LOCAL_LOG_LEVEL, LEVELS) ?? "info",
  };
}
