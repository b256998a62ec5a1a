/**
 * One docker-image batch job as a container (STYLE.md §8): created with labels, started, its output
 * piped line by line, its exit code read from the engine, then removed. AutoRemove stays off so the
 * exit code is read before the container goes; whatever ends it (exit, stop, max runtime), the
 * container is removed before `exited` resolves, so a cancelled job leaves nothing behind.
 */
import type Dockerode from "dockerode";
import type { Clock } from "../../domain/clock.js";
import type { JobExit, JobHandle } from "../../domain/job-ports.js";
import { type ContainerOutput, followContainerOutput } from "./container-output.js";
import { exitFromStatus } from "./docker-worker.js";
import { engineMessage, engineStatus } from "./local-image.js";

/** `docker stop -t 2`: SIGTERM, then SIGKILL two seconds later. */
const STOP_GRACE_SECONDS = 2;
/** After the container stops, how long to wait for its last output lines. */
const OUTPUT_DRAIN_MS = 500;

export interface JobContainerLaunch {
  docker: Dockerode;
  create: Dockerode.ContainerCreateOptions;
  log: (line: string) => void;
  clock: Clock;
  /** The container exists (before it starts): the runner tracks it for dispose(). */
  onCreated(containerId: string): void;
  /** Called once, after the container is gone. */
  onGone(): void;
}

const parseStatus = (value: unknown): number | null =>
  typeof value === "object" && value !== null && "StatusCode" in value && typeof value.StatusCode === "number" ? value.StatusCode : null;

/** Force-removes a container; one already gone (404) or being removed (409) is not an error. */
export async function removeJobContainer(container: Dockerode.Container, log: (line: string) => void): Promise<void> {
  await container.remove({ force: true }).catch((error: unknown) => {
    const status = engineStatus(error);
    if (status !== 404 && status !== 409) log(`[launch-local] removing the job container failed: ${engineMessage(error)}`);
  });
}

/**
 * Creates and starts the container. Throws an Error with the engine's message when it refuses;
 * nothing is left behind then.
 */
export async function startJobContainer(launch: JobContainerLaunch): Promise<JobHandle> {
  const { docker, log } = launch;
  let container: Dockerode.Container;
  try {
    container = await docker.createContainer(launch.create);
  } catch (error) {
    launch.onGone();
    throw new Error(`Docker could not create the job container: ${engineMessage(error)}`, { cause: error });
  }
  launch.onCreated(container.id);
  let output: ContainerOutput;
  try {
    await container.start();
    output = await followContainerOutput(docker, container, log);
  } catch (error) {
    await removeJobContainer(container, log);
    launch.onGone();
    const message = engineMessage(error);
    const hint = /nvidia|device driver/i.test(message) ? " (GPUs need the NVIDIA Container Toolkit on the Docker host)" : "";
    throw new Error(`Docker could not start the job container: ${message}${hint}`, { cause: error });
  }
  const exited = watchExit(launch, container, output);
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await container.stop({ t: STOP_GRACE_SECONDS });
      } catch (error) {
        // 304: already stopped; 404: already removed. Either way the exit watcher finishes up.
        const status = engineStatus(error);
        if (status !== 304 && status !== 404) log(`[launch-local] stopping the job container failed: ${engineMessage(error)}`);
      }
      await exited;
    })();
    return stopping;
  };
  return { ref: container.id, exited, stop };
}

/** Waits for the container to stop, lets its last lines arrive, removes it, and reports the exit. */
async function watchExit(launch: JobContainerLaunch, container: Dockerode.Container, output: ContainerOutput): Promise<JobExit> {
  let status: number | null = null;
  let error: string | null = null;
  try {
    // "not-running" after start: a container that already stopped answers at once.
    status = parseStatus(await container.wait({ condition: "not-running" }));
    if (status === null) error = "the engine reported no exit status for the job container";
  } catch (cause) {
    error = `lost track of the job container: ${engineMessage(cause)}`;
  }
  await Promise.race([output.ended, launch.clock.sleep(OUTPUT_DRAIN_MS)]);
  output.close();
  await removeJobContainer(container, launch.log);
  launch.onGone();
  return { ...exitFromStatus(status), error };
}
