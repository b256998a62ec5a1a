/**
 * The RayDriver over the Python driver process (src/worker/ray_driver/driver.py): one JSON message
 * per line each way, requests matched to replies by id, actor events routed by key. The driver
 * owns the actors; when it ends (close, or launch-local gone and its stdin closed) Ray removes them.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import type { Clock } from "../../domain/clock.js";
import { SystemError } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import type { RayActorEvents, RayClusterState, RayConnection, RayDriver, RayExit, RayPlacement, RayProbe } from "./ray-driver.js";
import { isFields, parseCluster, parseConnection, parsePlacement, parseProbe } from "./driver-messages.js";

export interface DriverProcessOptions {
  /** An interpreter with Ray installed (the cluster's Ray and Python versions). */
  python: string;
  driverScript: string;
  /** The `launch_worker` package folder, shipped to the nodes as a py_module. */
  workerPackage: string;
  /** The `launch_local_llm` package folder, shipped the same way for engine-image jobs. */
  enginePackage?: string;
  address: string;
  namespace: string;
  env: Record<string, string | undefined>;
  logger: Logger;
  clock: Clock;
}

/** A driver command failed; `kind` is the Python exception's class name. */
export class RayCommandError extends Error {
  constructor(
    message: string,
    readonly kind: string,
  ) {
    super(message);
    this.name = "RayCommandError";
  }
}

const CLOSE_GRACE_MS = 15_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function startDriverProcess(options: DriverProcessOptions): RayDriver {
  const { logger } = options;
  const child: ChildProcessWithoutNullStreams = spawn(
    options.python,
    [options.driverScript, options.address, options.namespace, options.workerPackage, ...(options.enginePackage === undefined ? [] : [options.enginePackage])],
    {
      env: { ...options.env, PYTHONUNBUFFERED: "1", RAY_USAGE_STATS_ENABLED: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const pending = new Map<number, Pending>();
  const actors = new Map<string, RayActorEvents>();
  let nextId = 1;
  let gone: Error | null = null;
  let closing: Promise<void> | null = null;

  let settleConnected: { resolve(value: RayConnection): void; reject(error: Error): void } = { resolve: () => undefined, reject: () => undefined };
  const connected = new Promise<RayConnection>((resolve, reject) => (settleConnected = { resolve, reject }));
  connected.catch(() => undefined);
  const stderrTail: string[] = [];

  const onMessage = (message: Record<string, unknown>): void => {
    if (typeof message.reply === "number") {
      const waiter = pending.get(message.reply);
      pending.delete(message.reply);
      if (waiter === undefined) return;
      if (typeof message.error === "string") waiter.reject(new RayCommandError(message.error, typeof message.kind === "string" ? message.kind : "Error"));
      else waiter.resolve(message.ok);
      return;
    }
    const key = typeof message.key === "string" ? message.key : "";
    switch (message.event) {
      case "connected":
        settleConnected.resolve(parseConnection(message));
        return;
      case "fatal":
        settleConnected.reject(new SystemError(String(message.message)));
        return;
      case "output":
        if (Array.isArray(message.lines)) actors.get(key)?.output(message.lines.map(String));
        return;
      case "exit": {
        const events = actors.get(key);
        actors.delete(key);
        events?.exit({
          code: typeof message.code === "number" ? message.code : null,
          signal: typeof message.signal === "string" ? message.signal : null,
          reason: typeof message.reason === "string" ? message.reason : null,
        });
        return;
      }
      default:
        return;
    }
  };

  createInterface({ input: child.stdout }).on("line", (line) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      logger.debug(`ray driver: ${line}`);
      return;
    }
    if (isFields(parsed)) onMessage(parsed);
  });
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
    logger.debug(`ray driver: ${line}`);
  });

  const exited = new Promise<void>((resolve) => {
    const onGone = (why: string) => {
      if (gone !== null) return;
      gone = new SystemError(why);
      const last = stderrTail
        .filter((line) => line.trim() !== "")
        .slice(-3)
        .join(" | ");
      settleConnected.reject(new SystemError(`The Ray driver (${options.python}) ${why}${last ? `: ${last}` : "."}`));
      for (const waiter of pending.values()) waiter.reject(gone);
      pending.clear();
      const lost: RayExit = { code: null, signal: null, reason: `the Ray driver ${why}` };
      for (const events of actors.values()) events.exit(lost);
      actors.clear();
      resolve();
    };
    child.once("error", (error) => onGone(`could not be started: ${error.message}`));
    child.once("exit", (code, signal) => onGone(signal ? `was killed by ${signal}` : `exited with code ${String(code)}`));
  });

  const send = (message: Record<string, unknown>): void => {
    if (gone !== null || !child.stdin.writable) return;
    child.stdin.write(`${JSON.stringify(message)}\n`);
  };

  const call = async (op: string, fields: Record<string, unknown> = {}): Promise<unknown> => {
    await connected;
    if (gone !== null) throw gone;
    if (closing !== null) throw new SystemError("The Ray driver is closing.");
    const id = nextId++;
    return new Promise<unknown>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ id, op, ...fields });
    });
  };

  return {
    connected,

    async place(request, events): Promise<RayPlacement> {
      actors.set(request.key, events);
      try {
        const answer = await call("place", {
          key: request.key,
          name: request.name,
          options: request.options,
          requirements: request.requirements,
          wants_port: request.wantsPort,
          system_site_packages: request.systemSitePackages === true,
        });
        return parsePlacement(answer);
      } catch (error) {
        actors.delete(request.key);
        throw error;
      }
    },

    async run(key, plan) {
      const answer = await call("run", { key, plan });
      const pid = isFields(answer) ? answer.pid : 0;
      return typeof pid === "number" ? pid : 0;
    },

    async stop(key, graceMs) {
      await call("stop", { key, grace_ms: graceMs });
    },

    async kill(key) {
      await call("kill", { key });
    },

    async probe(requirements, executable): Promise<RayProbe> {
      return parseProbe(await call("probe", { requirements, executable }));
    },

    async cluster(): Promise<RayClusterState> {
      return parseCluster(await call("nodes"));
    },

    async named(prefix) {
      const answer = await call("named", { prefix });
      const names = isFields(answer) ? answer.names : [];
      return Array.isArray(names) ? names.map(String) : [];
    },

    async sweep(prefix, keep) {
      const answer = await call("sweep", { prefix, keep });
      const removed = isFields(answer) ? answer.removed : [];
      return Array.isArray(removed) ? removed.map(String) : [];
    },

    close() {
      closing ??= (async () => {
        if (gone === null) {
          send({ op: "shutdown" });
          child.stdin.end();
          // The driver stops every actor's child (2 s grace each, in parallel), then disconnects.
          const cancel = options.clock.setTimeout(() => child.kill("SIGKILL"), CLOSE_GRACE_MS);
          await exited;
          cancel();
        }
      })();
      return closing;
    },
  };
}
