/**
 * One owned child process (STYLE.md §8): argv spawn in its own process group, output piped line by
 * line, readiness = an HTTP health probe raced against exit and a start timeout, SIGTERM to the
 * group then SIGKILL after a grace period.
 */
import { spawn } from "node:child_process";
import { get as httpGet } from "node:http";
import type { Clock } from "../../domain/clock.js";
import { LaunchError } from "../../domain/errors.js";
import type { WorkerExit } from "../../domain/ports.js";
import { signalGroup, waitForGroupGone } from "./process-group.js";
import { type Env, LineTail, pipeLines } from "./run-command.js";

/** Readiness failed; a status_reason-ready message. `isPortConflict`: the child could not bind its port. */
export class WorkerStartFailure extends LaunchError {
  constructor(
    message: string,
    readonly isPortConflict: boolean,
  ) {
    super("BAD_REQUEST", message);
    this.name = "WorkerStartFailure";
  }
}

export interface ChildLaunch {
  workerId: string;
  argv: readonly string[];
  env: Env;
  cwd: string | undefined;
  /** Full URL of the health route; 200 means ready. */
  healthUrl: string;
  /** Headers of each probe (the worker's token). */
  healthHeaders?: Record<string, string>;
  startTimeoutMs: number;
  log: (line: string) => void;
}

export interface ChildHandle {
  readonly pid: number | undefined;
  readonly ready: Promise<void>;
  readonly exited: Promise<WorkerExit>;
  stop(graceMs: number): Promise<void>;
  kill(): void;
}

const PORT_CONFLICT = /address already in use|EADDRINUSE|errno 98\b/i;
/** Fast polling first: the cold-start target is under a second (DESIGN.md "Workers"). */
const fastPollMs = 50;
const slowPollMs = 250;
const fastPollWindowMs = 3000;
/** After exit, how long to wait for the last output lines before judging them. */
const outputDrainMs = 250;

/**
 * One probe on a fresh connection that is closed afterwards: a pooled keep-alive socket left idle
 * on a single-threaded user server would block its next request.
 */
function isHealthy(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  return new Promise((resolve) => {
    const request = httpGet(url, { agent: false, headers: { ...headers, Connection: "close" }, timeout: 2000 }, (response) => {
      response.resume();
      response.once("end", () => resolve(response.statusCode === 200));
      response.once("error", () => resolve(false));
    });
    request.once("timeout", () => request.destroy());
    request.once("error", () => resolve(false));
  });
}

const summarize = (lines: readonly string[]): string => {
  const text = lines
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(-5)
    .join(" | ");
  return text.length > 400 ? `...${text.slice(-400)}` : text;
};

export function spawnChild(launch: ChildLaunch, clock: Clock): ChildHandle {
  const [file, ...args] = launch.argv;
  if (file === undefined) throw new LaunchError("BAD_REQUEST", "The worker command is empty.");
  const stderrTail = new LineTail(20);
  const child = spawn(file, args, {
    env: launch.env,
    cwd: launch.cwd,
    // Own process group, so stop/kill reach whatever the worker forks.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid;
  pipeLines(child.stdout, launch.log);
  pipeLines(child.stderr, (line) => {
    stderrTail.push(line);
    launch.log(line);
  });

  let exitInfo: WorkerExit | null = null;
  let spawnError: Error | null = null;
  let resolveExited: (exit: WorkerExit) => void = () => undefined;
  const exited = new Promise<WorkerExit>((resolve) => (resolveExited = resolve));
  const onGone = (exit: WorkerExit) => {
    if (exitInfo !== null) return;
    exitInfo = exit;
    // The leader is gone; anything it left in its group goes too (no orphans holding the port),
    // and `exited` waits until they really are gone.
    signalGroup(pid, "SIGKILL");
    void waitForGroupGone(pid, clock).then(() => resolveExited(exit));
  };
  child.once("exit", (code, signal) => onGone({ code, signal }));
  child.once("error", (error) => {
    spawnError = error;
    if (pid === undefined) onGone({ code: null, signal: null });
  });
  const drained = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    void exited.then(() => clock.sleep(outputDrainMs)).then(resolve);
  });

  let isSettled = false;
  let stopPromise: Promise<void> | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    const settle = (error: WorkerStartFailure | null) => {
      if (isSettled) return;
      isSettled = true;
      cancelTimeout();
      if (error) reject(error);
      else resolve();
    };
    const cancelTimeout = clock.setTimeout(() => {
      settle(new WorkerStartFailure(`Worker did not become ready within ${launch.startTimeoutMs} ms (no 200 from ${launch.healthUrl}).`, false));
      void stop(2000);
    }, launch.startTimeoutMs);
    void exited.then(async (exit) => {
      await drained;
      if (isSettled) return;
      const how = spawnError
        ? `could not start: ${spawnError.message}`
        : exit.signal
          ? `was killed by ${exit.signal}`
          : `exited with code ${String(exit.code)}`;
      const stopped = stopPromise ? " (stopped before it became ready)" : "";
      const last = summarize(stderrTail.all);
      const message = `Worker ${how} before becoming ready${stopped}${last ? `; last stderr lines: ${last}` : "."}`;
      settle(
        new WorkerStartFailure(
          message,
          stderrTail.all.some((line) => PORT_CONFLICT.test(line)),
        ),
      );
    });
    void (async () => {
      const startedAt = clock.now();
      while (!isSettled && exitInfo === null) {
        if (await isHealthy(launch.healthUrl, launch.healthHeaders)) {
          if (exitInfo === null) settle(null);
          return;
        }
        await clock.sleep(clock.now() - startedAt < fastPollWindowMs ? fastPollMs : slowPollMs);
      }
    })();
  });
  // Callers may never await `ready` (a worker stopped while starting); that is not an unhandled error.
  ready.catch(() => undefined);

  const stop = (graceMs: number): Promise<void> => {
    stopPromise ??= (async () => {
      if (exitInfo !== null) return;
      signalGroup(pid, "SIGTERM");
      let isOverdue = false;
      const cancel = clock.setTimeout(() => {
        isOverdue = true;
        signalGroup(pid, "SIGKILL");
      }, graceMs);
      await exited;
      cancel();
      if (isOverdue) launch.log(`worker did not exit within ${graceMs} ms of SIGTERM; killed`);
    })();
    return stopPromise;
  };

  return {
    pid,
    ready,
    exited,
    stop,
    kill: () => signalGroup(pid, "SIGKILL"),
  };
}
