/** Types of llm-streams.mjs' pure helpers, for the TypeScript unit tests (test/unit/bench). */
import type { Summary } from "./stats.d.mts";

export interface Stream {
  ttftMs: number;
  totalMs: number;
  tokens: number;
}
export interface SideFigures {
  ttftMs: Summary;
  tokensPerSecond: number;
  cpuMsPerStream: number | null;
  tokensRatio?: number;
  ttftAddedMs?: number;
}
export function eventText(event: unknown): string;
export function eventTokenCount(event: unknown): number | null;
export function createEventParser(): { push(chunk: string): unknown[] };
export function summarizeRoute(
  name: string,
  streams: Record<string, Stream[]>,
  cpuMs?: Record<string, number>,
): { name: string; tokens: number; sides: Record<string, SideFigures>; tokensMatch: boolean };
