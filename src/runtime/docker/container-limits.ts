/**
 * An endpoint's cpus/memory as the limits the engine will accept. The engine refuses a CPU quota
 * above its own CPU count or below 0.01 CPU, and a memory limit under 6 MB; rather than failing a
 * worker the real platform would schedule, the value is clamped and the worker log says so.
 */
import { cpuNanos, memoryBytes } from "../quantity.js";

const MIN_NANO_CPUS = 10_000_000;
const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export interface CpuMemoryLimits {
  nanoCpus: number | null;
  memoryBytes: number | null;
  /** Log lines explaining any adjustment. */
  notes: string[];
}

export function containerLimits(cpus: string | number, memory: string | number, engineCpus: number): CpuMemoryLimits {
  const notes: string[] = [];
  let nanoCpus = cpuNanos(cpus);
  if (nanoCpus === null) notes.push(`cpus=${String(cpus)} is not a quantity Docker understands; no CPU limit set.`);
  else if (nanoCpus > engineCpus * 1e9) {
    notes.push(`cpus=${String(cpus)} exceeds this Docker host's ${engineCpus} CPU(s); the limit is ${engineCpus}.`);
    nanoCpus = engineCpus * 1e9;
  } else if (nanoCpus < MIN_NANO_CPUS) {
    notes.push(`cpus=${String(cpus)} is below Docker's minimum of 0.01 CPU; the limit is 0.01.`);
    nanoCpus = MIN_NANO_CPUS;
  }
  let bytes = memoryBytes(memory);
  if (bytes === null) notes.push(`memory=${String(memory)} is not a quantity Docker understands; no memory limit set.`);
  else if (bytes < MIN_MEMORY_BYTES) {
    notes.push(`memory=${String(memory)} is below Docker's minimum of 6Mi; the limit is 6Mi.`);
    bytes = MIN_MEMORY_BYTES;
  }
  return { nanoCpus, memoryBytes: bytes, notes };
}
