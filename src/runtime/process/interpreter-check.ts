/**
 * The start-up check of the interpreter that runs artifact workers as local processes (`--python`,
 * default python3): one short child that imports the worker server's modules (src/worker/launch_worker:
 * the standard library and cloudpickle) as a worker would. It runs in the background, so start-up does
 * not wait for it; its verdict is one problem line, or null when the interpreter can run a worker.
 * Without it, an interpreter lacking cloudpickle left endpoints READY whose workers could never start.
 */
import { spawn } from "node:child_process";
import type { Clock } from "../../domain/clock.js";
import type { Env } from "./run-command.js";

/** A verdict that takes longer than this is not worth having: no verdict (null). */
const CHECK_TIMEOUT_MS = 20_000;

// Python 2 and 3 alike: an interpreter too old for the worker's syntax reports its SyntaxError.
const CHECK_SCRIPT = [
  "import sys, platform",
  "sys.path.insert(0, sys.argv[1])",
  "try:",
  "    import launch_worker.main",
  "except BaseException as error:",
  "    sys.stdout.write('%s: %s (Python %s at %s)\\n' % (type(error).__name__, error, platform.python_version(), sys.executable))",
  "    sys.exit(1)",
].join("\n");

/** What is wrong: the interpreter does not run at all, or runs but cannot import the worker server. */
export interface InterpreterProblem {
  kind: "unrunnable" | "incomplete";
  detail: string;
}

export interface InterpreterCheck {
  /** null: the interpreter imports the worker (or gave no verdict in time); else what is wrong. */
  readonly problem: Promise<InterpreterProblem | null>;
  /** Ends the check if it still runs (dispose); `problem` then resolves to null. */
  cancel(): void;
}

export function checkWorkerInterpreter(options: { python: string; workerDir: string; env: Env; clock: Clock }): InterpreterCheck {
  let cancel: () => void = () => undefined;
  const problem = new Promise<InterpreterProblem | null>((resolve) => {
    // -B: the check writes no bytecode into the package; -c: nothing of the current folder is imported first.
    const child = spawn(options.python, ["-B", "-c", CHECK_SCRIPT, options.workerDir], { env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const take = (chunk: Buffer): void => {
      if (output.length < 4096) output += chunk.toString("utf8");
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    let isSettled = false;
    const settle = (verdict: InterpreterProblem | null): void => {
      if (isSettled) return;
      isSettled = true;
      cancelTimer();
      resolve(verdict);
    };
    const cancelTimer = options.clock.setTimeout(() => cancel(), CHECK_TIMEOUT_MS);
    cancel = () => {
      if (isSettled) return;
      child.kill("SIGKILL");
      settle(null);
    };
    child.once("error", (error) => settle({ kind: "unrunnable", detail: error.message }));
    // 'close': all of the output is in. Exit code 1 with a line is the script's own verdict.
    child.once("close", (code, signal) => {
      if (code === 0) return settle(null);
      const line = lastLine(output);
      if (code === 1 && line !== null) return settle({ kind: "incomplete", detail: line });
      settle({ kind: "unrunnable", detail: `it exited with ${signal === null ? `code ${String(code)}` : signal}${line === null ? "" : `: ${line}`}` });
    });
  });
  return { problem, cancel: () => cancel() };
}

const lastLine = (text: string): string | null =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .pop() ?? null;

/** The start-up warning for a problem: what fails because of it, and what to do. */
export function interpreterWarning(python: string, problem: InterpreterProblem): string {
  if (problem.kind === "unrunnable") {
    return (
      `--python ${python} could not be run (${problem.detail}): nothing can run as a local process (artifact bundles, ` +
      `runnable-image commands and the LLM engine all start through it); point --python at a Python 3.9 or later with cloudpickle.`
    );
  }
  const missing = /No module named '([\w.]+)'/.exec(problem.detail)?.[1]?.split(".")[0];
  const fix =
    missing === undefined
      ? "point --python at a Python 3.9 or later with cloudpickle"
      : `install it (${python} -m pip install ${missing}) or point --python at an interpreter that has it`;
  return (
    `--python ${python} cannot run the worker server: ${problem.detail}. Artifact bundles run as local processes will fail ` +
    `to start (their endpoints end UPDATE_FAILED, their tasks FAILURE) unless their requirements install what is missing; ${fix}.`
  );
}
