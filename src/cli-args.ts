import { ConfigError, type LaunchLocalOptions } from "./config/options.js";

export interface CliArgs {
  options: LaunchLocalOptions;
  portFile: string | null;
  /** Stop once the process that started launch-local is gone (null: not given on the command line). */
  exitWithParent: boolean | null;
  help: boolean;
  version: boolean;
}

interface FlagSpec {
  key: keyof LaunchLocalOptions | "portFile" | "exitWithParent";
  /** `list`: comma-separated values, e.g. --api-keys a,b; `repeat`: one value per use of the flag. */
  kind: "string" | "number" | "boolean" | "list" | "repeat";
  help: string;
}

/** Every flag, with its option key; README's options table mirrors this list. */
export const FLAGS: Record<string, FlagSpec> = {
  "--port": { key: "port", kind: "number", help: "TCP port (0 = a free one). Default 5001; a busy port is an error." },
  "--host": { key: "host", kind: "string", help: "Listen address. Default 127.0.0.1." },
  "--data-dir": { key: "dataDir", kind: "string", help: "State folder (SQLite, blobs, environments). Default ./.launch-local" },
  "--ephemeral": { key: "ephemeral", kind: "boolean", help: "Keep all state in a temporary folder removed on exit." },
  "--runtime": { key: "runtime", kind: "string", help: "Worker runtime: auto | process | docker | ray. Default auto." },
  "--ray-address": { key: "rayAddress", kind: "string", help: "Ray: the cluster to place workers on (host:port of its head, or ray://…)" },
  "--ray-python": { key: "rayPython", kind: "string", help: "Ray: an interpreter with the cluster's Ray version. Default: --python" },
  "--python": {
    key: "python",
    kind: "string",
    help: "Python used to build worker environments and run local processes (checked at start-up: a warning when it cannot run the worker). Default python3.",
  },
  "--port-file": { key: "portFile", kind: "string", help: "Write the listening port to this file once ready." },
  "--exit-with-parent": {
    key: "exitWithParent",
    kind: "boolean",
    help: "Stop when the process that started launch-local goes (npx, a test runner). Default true.",
  },
  "--max-body-bytes": { key: "maxBodyBytes", kind: "number", help: "Largest request body (413 beyond). Default 104857600." },
  "--scale-down-cooldown-ms": { key: "scaleDownCooldownMs", kind: "number", help: "Scale-down cool-down. Default 30000." },
  "--autoscale-interval-ms": { key: "autoscaleIntervalMs", kind: "number", help: "Autoscaler tick. Default 250." },
  "--sync-timeout-seconds": { key: "syncTimeoutSeconds", kind: "number", help: "Default wait of a sync request on a cold endpoint. Default 10." },
  "--worker-start-timeout-ms": { key: "workerStartTimeoutMs", kind: "number", help: "Time a worker may take to become ready. Default 120000." },
  "--signed-url-ttl-seconds": { key: "signedUrlTtlSeconds", kind: "number", help: "Lifetime of signed upload URLs. Default 3600." },
  "--bucket": { key: "bucket", kind: "string", help: "Bucket name used in s3:// locations. Default launch-local." },
  "--log-level": { key: "logLevel", kind: "string", help: "debug | info | warn | error | silent. Default info." },
  "--pip-fallback": {
    key: "pipFallback",
    kind: "boolean",
    help: "Install the nearest available version of a pinned requirement the index lacks (logged). Default off.",
  },
  "--metrics": { key: "metrics", kind: "boolean", help: "Prometheus metrics at /metrics (--metrics=false: off). Default true." },
  "--log-format": { key: "logFormat", kind: "string", help: "text | json (one JSON object per line). Default text." },
  "--api-keys": { key: "apiKeys", kind: "list", help: "Only accept these API keys (comma-separated); others get 401. Default: any." },
  "--admin-keys": { key: "adminKeys", kind: "list", help: "Keys allowed to reset, read info and blobs across owners (comma-separated). Default: none." },
  "--image-map": { key: "imageMap", kind: "string", help: "Docker: local images for base/runnable images, e.g. pytorch=my/python:3.11" },
  "--gpus": { key: "gpus", kind: "string", help: "Declare GPUs: a count or device ids (0,1). Default: nvidia-smi." },
  "--gpu-policy": { key: "gpuPolicy", kind: "string", help: "strict (fail endpoints asking too many GPUs) | ignore. Default strict." },
  "--llm-models-dir": { key: "llmModelsDir", kind: "string", help: "LLM endpoints: DIR/<model_name>/ is an HF model folder (offline)." },
  "--allow-input-dir": { key: "allowInputDirs", kind: "repeat", help: "Let batch inputs, bundle locations and task urls name files under DIR (repeatable)." },
  "--allow-input-urls": { key: "allowInputUrls", kind: "boolean", help: "Let batch inputs, bundle locations and task urls be http(s) URLs." },
  "--llm-python": {
    key: "llmPython",
    kind: "string",
    help: "LLM endpoints: run the engine with this interpreter (default: a venv built from its requirements).",
  },
  "--task-retention-hours": {
    key: "taskRetentionHours",
    kind: "number",
    help: "Keep finished async tasks and their results this long (hours, fractions allowed). Default 24.",
  },
  "--fine-tune-repository": {
    key: "fineTuneRepository",
    kind: "string",
    help: "Fine-tune templates: an s3:// JSON document. Default s3://<bucket>/fine_tune_repository.",
  },
};

export function parseArgs(argv: string[]): CliArgs {
  const options: Record<string, unknown> = {};
  const repeated = new Map<string, string[]>();
  let portFile: string | null = null;
  let exitWithParent: boolean | null = null;
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--version" || arg === "-v") {
      version = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const spec = FLAGS[name];
    if (!spec) throw new ConfigError(`Unknown option ${name}. Run launch-local --help for the list.`);
    let raw: string;
    if (spec.kind === "boolean") {
      raw = eq >= 0 ? arg.slice(eq + 1) : "true";
    } else if (eq >= 0) {
      raw = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`Option ${name} needs a value.`);
      raw = next;
      i++;
    }
    const value = convert(name, spec.kind, raw);
    if (spec.key === "portFile") portFile = String(value);
    else if (spec.key === "exitWithParent") exitWithParent = value === true;
    else if (spec.kind === "repeat") {
      const values = repeated.get(spec.key) ?? [];
      values.push(String(value));
      repeated.set(spec.key, values);
      options[spec.key] = values;
    } else options[spec.key] = value;
  }
  return { options: options as LaunchLocalOptions, portFile, exitWithParent, help, version };
}

function convert(name: string, kind: FlagSpec["kind"], raw: string): string | number | boolean | string[] {
  if (kind === "list") return raw.split(",");
  if (kind === "number") {
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value)) throw new ConfigError(`Option ${name} needs a number, got "${raw}".`);
    return value;
  }
  if (kind === "boolean") {
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    throw new ConfigError(`Option ${name} is true or false, got "${raw}".`);
  }
  return raw;
}
