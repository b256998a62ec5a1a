/**
 * Runnable-image bundles run their `command` as a host process (DESIGN.md "Workers"). In the real
 * platform the user container listens on port 5005 (server-contract.md §4.1); here several workers
 * share one host, so each gets its own port and the command is rewritten to use it.
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import type { RunnableFlavor, StreamingFlavor, TritonFlavor } from "../../domain/bundle.js";
import type { Env } from "./run-command.js";

export type RunnableBundleFlavor = RunnableFlavor | StreamingFlavor | TritonFlavor;

/** The container port user servers are written for (server-contract.md §4.1). */
export const CONTAINER_PORT = "5005";

/**
 * The argv to run: `command`, or for a streaming bundle with an empty `command`, its
 * `streaming_command`. Empty when the bundle has neither.
 */
export function runnableArgv(flavor: RunnableBundleFlavor): string[] {
  if (flavor.command.length > 0) return [...flavor.command];
  if (flavor.flavor === "streaming_enhanced_runnable_image") return [...flavor.streaming_command];
  return [];
}

const PORT_VARIABLE = /\$\{PORT\}|\$PORT(?![A-Za-z0-9_])/g;
const PORT_AFTER_SEPARATOR = /([=:])5005(?!\d)/g;
// In a multi-word token (the script of `sh -c "…"`), a standalone 5005 word is a port too.
const PORT_WORD = /(^|[\s'"=:])5005(?=$|[\s'"/;&|)])/g;

/**
 * Rewrites one argv for `port`: a token exactly "5005" becomes the port; "=5005" and ":5005"
 * (e.g. `--port=5005`, `0.0.0.0:5005`) get the port; `$PORT` / `${PORT}` become the port; inside a
 * token with whitespace (a shell script) a standalone 5005 word becomes the port.
 */
export function rewritePortArgs(argv: readonly string[], port: number): string[] {
  const value = String(port);
  return argv.map((token) => {
    if (token === CONTAINER_PORT) return value;
    let rewritten = token.replace(PORT_VARIABLE, value).replace(PORT_AFTER_SEPARATOR, `$1${value}`);
    if (/\s/.test(rewritten)) rewritten = rewritten.replace(PORT_WORD, `$1${value}`);
    return rewritten;
  });
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path `command` resolves to: a path (containing "/") relative to `cwd`, else the
 * first executable match on the env's PATH. Null when there is none.
 */
export async function findExecutable(command: string, env: Env, cwd: string): Promise<string | null> {
  if (command.length === 0) return null;
  if (command.includes("/")) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return (await isExecutableFile(path)) ? path : null;
  }
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir.length === 0) continue;
    const candidate = resolve(cwd, join(dir, command));
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** Why the bundle's command cannot run here, or null when it can. */
export async function runnableCommandProblem(flavor: RunnableBundleFlavor, env: Env, cwd: string): Promise<string | null> {
  const argv = runnableArgv(flavor);
  const executable = argv[0];
  if (executable === undefined || executable.length === 0) {
    return `The bundle's command is empty; the process runtime has nothing to run.`;
  }
  if ((await findExecutable(executable, env, cwd)) === null) {
    const where = executable.includes("/") ? "does not exist or is not executable" : "was not found on PATH";
    return `The bundle's command executable "${executable}" ${where} (the process runtime runs runnable-image commands on the host).`;
  }
  return null;
}
