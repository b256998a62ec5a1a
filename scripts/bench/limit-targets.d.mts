/** Types of limit-targets.mjs, for the TypeScript unit tests (test/unit/bench). */
export interface BenchReport {
  rows: Array<{ section: string; name: string; text: string; data: Record<string, unknown> | null }>;
  target(section: string, text: string, value: string, verdict: string): void;
}
export function addLimitTargets(report: BenchReport): void;
