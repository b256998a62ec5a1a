/**
 * The Ray runtime (README "Ray runtime"): every worker is a Ray actor placed by Ray's scheduler
 * with the endpoint's resources, running the same Python worker server (or the runnable image's
 * command) on its node and answering the gateway at the node's address. Bundles reach the node over
 * HTTP (a signed blob URL); requirements become Ray's pip runtime environment, built on each node
 * and cached there by its hash. Nothing here knows HTTP routes or SQL.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { type BundleRecord, isArtifactFlavor } from "../../domain/bundle.js";
import type { Clock } from "../../domain/clock.js";
import { SystemError, badRequest } from "../../domain/errors.js";
import type { Logger } from "../../domain/logger.js";
import type { BlobStore, WorkerHandle, WorkerLaunchSpec, WorkerRuntime } from "../../domain/ports.js";
import { S3_PATH, WORKER_BLOBS_PATH } from "../../domain/signed-urls.js";
import { runnableArgv } from "../process/runnable-command.js";
import { type ActorNames, actorOptions, infeasibleReason, requirementsOf } from "./actor-options.js";
import type { RayActorOptions, RayDriver } from "./ray-driver.js";
import { RayWorker } from "./ray-worker.js";
import { workerPlan } from "./worker-plan.js";

export interface RayRuntimeOptions {
  driver: RayDriver;
  names: ActorNames;
  blobs: BlobStore;
  /** The gateway's URL as the cluster's nodes reach it (signed artifact URLs, the worker blob routes). */
  gatewayUrl: () => string;
  blobToken: string;
  resultsBucket: string;
  startTimeoutMs: number;
  gpuPolicy: "strict" | "ignore";
  logger: Logger;
  clock: Clock;
}

export interface RayRuntime extends WorkerRuntime {
  /** Kills the actors an earlier instance on this data dir left; returns how many. */
  sweepOrphans(): Promise<number>;
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createRayRuntime(options: RayRuntimeOptions): RayRuntime {
  const { driver, names, logger } = options;
  const live = new Set<RayWorker>();
  let disposing: Promise<void> | null = null;

  const assertOpen = (): void => {
    if (disposing) throw new SystemError("The Ray runtime has been disposed.");
  };

  /** The options Ray places the worker with; under `ignore`, GPUs no node offers are dropped. */
  const placementFor = async (spec: Pick<WorkerLaunchSpec, "cpus" | "memory" | "gpus" | "gpuType">, log: (line: string) => void): Promise<RayActorOptions> => {
    const wanted = actorOptions({ cpus: spec.cpus, memory: spec.memory, gpus: spec.gpus, gpuType: spec.gpuType ?? null });
    const cluster = await driver.cluster();
    const reason = infeasibleReason(wanted, cluster);
    if (reason === null) return wanted;
    if (wanted.num_gpus > 0 && options.gpuPolicy === "ignore") {
      const withoutGpus: RayActorOptions = { ...wanted, num_gpus: 0 };
      delete withoutGpus.accelerator_type;
      if (infeasibleReason(withoutGpus, cluster) === null) {
        log(`${reason}. --gpu-policy ignore: running without GPUs.`);
        return withoutGpus;
      }
    }
    throw badRequest(reason);
  };

  /** A URL the node can fetch the artifact from: the bundle's own blob, else a content-addressed copy. */
  const artifactUrl = async (bundle: BundleRecord, artifactPath: string): Promise<string> => {
    const flavor = bundle.flavor;
    const location = isArtifactFlavor(flavor) ? flavor.location : "";
    // The scheduler has already resolved an s3:// location to its blob file (artifactPath).
    if (location.startsWith(`s3://${options.blobs.bucket}/`)) return options.blobs.createSignedDownload(location, options.gatewayUrl());
    const bytes = await readFile(artifactPath);
    const copy = `s3://${options.blobs.bucket}/launch-local/ray-artifacts/${createHash("sha256").update(bytes).digest("hex")}`;
    const isCopied = await options.blobs
      .localPath(copy)
      .then(
        (path) => stat(path).then(() => true),
        () => false,
      )
      .catch(() => false);
    if (!isCopied) await options.blobs.put(copy, bytes);
    return options.blobs.createSignedDownload(copy, options.gatewayUrl());
  };

  return {
    name: "ray",

    async prepare(bundle, gpus, log) {
      assertOpen();
      const flavor = bundle.flavor;
      const requirements = requirementsOf(flavor);
      const executable = isArtifactFlavor(flavor) ? null : (runnableArgv(flavor)[0] ?? "");
      if (executable === "") throw badRequest("The bundle's command is empty; the Ray runtime has nothing to run.");
      if (requirements.length > 0)
        log(`Building the environment on a Ray node (${requirements.join(", ")}); each node builds it once and keeps it, by the hash of the list.`);
      let probe;
      try {
        probe = await driver.probe(requirements, executable);
        probe.lines.forEach((line) => log(line));
      } catch (error) {
        const message = describeError(error);
        log(`Environment build failed: ${message}`);
        throw badRequest(`Failed to build the bundle's environment on the Ray cluster: ${message.slice(-400)}`);
      }
      log(`A Ray node (${probe.nodeIp}) has the environment: ${probe.python} (Python ${probe.pythonVersion}).`);
      if (isArtifactFlavor(flavor) && !probe.hasCloudpickle) {
        throw badRequest(`cloudpickle is not installed in the Ray nodes' Python (${probe.python}); the worker server needs it.`);
      }
      if (!isArtifactFlavor(flavor) && !probe.executableFound) {
        throw badRequest(
          `The bundle's command executable "${executable ?? ""}" was not found on the Ray node ${probe.nodeIp} (the Ray runtime runs runnable-image commands on the nodes, without their image).`,
        );
      }
      if (gpus > 0) log(`The endpoint asks for ${gpus} GPU(s); Ray places each worker on a node that has them.`);
    },

    async start(spec, log): Promise<WorkerHandle> {
      assertOpen();
      const rayOptions = await placementFor(spec, log);
      const flavor = spec.bundle.flavor;
      const url = isArtifactFlavor(flavor) ? await artifactUrl(spec.bundle, spec.artifactPath ?? "") : null;
      assertOpen();
      const worker = new RayWorker({
        driver,
        place: {
          key: spec.workerId,
          name: names.nameFor(spec.workerId),
          options: rayOptions,
          requirements: requirementsOf(flavor),
          wantsPort: true,
        },
        plan: async (placement) =>
          workerPlan({
            spec,
            placement,
            artifactUrl: url,
            blobUrl: `${options.gatewayUrl()}${WORKER_BLOBS_PATH}`,
            blobToken: options.blobToken,
            resultsBucket: options.resultsBucket,
            s3EndpointUrl: `${options.gatewayUrl()}${S3_PATH}`,
          }),
        startTimeoutMs: options.startTimeoutMs,
        clock: options.clock,
        log,
        onGone: (exit) => {
          live.delete(worker);
          logger.debug("ray worker exited", { workerId: spec.workerId, ...exit });
        },
      });
      live.add(worker);
      return worker;
    },

    async sweepOrphans() {
      const removed = await driver.sweep(names.dataDirPrefix, names.instancePrefix);
      if (removed.length > 0) logger.info(`removed ${removed.length} Ray actor(s) left by an earlier instance on this data dir`);
      return removed.length;
    },

    dispose() {
      disposing ??= Promise.all([...live].map((worker) => worker.stop())).then(() => undefined);
      return disposing;
    },
  };
}
