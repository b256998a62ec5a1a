/**
 * launch-local under load: the built CLI as a child process (as a pytest fixture runs it), on loopback
 * with a free port and an ephemeral data dir, plus its resident memory from /proc.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../bin/launch-local.js", import.meta.url));
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

/** VmRSS of a process in MiB; null when it is gone. */
export function rssMiB(pid) {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** `nodeArgs` go to node before the CLI (e.g. --max-old-space-size=24 for the leak check). */
export async function startServer(extraArgs = [], nodeArgs = []) {
  const scratch = mkdtempSync(join(tmpdir(), "launch-load-"));
  const portFile = join(scratch, "port");
  let stderr = "";
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, "--host", "127.0.0.1", "--port", "0", "--port-file", portFile, "--ephemeral", "--runtime", "process", "--log-level", "warn", ...extraArgs],
    { cwd: scratch, stdio: ["ignore", "ignore", "pipe"] },
  );
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!existsSync(portFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill("SIGKILL");
      rmSync(scratch, { recursive: true, force: true });
      throw new Error(`launch-local did not start: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const port = Number(readFileSync(portFile, "utf8").trim());
  let stopping = null;
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    stderr: () => stderr,
    rssMiB: () => rssMiB(child.pid),
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
          await exited;
          clearTimeout(timer);
        }
        rmSync(scratch, { recursive: true, force: true });
      })()),
  };
}
