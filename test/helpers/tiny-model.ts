/**
 * The LLM engine's test fixtures: the interpreter that runs it, the tiny random-weight model it
 * serves (built once by src/worker/launch_local_llm/tiny_model.py and cached between runs), and
 * the engine itself as an owned child process.
 *
 * Cache: /var/cache/launch-local/tiny-models/<key> when that folder is writable, else
 * ~/.cache/launch-local/tiny-models/<key>. The key hashes the builder's files, its arguments and the
 * interpreter's torch/transformers/tokenizers versions, so a changed builder builds a new folder.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { repoRoot, startPythonServer, type PythonServer } from "./python.js";

export const llmPackageDir = join(repoRoot, "src", "worker", "launch_local_llm");
const workerDir = join(repoRoot, "src", "worker");
const BUILDER_FILES = ["tiny_model.py", "tiny_corpus.txt"] as const;
const ENGINE_READY_TIMEOUT_MS = 180_000;

// Finds the packages without importing them (torch alone takes seconds to import).
const PROBE =
  "import sys, importlib.util, importlib.metadata as m; " +
  "missing = [n for n in ('torch', 'transformers', 'tokenizers', 'safetensors', 'jinja2', 'pydantic', 'regex', 'lark', 'jsonschema', 'peft') if importlib.util.find_spec(n) is None]; " +
  "sys.exit('missing: ' + ', '.join(missing)) if missing else None; " +
  "print(sys.executable); print(*(m.version(n) for n in ('torch', 'transformers', 'tokenizers')))";

interface LlmPython {
  executable: string;
  versions: string;
}

let cachedPython: LlmPython | undefined;

/** The interpreter with the engine's requirements: LAUNCH_LOCAL_LLM_PYTHON, else python3. */
export function llmPython(): LlmPython {
  if (cachedPython !== undefined) return cachedPython;
  const candidate = process.env["LAUNCH_LOCAL_LLM_PYTHON"] ?? "python3";
  const probe = spawnSync(candidate, ["-c", PROBE], { encoding: "utf8" });
  const [executable, versions] = probe.stdout.trim().split("\n");
  if (probe.status !== 0 || executable === undefined || versions === undefined) {
    throw new Error(
      `${candidate} cannot import the LLM engine's requirements (pip install -r ${join(llmPackageDir, "requirements.txt")}, ` +
        `or set LAUNCH_LOCAL_LLM_PYTHON): ${probe.stderr.trim().split("\n").pop() ?? String(probe.error)}`,
    );
  }
  cachedPython = { executable, versions };
  return cachedPython;
}

function cacheRoot(): string {
  const shared = "/var/cache/launch-local";
  try {
    mkdirSync(shared, { recursive: true });
    accessSync(shared, constants.W_OK);
    return join(shared, "tiny-models");
  } catch {
    return join(homedir(), ".cache", "launch-local", "tiny-models");
  }
}

export interface TinyModelOptions {
  arch?: "llama" | "gpt2";
  seed?: number;
}

export interface TinyModel {
  dir: string;
  python: string;
}

/** The tiny model's folder (built on first use, then cached) and the interpreter to serve it with. */
export function tinyModel(options: TinyModelOptions = {}): TinyModel {
  const arch = options.arch ?? "llama";
  const seed = options.seed ?? 0;
  const python = llmPython();
  const hash = createHash("sha256");
  for (const file of BUILDER_FILES) hash.update(readFileSync(join(llmPackageDir, file)));
  hash.update(`${arch} ${seed} ${python.versions}`);
  const dir = join(cacheRoot(), hash.digest("hex").slice(0, 16));
  if (existsSync(join(dir, "launch_local_tiny_model.json"))) return { dir, python: python.executable };

  mkdirSync(join(dir, ".."), { recursive: true });
  const staging = `${dir}.tmp-${process.pid}`;
  const built = spawnSync(python.executable, ["-m", "launch_local_llm.tiny_model", staging, "--arch", arch, "--seed", String(seed)], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: workerDir, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (built.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(`building the tiny model failed: ${built.stderr}`);
  }
  try {
    renameSync(staging, dir);
  } catch {
    // Another test process built it first: keep theirs.
    rmSync(staging, { recursive: true, force: true });
  }
  return { dir, python: python.executable };
}

/** Runs a short Python snippet with the engine's interpreter; returns its stdout. */
export function runLlmPython(code: string, args: readonly string[] = []): string {
  const result = spawnSync(llmPython().executable, ["-c", code, ...args], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: workerDir, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (result.status !== 0) throw new Error(`python -c failed (${String(result.status)}): ${result.stderr}`);
  return result.stdout;
}

/**
 * Starts the engine on `model` with vLLM's command line (port 0: the ready line names the port).
 * `args` are added after the bundle-style flags.
 */
export function startLlmEngine(model: TinyModel, args: readonly string[] = [], env: Record<string, string> = {}): Promise<PythonServer> {
  const argv = ["launch_local_llm.server", "--model", model.dir, "--served-model-name", "tiny", "model_files", "--port", "0", "--host", "::", ...args];
  return startPythonServer("-m", argv, { PYTHONPATH: workerDir, ...env }, { python: model.python, readyTimeoutMs: ENGINE_READY_TIMEOUT_MS });
}
