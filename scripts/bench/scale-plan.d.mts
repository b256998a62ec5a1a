/** Types of scale-plan.mjs, for the TypeScript unit tests (test/unit/bench). */
export function cappedCounts(counts: number[], workerMiB: number | null, availMiB: number | null, share?: number): { counts: number[]; reason: string | null };
export function seedStatement(columns: string[]): string;
