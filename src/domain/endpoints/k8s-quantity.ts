import { pyFixed1, pyRound } from "./python-format.js";

/**
 * Kubernetes quantity parsing exactly as the real server's validator does it
 * (`ME/infra/gateways/k8s_resource_parser.py`), server-contract.md §5.3. Stricter than Kubernetes
 * itself: no exponents, no signs, no leading dot, and memory suffixes are case-sensitive.
 */

// The cpu grammar: an integer with an optional "m", or a decimal without one ("500m", "2", "0.5").
const CPU_REQUEST = /^([0-9]+)m?$|^([0-9]+\.[0-9]+)$/;

const MEMORY_REQUEST = /^(?<number>[0-9]+(\.[0-9]+)?)(?<suffix>k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const MEMORY_MULTIPLIERS: Record<string, number> = {
  k: 1000,
  M: 1000 ** 2,
  G: 1000 ** 3,
  T: 1000 ** 4,
  P: 1000 ** 5,
  E: 1000 ** 6,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

/** Millicpus for a cpu request string ("500m" → 500, "0.5" → 500, "2" → 2000); null when malformed. */
export function parseCpuMillis(request: string): number | null {
  if (!CPU_REQUEST.test(request)) return null;
  const isMillis = request.includes("m");
  const raw = Number.parseFloat(request.replace("m", ""));
  return pyRound(raw * (isMillis ? 1 : 1000));
}

/** Bytes for a memory/storage request string ("1Gi", "500Mi", "1G", "1024"); null when malformed. */
export function parseMemoryBytes(request: string): number | null {
  const match = MEMORY_REQUEST.exec(request);
  const number = match?.groups?.number;
  if (number === undefined) return null;
  const suffix = match?.groups?.suffix;
  const multiplier = suffix === undefined ? 1 : (MEMORY_MULTIPLIERS[suffix] ?? 1);
  return pyRound(Number.parseFloat(number) * multiplier);
}

/** The server's `format_bytes`: "28.0Gi", "639.1Gi". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  for (const unit of ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi"]) {
    if (Math.abs(value) < 1024) return `${pyFixed1(value)}${unit}`;
    value /= 1024;
  }
  return `${pyFixed1(value)}Yi`;
}
