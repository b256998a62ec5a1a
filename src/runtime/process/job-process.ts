/**
 * One docker-image batch job as a host process (STYLE.md §8): argv spawn in its own process group,
 * output piped line by line, SIGTERM to the group then SIGKILL after a grace period. Its `ref`
 * (pid and kernel start time) lets a later launch-local end it if this one died without doing so.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import type { Clock } from "../../domain/clock.js";
import type { JobExit, JobHandle } from "../../domain/job-ports.js";
import { signalGroup, waitForGroupGone } from "./process-group.js";
import { type Env, pipeLines } from "./run-command.js";

export interface JobProcessLaunch {
  argv: readonly string[];
  env: Env;
  cwd: string;
  log: (line: string) => void;
  graceMs: number;
  clock: Clock;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks): tells a reused pid from ours. */
async function startTimeOf(pid: number): Promise<string | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** `ref` = "process:<pgid>:<start time>"; empty start time where /proc is missing. */
export async function processRef(pid: number | undefined): Promise<string> {
  if (pid === undefined) return "process::";
  return `process:${pid}:${(await startTimeOf(pid)) ?? ""}`;
}

/**
 * Kills the group of a job started by an earlier launch-local, when its leader is still that very
 * process (same pid and start time). Without /proc nothing is killed: a reused pid is not ours.
 */
export async function killLeftover(ref: string, clock: Clock): Promise<boolean> {
  const match = /^process:(\d+):(\d+)$/.exec(ref);
  if (!match) return false;
  const pid = Number(match[1]);
  if ((await startTimeOf(pid)) !== match[2]) return false;
  signalGroup(pid, "SIGKILL");
  await waitForGroupGone(pid, clock);
  return true;
}

export async function spawnJobProcess(launch: JobProcessLaunch): Promise<JobHandle> {
  const [file, ...args] = launch.argv;
  const { clock, log } = launch;
  let resolveExited: (exit: JobExit) => void = () => undefined;
  const exited = new Promise<JobExit>((resolve) => (resolveExited = resolve));
  if (file === undefined || file === "") {
    resolveExited({ code: null, signal: null, error: "the bundle's command is empty" });
    return { ref: "process::", exited, stop: async () => undefined };
  }
  const child = spawn(file, args, { env: launch.env, cwd: launch.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const pid = child.pid;
  let streamsOpen = 2;
  let exit: JobExit | null = null;
  const settle = () => {
    // 'close' of both pipes and the exit itself: every output line is logged before the status moves.
    if (exit === null || streamsOpen > 0) return;
    const done = exit;
    void waitForGroupGone(pid, clock).then(() => resolveExited(done));
  };
  const onStreamEnd = () => {
    streamsOpen--;
    settle();
  };
  pipeLines(child.stdout, log);
  pipeLines(child.stderr, log);
  child.stdout.once("close", onStreamEnd);
  child.stderr.once("close", onStreamEnd);
  child.once("exit", (code, signal) => {
    exit ??= { code, signal, error: null };
    // The leader is gone; whatever it left in its group goes too.
    signalGroup(pid, "SIGKILL");
    settle();
  });
  child.once("error", (error) => {
    if (pid !== undefined) return;
    exit ??= { code: null, signal: null, error: `could not start ${JSON.stringify(file)}: ${error.message}` };
    streamsOpen = 0;
    settle();
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exit !== null) return;
      signalGroup(pid, "SIGTERM");
      const cancel = clock.setTimeout(() => {
        log(`[launch-local] the job did not exit within ${launch.graceMs} ms of SIGTERM; killing it`);
        signalGroup(pid, "SIGKILL");
      }, launch.graceMs);
      await exited;
      cancel();
    })();
    return stopping;
  };
  return { ref: await processRef(pid), exited, stop };
}
