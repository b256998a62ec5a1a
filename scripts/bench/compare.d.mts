/** Types of compare.mjs, for the TypeScript unit tests (test/unit/bench). */
export interface Figure {
  row: string;
  label: string;
  unit: string;
  better: "lower" | "higher";
  pick(report: unknown): number | undefined;
}
export const FIGURES: Figure[];
export function compareFigure(
  figure: Figure,
  before: unknown[],
  after: unknown[],
): { figure: Figure; before: number[]; after: number[]; ratio: number; verdict: "within noise" | "better" | "worse" } | null;
export function compareTable(before: unknown[], after: unknown[]): string;
export function format(value: number, unit: string): string;
