import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FLAGS } from "../../../src/cli-args.js";
import { CLI_ONLY_KEYS, ENV_ONLY_OPTIONS, envOfFlag, helpText } from "../../../src/cli-help.js";
import { resolveConfig } from "../../../src/config/options.js";
import { REPO_ROOT } from "../../helpers/cli-process.js";

/**
 * `--help`, the README's options table and the config resolver are three statements of one list:
 * every option appears in all three, with the same flag, option key and environment variable.
 */
interface Row {
  flag: string | null;
  key: string | null;
  env: string | null;
}

function readmeRows(): Row[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("## Options"), readme.indexOf("\n## ", readme.indexOf("## Options") + 1));
  const code = (cell: string): string | null => /`([^`]+)`/.exec(cell)?.[1] ?? null;
  return table
    .split("\n")
    .filter((line) => line.startsWith("| `--") || line.startsWith("| —"))
    .map((line) => {
      const [flag = "", key = "", env = ""] = line.split("|").slice(1, 4);
      return { flag: code(flag)?.split(" ")[0] ?? null, key: code(key), env: code(env) };
    });
}

/** A value for each environment variable that differs from the default, to see the resolver read it. */
const SAMPLES: Record<string, string> = {
  LAUNCH_LOCAL_PORT: "5999",
  LAUNCH_LOCAL_HOST: "0.0.0.0",
  LAUNCH_LOCAL_DATA_DIR: "elsewhere",
  LAUNCH_LOCAL_EPHEMERAL: "true",
  LAUNCH_LOCAL_RUNTIME: "docker",
  LAUNCH_LOCAL_PYTHON: "python3.11",
  LAUNCH_LOCAL_MAX_BODY_BYTES: "1024",
  LAUNCH_LOCAL_SCALE_DOWN_COOLDOWN_MS: "5",
  LAUNCH_LOCAL_AUTOSCALE_INTERVAL_MS: "5",
  LAUNCH_LOCAL_SYNC_TIMEOUT_SECONDS: "5",
  LAUNCH_LOCAL_WORKER_START_TIMEOUT_MS: "5",
  LAUNCH_LOCAL_SIGNED_URL_TTL_SECONDS: "5",
  LAUNCH_LOCAL_BUCKET: "other",
  LAUNCH_LOCAL_LOG_LEVEL: "debug",
  LAUNCH_LOCAL_LOG_FORMAT: "json",
  LAUNCH_LOCAL_API_KEYS: "a,b",
  LAUNCH_LOCAL_IMAGE_MAP: "pytorch=x:y",
  LAUNCH_LOCAL_GPUS: "2",
  LAUNCH_LOCAL_GPU_POLICY: "ignore",
  LAUNCH_LOCAL_LLM_MODELS_DIR: "models",
  LAUNCH_LOCAL_SIGNING_SECRET: "s3cret",
  LAUNCH_LOCAL_PIP_FALLBACK: "true",
  LAUNCH_LOCAL_METRICS: "false",
  LAUNCH_LOCAL_ADMIN_KEYS: "root",
  LAUNCH_LOCAL_ALLOW_INPUT_DIR: "/tmp",
  LAUNCH_LOCAL_ALLOW_INPUT_URLS: "true",
  LAUNCH_LOCAL_LLM_PYTHON: "python3.11",
  LAUNCH_LOCAL_FINE_TUNE_REPOSITORY: "s3://other/templates.json",
  LAUNCH_LOCAL_RAY_ADDRESS: "127.0.0.1:6379",
  LAUNCH_LOCAL_RAY_PYTHON: "python3.11",
  LAUNCH_LOCAL_TASK_RETENTION_HOURS: "0.5",
};

/** Resolved settings that come from other tools' variables, not from a launch-local option. */
const FROM_OTHER_TOOLS: Record<string, string[]> = { hfHubCache: ["HUGGINGFACE_HUB_CACHE", "HF_HUB_CACHE", "HF_HOME"] };

describe("--help, the README options table and the config resolver agree", () => {
  const rows = readmeRows();

  it("lists every flag in the README with its option key and environment variable", () => {
    for (const [flag, spec] of Object.entries(FLAGS)) {
      const row = rows.find((candidate) => candidate.flag === flag);
      expect(row, flag).toBeDefined();
      expect(row?.key, flag).toBe(CLI_ONLY_KEYS.has(spec.key) ? null : spec.key);
      expect(row?.env, flag).toBe(envOfFlag(flag));
    }
  });

  it("lists the environment-only options in the README and in --help", () => {
    for (const option of ENV_ONLY_OPTIONS) {
      expect(rows).toContainEqual({ flag: null, key: option.key, env: option.env });
      expect(helpText()).toContain(option.env);
    }
    expect(rows.filter((row) => row.flag === null)).toHaveLength(ENV_ONLY_OPTIONS.length);
    expect(rows).toHaveLength(Object.keys(FLAGS).length + ENV_ONLY_OPTIONS.length);
  });

  it("shows every flag and every environment variable in --help", () => {
    const help = helpText();
    for (const row of rows) {
      if (row.flag) expect(help).toMatch(new RegExp(`^  ${row.flag}[ <]`, "m"));
      if (row.env) expect(help).toContain(row.env);
    }
  });

  it("resolves exactly the documented options, and reads each documented environment variable", () => {
    const defaults = resolveConfig({}, {}, REPO_ROOT);
    const documentedKeys = rows.map((row) => row.key).filter((key): key is string => key !== null);
    expect(Object.keys(defaults).sort()).toEqual([...documentedKeys, ...Object.keys(FROM_OTHER_TOOLS)].sort());
    for (const names of Object.values(FROM_OTHER_TOOLS)) for (const name of names) expect(helpText()).toContain(name);
    for (const row of rows) {
      if (row.env === null || row.key === null) continue;
      const sample = SAMPLES[row.env];
      expect(sample, `a sample value for ${row.env} in this test`).toBeDefined();
      const resolved = resolveConfig({}, { [row.env]: sample }, REPO_ROOT) as unknown as Record<string, unknown>;
      expect(resolved[row.key], row.env).not.toEqual((defaults as unknown as Record<string, unknown>)[row.key]);
    }
  });

  it("reads no LAUNCH_LOCAL_ variable the table does not name", () => {
    const source = readFileSync(join(REPO_ROOT, "src", "config", "options.ts"), "utf8");
    const read = new Set(source.match(/LAUNCH_LOCAL_[A-Z][A-Z_]*/g) ?? []);
    const documented = new Set(rows.map((row) => row.env));
    expect([...read].filter((name) => !documented.has(name))).toEqual([]);
  });
});
