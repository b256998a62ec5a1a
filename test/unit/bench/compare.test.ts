import { describe, expect, it } from "vitest";
import { FIGURES, compareFigure, compareTable } from "../../../scripts/bench/compare.mjs";

const asyncRun = (tasksPerSecond: number) => ({
  rows: [{ section: "3", name: "async", text: "", data: { tasksPerSecond, submitPerSecond: 2 * tasksPerSecond, peakRssSampledMiB: 100, vmHwmMiB: 110 } }],
});
const figure = (label: string) => {
  const found = FIGURES.find((entry) => entry.label === label);
  if (!found) throw new Error(`no figure ${label}`);
  return found;
};

describe("bench before/after comparison", () => {
  it("calls overlapping ranges noise and says which way ranges apart moved, by the figure's better side", () => {
    const tasks = figure("async tasks end to end");
    expect(compareFigure(tasks, [asyncRun(1000), asyncRun(1400)], [asyncRun(1300), asyncRun(1500)])).toMatchObject({
      verdict: "within noise",
      ratio: 1.4 / 1.2,
    });
    expect(compareFigure(tasks, [asyncRun(1000), asyncRun(1100)], [asyncRun(1200), asyncRun(1300)])?.verdict).toBe("better");
    expect(compareFigure(tasks, [asyncRun(1200), asyncRun(1300)], [asyncRun(1000), asyncRun(1100)])?.verdict).toBe("worse");
    // Peak RSS is better lower: the larger VmHWM counts, and a rise is worse.
    expect(
      compareFigure(
        figure("async peak RSS"),
        [asyncRun(1)],
        [{ rows: [{ section: "3", name: "", text: "", data: { tasksPerSecond: 1, peakRssSampledMiB: 150, vmHwmMiB: 120 } }] }],
      ),
    ).toMatchObject({
      before: [110],
      after: [150],
      verdict: "worse",
    });
  });

  it("prints a Markdown row per figure both sides have, and none for a row that did not run", () => {
    const table = compareTable([asyncRun(1000), asyncRun(1100)], [asyncRun(1050)]).split("\n");
    expect(table[2]).toBe("| 3 | async tasks end to end | tasks/s | 1,000–1,100 | 1,050 | 1.00 | within noise |");
    expect(table).toHaveLength(5);
    expect(compareFigure(figure("batch rows"), [asyncRun(1)], [asyncRun(1)])).toBeNull();
  });
});
