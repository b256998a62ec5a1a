/** Types of report.mjs. */
import type { Latency, LoadReport } from "./load-run.mjs";
export function latency(samples: Iterable<number>): Latency;
export function formatReport(report: LoadReport): string;
