import { FLAGS } from "./cli-args.js";

/** An option with no flag: set in the environment (or as a startLaunchLocal option) only. */
export interface EnvOnlyOption {
  key: string;
  env: string;
  help: string;
}

export const ENV_ONLY_OPTIONS: readonly EnvOnlyOption[] = [
  { key: "signingSecret", env: "LAUNCH_LOCAL_SIGNING_SECRET", help: "HMAC key of signed blob URLs. Default: random, kept in the data dir." },
];

/** Environment names that are not the option key in capitals (a repeatable flag's variable is singular). */
const ENV_NAMES: Record<string, string> = { allowInputDirs: "LAUNCH_LOCAL_ALLOW_INPUT_DIR" };

/** `dataDir` → `LAUNCH_LOCAL_DATA_DIR`: the environment name of every option with a flag. */
export const envNameOf = (key: string): string => ENV_NAMES[key] ?? `LAUNCH_LOCAL_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;

/** Options with no environment variable (they only make sense on one command line). */
const FLAG_ONLY = new Set(["portFile"]);
/** Flags of the command line alone: no startLaunchLocal option. */
export const CLI_ONLY_KEYS: ReadonlySet<string> = new Set(["portFile", "exitWithParent"]);

export const envOfFlag = (flag: string): string | null => {
  const spec = FLAGS[flag];
  return spec === undefined || FLAG_ONLY.has(spec.key) ? null : envNameOf(spec.key);
};

/** `--help`: every flag with its environment variable, then the options set in the environment only. */
export function helpText(): string {
  const rows = Object.entries(FLAGS).flatMap(([flag, spec]) => {
    const value = { boolean: "", number: " <n>", string: " <value>", list: " <a,b>", repeat: " <value> (repeatable)" }[spec.kind];
    const env = envOfFlag(flag);
    return [`  ${`${flag}${value}`.padEnd(34)} ${spec.help}`, ...(env ? [`  ${"".padEnd(34)} env ${env}`] : [])];
  });
  return [
    "launch-local: the Scale Launch API on your machine, with real Python workers.",
    "",
    "Usage: launch-local [options]",
    "",
    "Options (an explicit flag wins over its environment variable, which wins over the default):",
    ...rows,
    `  ${"--help, --version".padEnd(34)} This text; the version.`,
    "",
    "Set in the environment only:",
    ...ENV_ONLY_OPTIONS.map((option) => `  ${option.env.padEnd(34)} ${option.help}`),
    "",
    "Also read from the environment: your pip configuration for worker environments (pip config list,",
    "PIP_INDEX_URL); DOCKER_HOST for the Docker engine; the Hugging Face cache for LLM weights",
    "(HUGGINGFACE_HUB_CACHE, HF_HUB_CACHE, HF_HOME).",
  ].join("\n");
}
