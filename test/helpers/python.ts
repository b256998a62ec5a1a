/**
 * Test helpers for the Python side: locate the interpreter, build the fixture bundles, run short
 * scripts, and start the worker server or the runnable echo server as owned child processes.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const workerServerPath = join(repoRoot, "src", "worker", "server.py");
export const echoServerPath = join(repoRoot, "fixtures", "runnable", "echo_server.py");
export const makeBundlesPath = join(repoRoot, "fixtures", "bundles", "make_bundles.py");

/** Module paths of the echo.zip fixture, for LAUNCH_LOAD_*_FN_MODULE_PATH. */
export const echoZipModulePaths = {
  loadPredictFn: "echomod.predict.load_predict_fn",
  loadModelFn: "echomod.predict.load_model_fn",
} as const;

const STOP_GRACE_MS = 5_000;
const READY_TIMEOUT_MS = 30_000;
const READY_LINE = /ready on (\S+):(\d+)\s*$/m;

// Tests must not write into the repository: no __pycache__ beside src/worker's modules.
const NO_BYTECODE = { PYTHONDONTWRITEBYTECODE: "1" } as const;

let cachedPython: string | undefined;

/**
 * The real interpreter path (`sys.executable`), so children are not wrapped in pyenv-style shims
 * and signals reach Python itself. LAUNCH_LOCAL_PYTHON overrides the `python3` on PATH.
 */
export function findPython(): string {
  if (cachedPython !== undefined) return cachedPython;
  const candidate = process.env["LAUNCH_LOCAL_PYTHON"] ?? "python3";
  const probe = spawnSync(candidate, ["-c", "import sys, cloudpickle; print(sys.executable)"], {
    encoding: "utf8",
  });
  const executable = probe.stdout.trim();
  if (probe.status !== 0 || executable === "") {
    throw new Error(`no usable Python with cloudpickle at ${candidate}: ${probe.stderr || String(probe.error)}`);
  }
  cachedPython = executable;
  return executable;
}

export interface PythonResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `python <args>` to completion. */
export async function runPython(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<PythonResult> {
  const child = spawn(findPython(), [...args], { env: { ...env, ...NO_BYTECODE }, stdio: ["ignore", "pipe", "pipe"] });
  const output = collectOutput(child);
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

/** Like runPython, but throws unless the script exits 0; returns its stdout. */
export async function runPythonOrThrow(args: readonly string[]): Promise<string> {
  const result = await runPython(args);
  if (result.code !== 0) {
    throw new Error(`python ${args.join(" ")} exited ${String(result.code)}: ${result.stderr}`);
  }
  return result.stdout;
}

export interface FixtureBundles {
  dir: string;
  echo: string;
  config: string;
  failing: string;
  brokenLoad: string;
  bytes: string;
  slow: string;
  model: string;
  initObject: string;
  bareFn: string;
  echoZip: string;
}

/** Writes the fixture bundles (fixtures/bundles/make_bundles.py) into `outDir`. */
export async function buildFixtureBundles(outDir: string): Promise<FixtureBundles> {
  await runPythonOrThrow([makeBundlesPath, outDir]);
  return {
    dir: outDir,
    echo: join(outDir, "echo.pkl"),
    config: join(outDir, "config.pkl"),
    failing: join(outDir, "failing.pkl"),
    brokenLoad: join(outDir, "broken_load.pkl"),
    bytes: join(outDir, "bytes.pkl"),
    slow: join(outDir, "slow.pkl"),
    model: join(outDir, "model.pkl"),
    initObject: join(outDir, "init_object.pkl"),
    bareFn: join(outDir, "bare_fn.pkl"),
    echoZip: join(outDir, "echo.zip"),
  };
}

/** Cloudpickles a JSON value into `path` (e.g. a `{"args": [...], "kwargs": {...}}` input). */
export async function writePickledJson(path: string, value: unknown): Promise<void> {
  const script = "import cloudpickle, json, sys; open(sys.argv[1], 'wb').write(cloudpickle.dumps(json.loads(sys.argv[2])))";
  await runPythonOrThrow(["-c", script, path, JSON.stringify(value)]);
}

/** Unpickles `path` with cloudpickle and returns the object as JSON. */
export async function readPickledJson(path: string): Promise<unknown> {
  const script = "import cloudpickle, json, sys; print(json.dumps(cloudpickle.load(open(sys.argv[1], 'rb'))))";
  return JSON.parse(await runPythonOrThrow(["-c", script, path])) as unknown;
}

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/** Thrown when a server process exits before printing its ready line. */
export class PythonExitError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderr: string,
  ) {
    super(`python server exited (code ${String(exitCode)}, signal ${String(signal)}) before ready:\n${stderr}`);
    this.name = "PythonExitError";
  }
}

export interface PythonServer {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves to the exit code. Safe to call twice. */
  stop(): Promise<number | null>;
}

/**
 * Starts a Python server script that prints `... ready on HOST:PORT` once listening (the worker
 * server, the runnable echo server and the LLM engine do). `options.python` picks another
 * interpreter (the LLM engine's); `script` may be "-m" with the module as the first arg.
 * Inherited LAUNCH_* variables are dropped, so only `env` configures the child; no bytecode is
 * written.
 */
export async function startPythonServer(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { python?: string; readyTimeoutMs?: number } = {},
): Promise<PythonServer> {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("LAUNCH_")));
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const child = spawn(options.python ?? findPython(), [script, ...args], {
    env: { ...baseEnv, ...NO_BYTECODE, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolveExit) => {
    child.once("exit", (code, signal) => resolveExit([code, signal]));
  });

  const ready = await new Promise<RegExpExecArray | Error>((resolveReady) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolveReady(new Error(`${script} printed no ready line within ${readyTimeoutMs} ms:\n${output.stderr()}`));
    }, readyTimeoutMs);
    const onData = (): void => {
      const match = READY_LINE.exec(output.stdout());
      if (match !== null) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolveReady(match);
      }
    };
    child.stdout?.on("data", onData);
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      resolveReady(new PythonExitError(code, signal, output.stderr()));
    });
  });
  if (ready instanceof Error) throw ready;

  const port = Number(ready[2]);
  let stopping: Promise<number | null> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    stdout: output.stdout,
    stderr: output.stderr,
    stop: () => {
      stopping ??= stopChild(child, exited);
      return stopping;
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<[number | null, NodeJS.Signals | null]>): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    const [code] = await exited;
    clearTimeout(timer);
    return code;
  }
  return child.exitCode;
}

function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return { stdout: () => stdout, stderr: () => stderr };
}
