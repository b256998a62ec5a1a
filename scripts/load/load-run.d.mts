/** Types of load-run.mjs, for the short load test in the suite (test/e2e/reliability/load-short.test.ts). */
export interface Latency {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}
export interface LoadReport {
  clients: number;
  syncClients: number;
  asyncClients: number;
  durationS: number;
  sync: { completed: number; perSecond: number; latencyMs: Latency };
  async: { completed: number; perSecond: number; submitMs: Latency; endToEndMs: Latency };
  http: { requests: number; perSecond: number };
  backpressure: number;
  errors: Record<string, number>;
  rssMiB: { before: number | null; peak: number | null; after: number | null; settled: number | null; bound: number | null; isFlat: boolean };
  serverStderr: string;
}
export interface LoadOptions {
  clients?: number;
  durationMs?: number;
  warmupMs?: number;
  settleMs?: number;
  workers?: number;
  slots?: number;
  /** Starts the server with --max-old-space-size (forces full collections: the leak check). */
  maxOldSpaceMiB?: number | null;
}
export function rssBound(beforeMiB: number): number;
export function runLoad(options?: LoadOptions): Promise<LoadReport>;
