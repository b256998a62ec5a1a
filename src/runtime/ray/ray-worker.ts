/**
 * A WorkerHandle over one Ray actor (STYLE.md §8): the actor is placed by Ray's scheduler, runs the
 * worker as its child, and the gateway probes the worker's health route at the node's address,
 * raced against the actor's exit and the start timeout. `exited` settles once the driver reports
 * the child's exit or the actor's death (killed, node lost), or once a placement failed.
 */
import type { Clock } from "../../domain/clock.js";
import { LaunchError } from "../../domain/errors.js";
import type { WorkerExit, WorkerHandle } from "../../domain/ports.js";
import { isHealthy } from "../docker/health-probe.js";
import { tokenHeaders } from "../worker-env.js";
import type { PlaceRequest, RayDriver, RayExit, RayPlacement } from "./ray-driver.js";
import type { WorkerPlan } from "./worker-plan.js";

const STOP_GRACE_MS = 2000;
const PROBE_INTERVAL_MS = 50;

export interface RayWorkerLaunch {
  driver: RayDriver;
  place: PlaceRequest;
  /** The child to run once placed (throws a LaunchError when the bundle cannot run there). */
  plan(placement: RayPlacement): Promise<WorkerPlan>;
  startTimeoutMs: number;
  clock: Clock;
  log: (line: string) => void;
  /** Called once the worker is gone, whatever happened. */
  onGone(exit: WorkerExit): void;
}

const describe = (exit: RayExit): string => exit.reason ?? (exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`);

export class RayWorker implements WorkerHandle {
  readonly ready: Promise<void>;
  readonly exited: Promise<WorkerExit>;
  private address = "http://0.0.0.0:0";
  private workerToken: string | null = null;
  private isPlaced = false;
  private isStopping = false;
  private stopPromise: Promise<void> | null = null;
  private settleExit: (exit: RayExit) => void = () => undefined;
  private readonly lastLines: string[] = [];

  constructor(private readonly launch: RayWorkerLaunch) {
    const exitReport = new Promise<RayExit>((resolve) => (this.settleExit = resolve));
    this.exited = exitReport.then((exit) => {
      const result: WorkerExit = { code: exit.code, signal: exit.signal };
      launch.onGone(result);
      return result;
    });
    this.ready = this.start(exitReport);
    // Callers may never await `ready` (a worker stopped while starting).
    this.ready.catch(() => undefined);
  }

  get id(): string {
    return this.launch.place.key;
  }

  get baseUrl(): string {
    return this.address;
  }

  get token(): string | null {
    return this.workerToken;
  }

  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      this.isStopping = true;
      // An actor still waiting for a node is cancelled: ray.kill removes a pending actor too.
      const ending = this.isPlaced ? this.launch.driver.stop(this.id, STOP_GRACE_MS) : this.launch.driver.kill(this.id);
      await ending.catch(() => undefined);
      await this.exited;
    })();
    return this.stopPromise;
  }

  kill(): void {
    this.isStopping = true;
    void this.launch.driver.kill(this.id).catch(() => undefined);
  }

  private async start(exitReport: Promise<RayExit>): Promise<void> {
    const { clock, startTimeoutMs } = this.launch;
    let hasExited = false;
    let exitInfo: RayExit | null = null;
    void exitReport.then((exit) => {
      hasExited = true;
      exitInfo = exit;
    });
    let cancelTimeout: () => void = () => undefined;
    const timedOut = new Promise<"timeout">((resolve) => (cancelTimeout = clock.setTimeout(() => resolve("timeout"), startTimeoutMs)));
    const exitedFirst = exitReport.then(() => "exited" as const);
    const fail = (message: string): never => {
      throw new LaunchError("BAD_REQUEST", message);
    };
    try {
      const events = {
        output: (lines: readonly string[]) => {
          for (const line of lines) {
            this.launch.log(line);
            this.lastLines.push(line);
            if (this.lastLines.length > 5) this.lastLines.shift();
          }
        },
        exit: (exit: RayExit) => this.settleExit(exit),
      };
      const placing = this.launch.driver.place(this.launch.place, events).then(
        (placement) => placement,
        (error: unknown) => {
          this.settleExit({ code: null, signal: null, reason: null });
          return fail(`Ray could not place worker ${this.id}: ${error instanceof Error ? error.message : String(error)}`);
        },
      );
      const placed = await Promise.race([placing, timedOut]);
      if (placed === "timeout") {
        void this.launch.driver.kill(this.id).catch(() => undefined);
        this.settleExit({ code: null, signal: null, reason: "not placed" });
        return fail(`Ray did not place worker ${this.id} within ${startTimeoutMs} ms (the cluster has no free node with its resources).`);
      }
      this.isPlaced = true;
      if (this.isStopping) {
        // stop() ran before the placement and waits for this exit.
        await this.launch.driver.stop(this.id, 0).catch(() => undefined);
        return fail("Worker stopped before it became ready.");
      }
      let healthRoute: string;
      try {
        const planned = await this.launch.plan(placed);
        healthRoute = planned.healthRoute;
        this.workerToken = planned.token;
        this.address = `http://${placed.nodeIp.includes(":") ? `[${placed.nodeIp}]` : placed.nodeIp}:${planned.port}`;
        this.launch.log(`placed by Ray on node ${placed.nodeIp} (${placed.nodeId.slice(0, 12)}), listening on port ${planned.port}`);
        await this.launch.driver.run(this.id, planned.plan);
      } catch (error) {
        // The actor goes; the driver reports its exit, which settles `exited`.
        await this.launch.driver.stop(this.id, 0).catch(() => undefined);
        if (error instanceof LaunchError) throw error;
        return fail(`Ray could not start worker ${this.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const healthUrl = `${this.address}${healthRoute}`;
      const probing = (async () => {
        while (!hasExited && !this.isStopping) {
          if (await isHealthy(healthUrl, tokenHeaders(this.workerToken))) return "ready" as const;
          await clock.sleep(PROBE_INTERVAL_MS);
        }
        return "exited" as const;
      })();
      const outcome = await Promise.race([probing, exitedFirst, timedOut]);
      if (outcome === "ready" && !hasExited) return;
      if (outcome === "timeout") {
        void this.stop();
        return fail(`Worker did not become ready within ${startTimeoutMs} ms (no 200 from ${healthRoute} at ${this.address}).`);
      }
      const exit = exitInfo ?? (await exitReport);
      const stopped = this.stopPromise ? " (stopped before it became ready)" : "";
      const last = this.lastLines
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .join(" | ");
      return fail(`Worker ${describe(exit)} before becoming ready${stopped}${last ? `; last output lines: ${last.slice(-400)}` : "."}`);
    } finally {
      cancelTimeout();
    }
  }
}
