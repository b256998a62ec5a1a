/**
 * The LLM engine's environment under the process runtime (README "LLM endpoints"): a bundle whose
 * command runs `python -m launch_local_llm.server` runs as a host process in a virtualenv built from
 * the engine's requirements with the venv builder (the user's pip configuration, cached like any
 * worker environment), or with `--llm-python`. The build ends with an import check, so an engine
 * that cannot run fails the endpoint's build with a `status_reason` naming what is missing.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { badRequest } from "../../domain/errors.js";
import { type Env, runCommand } from "./run-command.js";
import type { VenvBuilder } from "./venv-builder.js";

export interface LlmEngineEnvOptions {
  /** `src/worker`, where the `launch_local_llm` package lives. */
  workerDir: string;
  /** `--llm-python`: use this interpreter as is; null: build the venv. */
  llmPython: string | null;
  venvs: VenvBuilder;
  env: Env;
}

export interface LlmEngineEnv {
  /** The engine's interpreter, built and import-checked once per process (a failure is retried next time). */
  python(log: (line: string) => void): Promise<string>;
}

/** Requirement lines → import names (`jinja2>=3` → `jinja2`, `huggingface-hub` → `huggingface_hub`). */
export function importNames(requirements: readonly string[]): string[] {
  const names: string[] = [];
  for (const raw of requirements) {
    const line = raw.replace(/#.*/, "").trim();
    if (line === "" || line.startsWith("-")) continue;
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line)?.[0];
    if (name !== undefined) names.push(name.toLowerCase().replace(/[-.]/g, "_"));
  }
  return [...new Set(names)];
}

const CHECK_SCRIPT = `
import importlib, sys
missing = []
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as error:
        missing.append("%s (%s: %s)" % (name, type(error).__name__, error))
if missing:
    print("The LLM engine cannot run: Python packages missing or broken for %s: %s" % (sys.executable, "; ".join(missing)))
    sys.exit(4)
`;

export function createLlmEngineEnv(options: LlmEngineEnvOptions): LlmEngineEnv {
  let checked: Promise<string> | null = null;

  const build = async (log: (line: string) => void): Promise<string> => {
    const requirementsFile = join(options.workerDir, "launch_local_llm", "requirements.txt");
    const requirements = (await readFile(requirementsFile, "utf8")).split("\n");
    const python = options.llmPython ?? (await options.venvs.pythonFor(requirements, log));
    log(`LLM engine: checking that ${python} has and imports the engine's requirements`);
    const env = { ...options.env, PYTHONUNBUFFERED: "1", PYTHONPATH: options.workerDir };
    // The engine's own check names what is missing without importing anything (launch_local_llm/check.py).
    const found = await runCommand([python, "-m", "launch_local_llm.check"], { env, onLine: log });
    if (found.code !== 0) {
      const reason =
        [...found.tail].reverse().find((line) => line.trim() !== "") ?? `The LLM engine's interpreter ${python} could not be run (exit ${String(found.code)}).`;
      throw badRequest(reason.length > 500 ? `${reason.slice(0, 497)}...` : reason);
    }
    // Then a real import: a package that is there but broken (a torch built for another CPU) fails here.
    const output: string[] = [];
    const result = await runCommand([python, "-c", CHECK_SCRIPT, ...importNames(requirements)], {
      env,
      onLine: (line) => {
        output.push(line);
        log(line);
      },
    });
    if (result.code !== 0) {
      const reason =
        output.find((line) => line.startsWith("The LLM engine cannot run")) ??
        `The LLM engine's interpreter ${python} could not be run (exit ${String(result.code)}).`;
      throw badRequest(reason.length > 500 ? `${reason.slice(0, 497)}...` : reason);
    }
    return python;
  };

  return {
    python(log) {
      const attempt = (checked ??= build(log));
      attempt.catch(() => {
        if (checked === attempt) checked = null;
      });
      return attempt;
    },
  };
}
