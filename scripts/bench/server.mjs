/**
 * launch-local as a child process, started exactly as a pytest fixture starts it (the CLI with
 * --port 0 --port-file --ephemeral), plus what only the operating system can tell about it: its
 * resident memory (/proc/<pid>/status) and its worker processes (/proc/<pid>/environ).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The launcher the bench starts: this checkout's, or another build's (`--cli`, for before/after runs). */
let cliPath = join(REPO_ROOT, "bin", "launch-local.js");
export function useCli(path) {
  cliPath = path;
}
export const cliInUse = () => cliPath;

const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

/**
 * Starts the CLI; resolves once the port file exists. `portFileMs` is spawn → port file, `readyLineMs`
 * spawn → the "ready at" line on stdout (both from the parent's clock, so they include Node's own
 * start-up). `runtime`: the --runtime flag (null: none, i.e. the default `auto`, which chooses per
 * endpoint when an engine answers); `nodeArgs` go before the script (e.g. --cpu-prof).
 */
export async function startServer({ runtime = "process", args = [], nodeArgs = [], env = {} } = {}) {
  const scratch = mkdtempSync(join(tmpdir(), "launch-bench-"));
  const portFile = join(scratch, "port");
  let stdout = "";
  let stderr = "";
  let readyLineMs = null;
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      cliPath,
      "--port",
      "0",
      "--port-file",
      portFile,
      "--ephemeral",
      "--log-level",
      "warn",
      ...(runtime === null ? [] : ["--runtime", runtime]),
      ...args,
    ],
    { cwd: scratch, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    stdout += chunk;
    if (readyLineMs === null && stdout.includes("ready at")) readyLineMs = performance.now() - started;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));

  // fs.watch reports the rename that publishes the port file at once; the interval is a safety net.
  const portFileMs = await new Promise((resolve, reject) => {
    let isDone = false;
    const finish = (error) => {
      if (isDone) return;
      isDone = true;
      watcher.close();
      clearInterval(poll);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(performance.now() - started);
    };
    const check = () => {
      if (existsSync(portFile)) finish(null);
    };
    const watcher = watch(scratch, check);
    const poll = setInterval(check, 20);
    const timer = setTimeout(() => finish(new Error(`launch-local wrote no port file within ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    void exited.then(({ code, signal }) => finish(new Error(`launch-local exited (code ${code}, signal ${signal}) before ready: ${stderr.trim()}`)));
    check();
  }).catch((error) => {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  });

  // CPU the server used until ready: unlike wall time, barely moved by other load on the machine.
  const cpuMsToReady = readCpuMs(child.pid);
  const port = Number(readFileSync(portFile, "utf8").trim());
  let stopping = null;
  return {
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    portFileMs,
    cpuMsToReady,
    readyLineMs: () => readyLineMs,
    stdout: () => stdout,
    stderr: () => stderr,
    memory: () => readMemory(child.pid),
    /** SIGTERM (the CLI stops its workers), SIGKILL after a grace period. Safe to call twice. */
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

/** User + system CPU time of a process so far, in ms (clock ticks of 10 ms); null when it is gone. */
export function readCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8");
    const after = fields.slice(fields.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the command.
    return (Number(after[11]) + Number(after[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * CPU time of all a process's threads in ms with nanosecond resolution (the first field of each
 * /proc/<pid>/task/<tid>/schedstat), for figures per request too small for readCpuMs' 10 ms ticks;
 * null when the process is gone or the kernel has no schedstat.
 */
export function readCpuPreciseMs(pid) {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    return ns / 1e6;
  } catch {
    return null;
  }
}

/** VmRSS (now) and VmHWM (peak so far) of a process, in MiB; null when it is gone. */
export function readMemory(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const field = (name) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) / 1024 : null;
  };
  return { rssMiB: field("VmRSS"), hwmMiB: field("VmHWM") };
}

/** Samples VmRSS every `intervalMs` until stopped; returns the highest value seen (MiB). */
export function sampleRss(pid, intervalMs = 50) {
  let peak = 0;
  const take = () => {
    const memory = readMemory(pid);
    if (memory?.rssMiB != null && memory.rssMiB > peak) peak = memory.rssMiB;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

/**
 * The worker processes of one endpoint, found through the process table: descendants of the server
 * whose environment names the endpoint's work dir (process runtime: LAUNCH_WORK_DIR ends in
 * `<endpoint id>-w<n>`), their port (LAUNCH_WORKER_PORT) and token (LAUNCH_WORKER_TOKEN). Sorted by worker id.
 */
export function findWorkers(serverPid, endpointId) {
  const parents = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the parenthesised command: state, ppid, …
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone meanwhile
    }
  }
  const isDescendant = (pid) => {
    for (let current = parents.get(pid); current !== undefined && current > 1; current = parents.get(current)) {
      if (current === serverPid) return true;
    }
    return false;
  };
  const workers = [];
  for (const pid of parents.keys()) {
    if (!isDescendant(pid)) continue;
    let environ;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    } catch {
      continue;
    }
    const value = (key) => environ.find((entry) => entry.startsWith(`${key}=`))?.slice(key.length + 1);
    const workerId = (value("LAUNCH_WORK_DIR") ?? "").split("/").pop() ?? "";
    const port = Number(value("LAUNCH_WORKER_PORT"));
    // The worker's token (README "Trust model"): a direct call must carry it; null for a build without one.
    const token = value("LAUNCH_WORKER_TOKEN") ?? null;
    if (workerId.startsWith(`${endpointId}-w`) && port > 0) workers.push({ pid, port, workerId, token });
  }
  return workers.sort((a, b) => a.workerId.localeCompare(b.workerId));
}
