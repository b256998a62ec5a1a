/**
 * A WorkerHandle over one child process on a loopback port. A port from `allocatePort` is free only
 * until someone else binds it, so a child that dies with "address already in use" before becoming
 * ready is started again on a fresh port; `baseUrl` is final once `ready` has resolved.
 */
import type { Clock } from "../../domain/clock.js";
import type { WorkerExit, WorkerHandle } from "../../domain/ports.js";
import { allocatePort } from "../free-port.js";
import { type ChildHandle, WorkerStartFailure, spawnChild } from "./child-process.js";
import type { Env } from "./run-command.js";
import { tokenHeaders } from "../worker-env.js";

export const WORKER_HOST = "127.0.0.1";
const STOP_GRACE_MS = 2000;
const MAX_PORT_ATTEMPTS = 3;

/** How to run a worker on a given port. */
export interface WorkerPlan {
  workerId: string;
  argv(port: number): string[];
  env(port: number): Env;
  /** The worker's token (worker-env.ts newWorkerToken), sent by the probe and the gateway; null: none. */
  token: string | null;
  cwd: string | undefined;
  healthRoute: string;
  startTimeoutMs: number;
}

export interface WorkerHooks {
  /** Ports held by this runtime's live workers (kept out of reuse). */
  portsInUse: Set<number>;
  clock: Clock;
  log: (line: string) => void;
  /** Called once, after the last child is gone (release GPUs, remove the work dir). */
  onGone(exit: WorkerExit): Promise<void>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class ProcessWorker implements WorkerHandle {
  readonly id: string;
  private port: number;
  private child: ChildHandle;
  private isStopping = false;
  private stopPromise: Promise<void> | null = null;
  private readonly readyState = deferred<void>();
  private readonly exitState = deferred<WorkerExit>();

  private constructor(
    private readonly plan: WorkerPlan,
    private readonly hooks: WorkerHooks,
    port: number,
  ) {
    this.id = plan.workerId;
    this.port = port;
    this.child = this.spawnOn(port);
    // Neither promise is necessarily awaited by the caller (a worker stopped while starting).
    this.readyState.promise.catch(() => undefined);
    void this.supervise();
  }

  /** Allocates a port and spawns the first child; readiness is reported through `ready`. */
  static async launch(plan: WorkerPlan, hooks: WorkerHooks): Promise<ProcessWorker> {
    const port = await allocatePort(WORKER_HOST, hooks.portsInUse);
    hooks.portsInUse.add(port);
    try {
      return new ProcessWorker(plan, hooks, port);
    } catch (error) {
      hooks.portsInUse.delete(port);
      throw error;
    }
  }

  get baseUrl(): string {
    return `http://${WORKER_HOST}:${this.port}`;
  }

  get ready(): Promise<void> {
    return this.readyState.promise;
  }

  get exited(): Promise<WorkerExit> {
    return this.exitState.promise;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get token(): string | null {
    return this.plan.token;
  }

  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      this.isStopping = true;
      await this.child.stop(STOP_GRACE_MS);
      await this.exitState.promise;
    })();
    return this.stopPromise;
  }

  kill(): void {
    this.isStopping = true;
    this.child.kill();
  }

  private spawnOn(port: number): ChildHandle {
    return spawnChild(
      {
        workerId: this.plan.workerId,
        argv: this.plan.argv(port),
        env: this.plan.env(port),
        cwd: this.plan.cwd,
        healthUrl: `http://${WORKER_HOST}:${port}${this.plan.healthRoute}`,
        healthHeaders: tokenHeaders(this.plan.token),
        startTimeoutMs: this.plan.startTimeoutMs,
        log: this.hooks.log,
      },
      this.hooks.clock,
    );
  }

  /** Drives attempts until ready or a final failure, then waits for the last child's exit. */
  private async supervise(): Promise<void> {
    // eslint-disable-next-line no-useless-assignment -- what `finally` reports when an await below throws
    let exit: WorkerExit = { code: null, signal: null };
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.child.ready;
          this.readyState.resolve();
          break;
        } catch (error) {
          const isRetryable = error instanceof WorkerStartFailure && error.isPortConflict;
          if (!isRetryable || attempt >= MAX_PORT_ATTEMPTS || this.isStopping) {
            this.readyState.reject(error);
            break;
          }
          exit = await this.child.exited;
          this.hooks.portsInUse.delete(this.port);
          this.hooks.log(`port ${this.port} was taken before the worker bound it; starting again on another port`);
          const port = await allocatePort(WORKER_HOST, this.hooks.portsInUse);
          this.hooks.portsInUse.add(port);
          this.port = port;
          if (this.isStopping) {
            this.readyState.reject(new WorkerStartFailure("Worker stopped before it became ready.", false));
            break;
          }
          this.child = this.spawnOn(port);
        }
      }
      exit = await this.child.exited;
    } catch (error) {
      this.readyState.reject(error);
    } finally {
      this.hooks.portsInUse.delete(this.port);
      await this.hooks.onGone(exit).catch(() => undefined);
      this.exitState.resolve(exit);
    }
  }
}
