/**
 * What a worker container is, as data: the engine's create options built by pure functions, so the
 * exact HostConfig (limits, GPUs, mounts, loopback port) is unit-tested without a daemon.
 */
import { basename } from "node:path";
import type Dockerode from "dockerode";
import type { ArtifactFlavor } from "../../domain/bundle.js";
import type { WorkerLaunchSpec } from "../../domain/ports.js";
import type { RunnableBundleFlavor } from "../process/runnable-command.js";
import { runnableArgv } from "../process/runnable-command.js";
import { artifactWorkerEnv, newWorkerToken } from "../worker-env.js";
import { CONTAINER_PORT, IMAGE_PATHS } from "./dockerfile.js";

/** Readiness probing starts after the bundle's initial delay, capped: a local start takes about a second. */
export const MAX_INITIAL_DELAY_MS = 5_000;

/** Everything that differs between an artifact worker and a runnable-image worker. */
export interface ContainerPlan {
  image: string;
  /** null: the image's own CMD. */
  cmd: string[] | null;
  env: Record<string, string>;
  mounts: Dockerode.MountSettings[];
  /** `uid:gid` to run as, or null for the image's user. */
  user: string | null;
  healthRoute: string;
  initialDelayMs: number;
  /** The worker's token (worker-env.ts), in its env and sent by the probe and the gateway; null: none. */
  token: string | null;
  /** Replaces the image's ENTRYPOINT (a pod's `command`); absent: the image's own. */
  entrypoint?: string[];
  /** Absent: the image's WORKDIR. */
  workingDir?: string;
}

export interface ArtifactPlanInput {
  spec: WorkerLaunchSpec;
  flavor: ArtifactFlavor;
  image: string;
  artifactPath: string;
  blobRoot: string;
  resultsBucket: string;
  user: string | null;
}

/** The worker server's configuration (worker-env.ts), with container paths. */
export function artifactPlan(input: ArtifactPlanInput): ContainerPlan {
  const { spec, flavor } = input;
  const bundlePath = `${IMAGE_PATHS.bundleDir}/${basename(input.artifactPath)}`;
  const token = newWorkerToken();
  const env = artifactWorkerEnv({
    flavor,
    // Inside the container the server must accept connections from the published port.
    host: "0.0.0.0",
    port: CONTAINER_PORT,
    bundlePath,
    workDir: IMAGE_PATHS.workDir,
    blobs: { root: IMAGE_PATHS.blobRoot },
    resultsBucket: input.resultsBucket,
    concurrency: spec.concurrency,
    parentPid: null,
    token,
  });
  // A uid without a passwd entry gets HOME=/, which it cannot write; libraries cache under HOME.
  if (input.user !== null) env.HOME = IMAGE_PATHS.workDir;
  return {
    image: input.image,
    cmd: null,
    env,
    mounts: [
      { Type: "bind", Source: input.artifactPath, Target: bundlePath, ReadOnly: true },
      // return_pickled results and url inputs: s3://b/k lives at <root>/b/k on both sides.
      { Type: "bind", Source: input.blobRoot, Target: IMAGE_PATHS.blobRoot, ReadOnly: false },
    ],
    user: input.user,
    token,
    healthRoute: "/readyz",
    initialDelayMs: 0,
  };
}

/**
 * A runnable image as the real pod runs it (server-contract.md §4.1): its command (for a streaming
 * bundle with an empty command, `streaming_command`; with neither, the image's own CMD), its env,
 * its server on port 5005, readiness from `healthcheck_route`. No mounts: the real pod has none.
 */
export function runnablePlan(flavor: RunnableBundleFlavor, image: string): ContainerPlan {
  const argv = runnableArgv(flavor);
  return {
    image,
    cmd: argv.length > 0 ? argv : null,
    env: { ...(flavor.env ?? {}) },
    mounts: [],
    user: null,
    // The user's own server checks no token.
    token: null,
    healthRoute: flavor.healthcheck_route,
    initialDelayMs: Math.min(Math.max(0, flavor.readiness_initial_delay_seconds) * 1000, MAX_INITIAL_DELAY_MS),
  };
}

export interface ContainerLimits {
  nanoCpus: number | null;
  memoryBytes: number | null;
  /** Host device ids for HostConfig.DeviceRequests; empty: no GPU. */
  gpuIds: readonly string[];
}

/** The API form of `docker run --gpus '"device=0,1"'`. */
export function deviceRequests(gpuIds: readonly string[]): Dockerode.DeviceRequest[] {
  if (gpuIds.length === 0) return [];
  return [{ Driver: "nvidia", Count: 0, DeviceIDs: [...gpuIds], Capabilities: [["gpu"]] }];
}

/** The pod's resources as a container's: cpus, memory (without swap, as a pod has none) and GPUs. */
export function resourceHostConfig(limits: ContainerLimits): Dockerode.HostConfig {
  const hostConfig: Dockerode.HostConfig = {};
  if (limits.nanoCpus !== null) hostConfig.NanoCpus = limits.nanoCpus;
  if (limits.memoryBytes !== null) {
    hostConfig.Memory = limits.memoryBytes;
    hostConfig.MemorySwap = limits.memoryBytes;
  }
  const devices = deviceRequests(limits.gpuIds);
  if (devices.length > 0) hostConfig.DeviceRequests = devices;
  return hostConfig;
}

/**
 * Images such as pytorch/pytorch set NVIDIA_VISIBLE_DEVICES=all; on an engine whose default runtime
 * is nvidia that would expose every GPU to a container that asked for none.
 */
export function hideUnassignedGpus(env: Record<string, string>, gpuIds: readonly string[]): void {
  if (gpuIds.length === 0) env.NVIDIA_VISIBLE_DEVICES = "void";
}

const portKey = `${CONTAINER_PORT}/tcp`;

export function createOptions(
  plan: ContainerPlan,
  limits: ContainerLimits,
  labels: Record<string, string>,
  name: string | null,
): Dockerode.ContainerCreateOptions {
  const env = { ...plan.env };
  hideUnassignedGpus(env, limits.gpuIds);
  const hostConfig: Dockerode.HostConfig = {
    // Loopback only, random host port (read back from inspect): workers are never on the network.
    PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: "" }] },
    Mounts: plan.mounts,
    ...resourceHostConfig(limits),
  };
  const options: Dockerode.ContainerCreateOptions = {
    Image: plan.image,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: labels,
    ExposedPorts: { [portKey]: {} },
    HostConfig: hostConfig,
  };
  if (plan.cmd !== null) options.Cmd = plan.cmd;
  if (plan.entrypoint !== undefined) options.Entrypoint = plan.entrypoint;
  if (plan.workingDir !== undefined) options.WorkingDir = plan.workingDir;
  if (plan.user !== null) options.User = plan.user;
  if (name !== null) options.name = name;
  return options;
}
