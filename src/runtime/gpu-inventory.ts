/**
 * GPU inventory and assignment (DESIGN.md "Workers" → GPUs): the host's devices, detected with
 * `nvidia-smi -L` or declared with `--gpus`, handed out so two live workers never share one.
 */
import { execFile } from "node:child_process";

/**
 * Device ids from `nvidia-smi -L` output, in the form CUDA_VISIBLE_DEVICES accepts.
 *   GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-…)            → "0"
 *     MIG 1g.10gb     Device  0: (UUID: MIG-…)             → "MIG-…"
 * A GPU in MIG mode cannot be used whole by CUDA, so its MIG instances replace it.
 */
export function parseNvidiaSmiList(output: string): string[] {
  const devices: { index: string; migs: string[] }[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    const gpu = /^GPU (\d+):/.exec(line);
    if (gpu?.[1] !== undefined) {
      devices.push({ index: gpu[1], migs: [] });
      continue;
    }
    const mig = /^MIG\b.*\(UUID:\s*(MIG-[^)\s]+)\)/.exec(line);
    const owner = devices[devices.length - 1];
    if (mig?.[1] !== undefined && owner) owner.migs.push(mig[1]);
  }
  return devices.flatMap((device) => (device.migs.length > 0 ? device.migs : [device.index]));
}

/** Runs `nvidia-smi -L`; no binary, a failure or a timeout all mean "no GPUs". */
export function detectGpus(env: Record<string, string | undefined>, timeoutMs = 5000): Promise<string[]> {
  return new Promise((resolve) => {
    execFile("nvidia-smi", ["-L"], { env, timeout: timeoutMs }, (error, stdout) => {
      resolve(error ? [] : parseNvidiaSmiList(stdout));
    });
  });
}

export type GpuPolicy = "strict" | "ignore";

export const tooManyGpusReason = (requested: number, available: number): string => `Requested gpus=${requested} but this host has ${available} GPU(s)`;

/** Hands out distinct device ids; a worker's ids come back with `release` when it exits. */
export class GpuAllocator {
  private readonly free: string[];
  private readonly taken = new Set<string>();

  constructor(readonly inventory: readonly string[]) {
    this.free = [...inventory];
  }

  get size(): number {
    return this.inventory.length;
  }

  get freeCount(): number {
    return this.free.length;
  }

  /** `count` ids in inventory order, or null when fewer are free (nothing is taken then). */
  allocate(count: number): string[] | null {
    if (count <= 0) return [];
    if (count > this.free.length) return null;
    this.free.sort((a, b) => this.inventory.indexOf(a) - this.inventory.indexOf(b));
    const ids = this.free.splice(0, count);
    for (const id of ids) this.taken.add(id);
    return ids;
  }

  /** Returns ids to the pool; releasing twice or releasing unknown ids is harmless. */
  release(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.taken.delete(id)) this.free.push(id);
    }
  }
}

/** The env a worker gets for its devices; an empty value hides every GPU from CUDA. */
export function gpuEnv(ids: readonly string[]): Record<string, string> {
  const value = ids.join(",");
  return { CUDA_VISIBLE_DEVICES: value, NVIDIA_VISIBLE_DEVICES: ids.length > 0 ? value : "void" };
}

/** The host's inventory, built once on first use: declared ids (`--gpus`) win over nvidia-smi. */
export function lazyGpuAllocator(declared: string[] | undefined, env: Record<string, string | undefined>): () => Promise<GpuAllocator> {
  let inventory: Promise<GpuAllocator> | null = null;
  return () => (inventory ??= (async () => new GpuAllocator(declared ?? (await detectGpus(env))))());
}

/** How many GPUs the host has, asked of `nvidia-smi` once, on first use. */
export function lazyHostGpuCount(env: Record<string, string | undefined>): () => Promise<number> {
  let count: Promise<number> | null = null;
  return () => (count ??= detectGpus(env).then((gpus) => gpus.length));
}

/**
 * Whether `requested` GPUs fit the host (§ "GPUs" in DESIGN.md). Too many: under "strict" the error
 * made by `fail` is thrown (a status_reason); under "ignore" the work runs without GPUs, `log` says
 * so, and the answer is false.
 */
export function fitsGpuPolicy(
  requested: number,
  allocator: GpuAllocator,
  policy: GpuPolicy,
  log: (line: string) => void,
  fail: (reason: string) => Error,
): boolean {
  if (requested <= allocator.size) return true;
  const reason = tooManyGpusReason(requested, allocator.size);
  if (policy === "strict") throw fail(reason);
  log(`${reason}; gpu policy "ignore": running without GPUs.`);
  return false;
}
