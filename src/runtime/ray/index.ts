/**
 * `--runtime ray`: starts the driver process, connects it to the cluster, sweeps what an earlier
 * instance on this data dir left there, and builds the Ray runtime and job runner on one driver.
 * Loaded with a dynamic import only when the Ray runtime is chosen, so no other runtime pays for it.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Clock } from "../../domain/clock.js";
import type { Logger } from "../../domain/logger.js";
import type { BlobStore } from "../../domain/ports.js";
import type { JobRunner } from "../../domain/job-ports.js";
import { RAY_NAMESPACE, actorNames } from "./actor-options.js";
import { startDriverProcess } from "./driver-process.js";
import { createRayEngineJobs } from "./engine-job.js";
import { rayDriverEnv } from "../worker-env.js";
import type { RayDriver } from "./ray-driver.js";
import { createRayJobRunner } from "./ray-job-runner.js";
import { type RayRuntime, createRayRuntime } from "./ray-runtime.js";

export interface RayContext {
  address: string;
  /** An interpreter with the cluster's Ray version installed. */
  python: string;
  /** src/worker: holds the driver (ray_driver/), the worker server package (launch_worker/) and the engine (launch_local_llm/). */
  workerDir: string;
  dataDir: string;
  /** The address launch-local listens on, and its URL once it listens. */
  listenHost: string;
  publicUrl: () => string;
  blobs: BlobStore;
  /** The bearer token of the worker blob routes (blobs/signed-url.ts). */
  blobToken: string;
  resultsBucket: string;
  startTimeoutMs: number;
  gpuPolicy: "strict" | "ignore";
  env: Record<string, string | undefined>;
  logger: Logger;
  clock: Clock;
}

export interface RayRuntimeSet {
  runtime: RayRuntime;
  jobRunner: JobRunner;
  driver: RayDriver;
}

/**
 * The gateway's URL as the nodes reach it: launch-local's own URL, except that a wildcard listen
 * address (0.0.0.0, ::) is reached at this machine's address as the cluster sees it.
 */
export function gatewayUrlFor(listenHost: string, publicUrl: string, driverNodeIp: string): string {
  if (listenHost !== "0.0.0.0" && listenHost !== "::") return publicUrl;
  const port = new URL(publicUrl).port;
  return `http://${driverNodeIp.includes(":") ? `[${driverNodeIp}]` : driverNodeIp}:${port}`;
}

export async function createRaySet(context: RayContext): Promise<RayRuntimeSet> {
  const { logger } = context;
  const driver = startDriverProcess({
    python: context.python,
    driverScript: join(context.workerDir, "ray_driver", "driver.py"),
    workerPackage: join(context.workerDir, "launch_worker"),
    enginePackage: join(context.workerDir, "launch_local_llm"),
    address: context.address,
    namespace: RAY_NAMESPACE,
    // A cluster the driver starts inherits its environment, and each actor from it.
    env: rayDriverEnv(context.env),
    logger: logger.child("ray-driver"),
    clock: context.clock,
  });
  let connection;
  try {
    connection = await driver.connected;
  } catch (error) {
    await driver.close();
    throw error;
  }
  logger.info(`connected to the Ray cluster at ${context.address} (Ray ${connection.rayVersion}, Python ${connection.python})`);
  const names = actorNames(context.dataDir, randomBytes(8).toString("hex"));
  const gatewayUrl = () => gatewayUrlFor(context.listenHost, context.publicUrl(), connection.nodeIp);
  const runtime = createRayRuntime({
    driver,
    names,
    blobs: context.blobs,
    gatewayUrl,
    blobToken: context.blobToken,
    resultsBucket: context.resultsBucket,
    startTimeoutMs: context.startTimeoutMs,
    gpuPolicy: context.gpuPolicy,
    logger: logger.child("ray"),
    clock: context.clock,
  });
  const engine = createRayEngineJobs({ workerDir: context.workerDir, blobs: context.blobs, gatewayUrl });
  const jobRunner = createRayJobRunner({ driver, names, engine, logger: logger.child("jobs"), clock: context.clock });
  try {
    await runtime.sweepOrphans();
  } catch (error) {
    logger.warn("could not remove Ray actors left by an earlier instance", { error: error instanceof Error ? error.message : String(error) });
  }
  // The composition root disposes the job runner before the runtime: the driver goes last.
  let closing: Promise<void> | null = null;
  const dispose = (): Promise<void> =>
    (closing ??= (async () => {
      await Promise.all([runtime.dispose(), jobRunner.dispose()]);
      await driver.close();
    })());
  return { runtime: { ...runtime, dispose }, jobRunner, driver };
}
