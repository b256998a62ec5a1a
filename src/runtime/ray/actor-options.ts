/**
 * An endpoint's or job's resources as Ray actor options, and the names that label every actor
 * launch-local starts (by data dir and instance, so a restart can sweep what a dead instance left,
 * and two instances on one cluster never touch each other's actors).
 */
import { createHash } from "node:crypto";
import type { GpuType } from "../../domain/endpoint.js";
import { normalizeRequirements } from "../process/requirements.js";
import { memoryBytes } from "../quantity.js";
import { parseCpuMillis } from "../../domain/endpoints/k8s-quantity.js";
import type { RayActorOptions, RayClusterState } from "./ray-driver.js";
import { type BundleFlavor, isArtifactFlavor } from "../../domain/bundle.js";

/**
 * model-engine's GPU types as Ray accelerator types (ray.util.accelerators): a node offers one by
 * the resource `accelerator_type:<type>` (detected by Ray, or declared with `ray start --resources`).
 * Ray has no MIG slices: the H100 slices ask for an H100.
 */
export const RAY_ACCELERATOR_TYPES: Readonly<Record<GpuType, string>> = {
  "nvidia-tesla-t4": "T4",
  "nvidia-ampere-a10": "A10G",
  "nvidia-ampere-a100": "A100",
  "nvidia-ampere-a100e": "A100-80G",
  "nvidia-hopper-h100": "H100",
  "nvidia-hopper-h100-1g20gb": "H100",
  "nvidia-hopper-h100-3g40gb": "H100",
};

export interface ResourceRequest {
  cpus: string | number;
  memory: string | number;
  gpus: number;
  gpuType: GpuType | null;
}

/** cpus → num_cpus, memory → memory (bytes), gpus → num_gpus, gpu_type → accelerator_type. Malformed values are left to Ray's defaults. */
export function actorOptions(request: ResourceRequest): RayActorOptions {
  const cpuText = typeof request.cpus === "number" ? String(request.cpus) : request.cpus.trim();
  const millis = parseCpuMillis(cpuText);
  const options: RayActorOptions = { num_cpus: millis === null ? 1 : millis / 1000, num_gpus: request.gpus };
  const bytes = memoryBytes(request.memory);
  if (bytes !== null && bytes > 0) options.memory = bytes;
  if (request.gpus > 0 && request.gpuType !== null) options.accelerator_type = RAY_ACCELERATOR_TYPES[request.gpuType];
  return options;
}

/** A bundle's requirements as the node builds them: trimmed, de-duplicated, sorted (one environment per set). */
export function requirementsOf(flavor: BundleFlavor): string[] {
  return isArtifactFlavor(flavor) ? normalizeRequirements(flavor.requirements) : [];
}

/** Why no node of the cluster can ever hold an actor with these options; null when one can. */
export function infeasibleReason(options: RayActorOptions, cluster: RayClusterState): string | null {
  const wants: Record<string, number> = { CPU: options.num_cpus, GPU: options.num_gpus };
  if (options.memory !== undefined) wants.memory = options.memory;
  if (options.accelerator_type !== undefined) wants[`accelerator_type:${options.accelerator_type}`] = 0.001;
  const fits = cluster.nodes.some((node) => Object.entries(wants).every(([name, amount]) => amount <= 0 || (node.resources[name] ?? 0) >= amount));
  if (fits) return null;
  const parts = [`num_cpus=${options.num_cpus}`, `num_gpus=${options.num_gpus}`];
  if (options.memory !== undefined) parts.push(`memory=${options.memory}`);
  if (options.accelerator_type !== undefined) parts.push(`accelerator_type=${options.accelerator_type}`);
  const nodes = cluster.nodes.map((node) => `${node.nodeIp} (CPU ${node.resources.CPU ?? 0}, GPU ${node.resources.GPU ?? 0})`).join(", ");
  return `No node of the Ray cluster can hold a worker with ${parts.join(", ")}; its nodes: ${nodes || "none"}`;
}

/** The namespace every launch-local actor lives in. */
export const RAY_NAMESPACE = "launch-local";

/** Actor names are `launch-local:<data dir hash>:<instance id>:<worker or job id>`. */
export interface ActorNames {
  /** Every actor of this data dir, whatever instance started it. */
  readonly dataDirPrefix: string;
  /** This instance's actors. */
  readonly instancePrefix: string;
  nameFor(key: string): string;
}

export function actorNames(dataDir: string, instanceId: string): ActorNames {
  const dataDirKey = createHash("sha256").update(dataDir).digest("hex").slice(0, 16);
  const dataDirPrefix = `launch-local:${dataDirKey}:`;
  const instancePrefix = `${dataDirPrefix}${instanceId}:`;
  return { dataDirPrefix, instancePrefix, nameFor: (key) => `${instancePrefix}${key}` };
}
