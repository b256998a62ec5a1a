/**
 * A WorkerHandle over one container (STYLE.md §8): created with labels, started, its published
 * loopback port read back, its output piped line by line, readiness = a health probe raced against
 * the container's exit and a start timeout. The container is removed once it has stopped, however
 * it stopped, so nothing is left behind in the engine.
 */
import { constants as osConstants } from "node:os";
import type Dockerode from "dockerode";
import type { Clock } from "../../domain/clock.js";
import { LaunchError } from "../../domain/errors.js";
import type { WorkerExit, WorkerHandle } from "../../domain/ports.js";
import { type ContainerOutput, followContainerOutput } from "./container-output.js";
import { CONTAINER_PORT } from "./dockerfile.js";
import { isHealthy } from "./health-probe.js";
import { tokenHeaders } from "../worker-env.js";
import { engineMessage, engineStatus } from "./local-image.js";

export const PUBLISH_HOST = "127.0.0.1";
const STOP_GRACE_SECONDS = 2;
const PROBE_INTERVAL_MS = 100;
/** After the container stops, how long to wait for its last output lines before judging them. */
const OUTPUT_DRAIN_MS = 500;

export interface DockerWorkerLaunch {
  docker: Dockerode;
  workerId: string;
  create: Dockerode.ContainerCreateOptions;
  healthRoute: string;
  /** The worker's token, sent by the probe and (through the handle) the gateway; null: none. */
  token: string | null;
  initialDelayMs: number;
  startTimeoutMs: number;
  clock: Clock;
  log: (line: string) => void;
  /** The container exists (before it starts): the runtime tracks it for dispose(). */
  onCreated(containerId: string): void;
  /** Called once, after the container is gone (release GPUs, forget the id). */
  onGone(exit: WorkerExit): void;
}

/** The engine's exit status as a process exit: 128+n is "killed by signal n". */
export function exitFromStatus(status: number | null): WorkerExit {
  if (status === null) return { code: null, signal: null };
  if (status > 128) {
    const entry = Object.entries(osConstants.signals).find(([, number]) => number === status - 128);
    if (entry) return { code: null, signal: entry[0] };
  }
  return { code: status, signal: null };
}

const parseStatus = (value: unknown): number | null =>
  typeof value === "object" && value !== null && "StatusCode" in value && typeof value.StatusCode === "number" ? value.StatusCode : null;

/** The host port published for the worker port, from `docker inspect`'s NetworkSettings.Ports. */
export function publishedPort(ports: Readonly<Record<string, unknown>> | null | undefined): number | null {
  const bindings = ports?.[`${CONTAINER_PORT}/tcp`];
  if (!Array.isArray(bindings)) return null;
  for (const binding of bindings) {
    if (typeof binding === "object" && binding !== null && "HostPort" in binding && typeof binding.HostPort === "string") {
      const port = Number.parseInt(binding.HostPort, 10);
      if (port > 0) return port;
    }
  }
  return null;
}

const describe = (exit: WorkerExit): string => (exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`);

export class DockerWorker implements WorkerHandle {
  readonly ready: Promise<void>;
  readonly exited: Promise<WorkerExit>;
  private stopPromise: Promise<void> | null = null;

  private constructor(
    private readonly launch: DockerWorkerLaunch,
    private readonly container: Dockerode.Container,
    private readonly port: number,
    private readonly output: ContainerOutput,
  ) {
    this.exited = this.watchExit();
    this.ready = this.probeReady();
    // Callers may never await `ready` (a worker stopped while starting).
    this.ready.catch(() => undefined);
  }

  /** Creates and starts the container. Throws a LaunchError(BAD_REQUEST) when the engine refuses it. */
  static async launch(launch: DockerWorkerLaunch): Promise<DockerWorker> {
    const container = await createContainer(launch);
    launch.onCreated(container.id);
    try {
      await container.start();
      const info = await container.inspect();
      const port = publishedPort(info.NetworkSettings.Ports);
      // A container that already exited has no ports; its exit and output are reported through `ready`.
      if (port === null && info.State.Running) throw new Error(`no host port was published for ${CONTAINER_PORT}/tcp`);
      const output = await followContainerOutput(launch.docker, container, launch.log);
      return new DockerWorker(launch, container, port ?? 0, output);
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      launch.onGone({ code: null, signal: null });
      const message = engineMessage(error);
      const hint = /nvidia|device driver/i.test(message) ? " (GPUs need the NVIDIA Container Toolkit on the Docker host)" : "";
      throw new LaunchError("BAD_REQUEST", `Docker could not start worker ${launch.workerId}: ${message}${hint}`);
    }
  }

  get id(): string {
    return this.launch.workerId;
  }

  get token(): string | null {
    return this.launch.token;
  }

  get containerId(): string {
    return this.container.id;
  }

  get baseUrl(): string {
    return `http://${PUBLISH_HOST}:${this.port}`;
  }

  stop(): Promise<void> {
    this.stopPromise ??= (async () => {
      try {
        await this.container.stop({ t: STOP_GRACE_SECONDS });
      } catch (error) {
        // 304: already stopped; 404: already removed. Either way the exit watcher finishes up.
        const status = engineStatus(error);
        if (status !== 304 && status !== 404) this.launch.log(`stopping the container failed: ${engineMessage(error)}`);
      }
      await this.exited;
    })();
    return this.stopPromise;
  }

  kill(): void {
    this.container.kill().catch((error: unknown) => {
      if (engineStatus(error) !== 409 && engineStatus(error) !== 404) this.launch.log(`kill failed: ${engineMessage(error)}`);
    });
  }

  /** Waits for the container to stop, removes it, and reports the exit. */
  private async watchExit(): Promise<WorkerExit> {
    let status: number | null = null;
    try {
      // "not-running" after start: a container that already stopped answers at once.
      status = parseStatus(await this.container.wait({ condition: "not-running" }));
    } catch (error) {
      this.launch.log(`lost track of the container: ${engineMessage(error)}`);
    }
    const exit = exitFromStatus(status);
    await Promise.race([this.output.ended, this.launch.clock.sleep(OUTPUT_DRAIN_MS)]);
    this.output.close();
    await this.container.remove({ force: true }).catch((error: unknown) => {
      if (engineStatus(error) !== 404 && engineStatus(error) !== 409) this.launch.log(`removing the container failed: ${engineMessage(error)}`);
    });
    this.launch.onGone(exit);
    return exit;
  }

  private probeReady(): Promise<void> {
    const { clock, healthRoute, startTimeoutMs } = this.launch;
    const url = `${this.baseUrl}${healthRoute}`;
    return new Promise<void>((resolve, reject) => {
      let isSettled = false;
      const settle = (error: LaunchError | null) => {
        if (isSettled) return;
        isSettled = true;
        cancelTimeout();
        if (error) reject(error);
        else resolve();
      };
      const cancelTimeout = clock.setTimeout(() => {
        settle(new LaunchError("BAD_REQUEST", `Worker did not become ready within ${startTimeoutMs} ms (no 200 from ${healthRoute}).`));
        void this.stop();
      }, startTimeoutMs);
      let hasExited = false;
      void this.exited.then((exit) => {
        hasExited = true;
        const last = this.output.stderrTail.all
          .map((line) => line.trim())
          .filter((line) => line.length > 0)
          .slice(-5)
          .join(" | ");
        const stopped = this.stopPromise ? " (stopped before it became ready)" : "";
        settle(
          new LaunchError("BAD_REQUEST", `Worker container ${describe(exit)} before becoming ready${stopped}${last ? `; last stderr lines: ${last}` : "."}`),
        );
      });
      void (async () => {
        if (this.launch.initialDelayMs > 0) await clock.sleep(this.launch.initialDelayMs);
        while (!isSettled && !hasExited) {
          if (await isHealthy(url, tokenHeaders(this.launch.token))) {
            if (!hasExited) settle(null);
            return;
          }
          await clock.sleep(PROBE_INTERVAL_MS);
        }
      })();
    });
  }
}

/** Creates the container; a name taken by a leftover container falls back to an engine-chosen name. */
async function createContainer(launch: DockerWorkerLaunch): Promise<Dockerode.Container> {
  try {
    return await launch.docker.createContainer(launch.create);
  } catch (error) {
    if (engineStatus(error) === 409 && launch.create.name !== undefined) {
      const { name: _taken, ...unnamed } = launch.create;
      return launch.docker.createContainer(unnamed).catch((retryError: unknown) => {
        throw new LaunchError("BAD_REQUEST", `Docker could not create worker ${launch.workerId}: ${engineMessage(retryError)}`);
      });
    }
    throw new LaunchError("BAD_REQUEST", `Docker could not create worker ${launch.workerId}: ${engineMessage(error)}`);
  }
}
