import { describe, expect, it } from "vitest";
import { type BenchReport, addLimitTargets } from "../../../scripts/bench/limit-targets.mjs";

type Target = { section: string; text: string; value: string; verdict: string };

function reportOf(rows: BenchReport["rows"]): BenchReport & { targets: Target[] } {
  const targets: Target[] = [];
  return { rows, targets, target: (section, text, value, verdict) => targets.push({ section, text, value, verdict }) };
}

const row = (section: string, data: Record<string, unknown>) => ({ section, name: `row ${section}`, text: "", data });
const throughput = (concurrency: number, gateway: [number, number], pump: [number, number], bare: number) =>
  row("2", {
    concurrency,
    bare: { rps: bare, cpuUsPerRequest: { proxy: null } },
    gateway: { rps: gateway[0], cpuUsPerRequest: { proxy: gateway[1] } },
    pump: { rps: pump[0], cpuUsPerRequest: { proxy: pump[1] } },
  });

describe("issue 20's targets from one run's rows", () => {
  it("judges the gateway against the tcp pump, async against bare sync, batch against async", () => {
    const report = reportOf([
      row("1", { mode: "fresh", p50AddedMs: 0.2, pumpP50AddedMs: null }),
      row("1", { mode: "keep-alive", p50AddedMs: 0.13, pumpP50AddedMs: 0.1 }),
      throughput(1, [3000, 120], [4000, 60], 5000),
      throughput(8, [9000, 60], [10_000, 50], 10_000),
      throughput(32, [8000, 100], [10_000, 50], 11_000),
      row("3", { tasksPerSecond: 5000 }),
      row("5", { rowsPerSecond: 4000 }),
    ]);
    addLimitTargets(report);
    expect(report.targets).toEqual([
      { section: "1", text: "keep-alive p50 added ≤ the tcp pump's + 0.05 ms", value: "+0.130 vs +0.100 ms", verdict: "met" },
      { section: "2", text: "8 clients: ≥ 90% of the tcp pump's throughput", value: "90%", verdict: "met" },
      { section: "2", text: "8 clients: CPU per request ≤ 1.3× the tcp pump's", value: "1.20× (60 vs 50 µs)", verdict: "met" },
      { section: "2", text: "32 clients: ≥ 90% of the tcp pump's throughput", value: "80%", verdict: "missed" },
      { section: "2", text: "32 clients: CPU per request ≤ 1.3× the tcp pump's", value: "2.00× (100 vs 50 µs)", verdict: "missed" },
      { section: "3", text: "async ≥ 60% of the bare workers' sync throughput (row 2, 8 clients)", value: "50% (5000 vs 10000 req/s)", verdict: "missed" },
      { section: "5", text: "batch ≥ 90% of the async rate (row 3)", value: "80% (4000 vs 5000/s)", verdict: "missed" },
    ]);
  });

  it("leaves out what did not run and reads a failed batch as n/a", () => {
    const onlyAsyncAndBatch = reportOf([row("3", { tasksPerSecond: 5000 }), row("5", { rowsPerSecond: null })]);
    addLimitTargets(onlyAsyncAndBatch);
    expect(onlyAsyncAndBatch.targets).toEqual([{ section: "5", text: "batch ≥ 90% of the async rate (row 3)", value: "n/a", verdict: "n/a" }]);
    const none = reportOf([]);
    addLimitTargets(none);
    expect(none.targets).toEqual([]);
  });
});
