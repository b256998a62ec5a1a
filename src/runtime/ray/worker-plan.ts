/**
 * What a Ray actor runs for one worker, once Ray has placed it (so the node's address, port and
 * paths are known): the same Python worker server and the same LAUNCH_* keys as the process runtime,
 * but the bundle is fetched over HTTP into the node's scratch folder and blobs go over HTTP too.
 */
import { isArtifactFlavor } from "../../domain/bundle.js";
import { badRequest } from "../../domain/errors.js";
import type { WorkerLaunchSpec } from "../../domain/ports.js";
import { rewritePortArgs, runnableArgv } from "../process/runnable-command.js";
import { artifactWorkerEnv, awsWorkerEnv, newWorkerToken, runnableProcessEnv } from "../worker-env.js";
import type { RayPlacement, RayProcessPlan } from "./ray-driver.js";

export interface WorkerPlanInput {
  spec: WorkerLaunchSpec;
  placement: RayPlacement;
  /** A URL the node can GET the bundle's artifact from (a signed blob URL); null for runnable images. */
  artifactUrl: string | null;
  /** Base URL of the worker blob routes as the node reaches them, and their token. */
  blobUrl: string;
  blobToken: string;
  resultsBucket: string;
  /** The S3-compatible door as the node reaches it (worker-env.ts awsWorkerEnv). */
  s3EndpointUrl: string;
}

export interface WorkerPlan {
  plan: RayProcessPlan;
  healthRoute: string;
  port: number;
  /** The worker's token (worker-env.ts): it listens on the node's address, reachable from the network. Null: none. */
  token: string | null;
}

export function workerPlan(input: WorkerPlanInput): WorkerPlan {
  const { spec, placement } = input;
  const port = placement.port;
  if (port === null) throw new Error(`Ray placed worker ${spec.workerId} without a port`);
  const flavor = spec.bundle.flavor;
  if (isArtifactFlavor(flavor)) {
    if (input.artifactUrl === null) throw new Error(`Worker ${spec.workerId}: an artifact bundle needs its artifact's URL`);
    if (placement.workerPath === null) throw badRequest("The Ray node has no launch_worker package (the driver ships it as a py_module).");
    const bundlePath = `${placement.scratch}/bundle`;
    const workDir = `${placement.scratch}/work`;
    const token = newWorkerToken();
    const env: Record<string, string> = {
      ...awsWorkerEnv(input.s3EndpointUrl, spec.bundle.owner),
      ...artifactWorkerEnv({
        flavor,
        host: placement.nodeIp,
        port,
        bundlePath,
        workDir,
        blobs: { url: input.blobUrl, token: input.blobToken },
        resultsBucket: input.resultsBucket,
        concurrency: spec.concurrency,
        // The worker exits when its actor dies (killed, node lost), whatever the signal.
        parentPid: placement.pid,
        token,
      }),
      PYTHONUNBUFFERED: "1",
      PYTHONPATH: placement.workerPath,
    };
    return {
      plan: {
        argv: [placement.python, "-m", "launch_worker"],
        env,
        cwd: placement.scratch,
        download: [{ url: input.artifactUrl, path: bundlePath }],
        mkdir: [workDir],
      },
      healthRoute: "/readyz",
      port,
      token,
    };
  }
  const argv = runnableArgv(flavor);
  if (argv.length === 0) throw badRequest("The bundle's command is empty; the Ray runtime has nothing to run.");
  return {
    plan: {
      argv: rewritePortArgs(argv, port),
      // HOST: the node's address, which the gateway reaches (a server that reads it listens there).
      env: {
        ...awsWorkerEnv(input.s3EndpointUrl, spec.bundle.owner),
        PYTHONUNBUFFERED: "1",
        HOST: placement.nodeIp,
        ...(flavor.env ?? {}),
        ...runnableProcessEnv(port, placement.pid),
      },
    },
    healthRoute: flavor.healthcheck_route,
    port,
    // The user's own server checks no token.
    token: null,
  };
}
