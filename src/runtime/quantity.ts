/**
 * Endpoint resources as container limits. The grammar is the real server's (server-contract.md
 * §5.3), parsed once in src/domain/endpoints/k8s-quantity.ts; this file only converts the result to
 * the units Docker's HostConfig takes and accepts the plain numbers a spec may carry.
 */
import { parseCpuMillis, parseMemoryBytes } from "../domain/endpoints/k8s-quantity.js";

const NANOS_PER_MILLICPU = 1_000_000;

/** A number as the server's validator sees it: its decimal text (2 → "2", 0.5 → "0.5"). */
const quantityText = (value: string | number): string =>
  typeof value === "number" ? (Number.isFinite(value) && value >= 0 ? String(value) : "") : value.trim();

/** HostConfig.NanoCpus for a cpus request ("500m", "0.5", 2 → 500_000_000 …); null when malformed. */
export function cpuNanos(value: string | number): number | null {
  const millis = parseCpuMillis(quantityText(value));
  return millis === null ? null : millis * NANOS_PER_MILLICPU;
}

/** HostConfig.Memory in bytes for a memory request ("1Gi", "500Mi", "1G", 1024); null when malformed. */
export function memoryBytes(value: string | number): number | null {
  return parseMemoryBytes(quantityText(value));
}
