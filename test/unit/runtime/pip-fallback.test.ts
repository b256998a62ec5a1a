import { describe, expect, it } from "vitest";
import { missingPin, nearestVersion, runPipWithFallback, type PipRun } from "../../../src/runtime/pip-fallback.js";

const missing = (requirement: string, versions: string): string =>
  `ERROR: Could not find a version that satisfies the requirement ${requirement} (from versions: ${versions})`;

describe("--pip-fallback: the nearest available version", () => {
  it("reads the pin and the versions pip saw from its error", () => {
    expect(missingPin(["Looking in indexes: …", missing("six==1.0.99", "1.16.0, 1.17.0"), "ERROR: No matching distribution found for six==1.0.99"])).toEqual({
      name: "six",
      version: "1.0.99",
      available: ["1.16.0", "1.17.0"],
    });
    expect(missingPin([missing("Foo[extra]==2.0", "none")])).toEqual({ name: "Foo[extra]", version: "2.0", available: [] });
    expect(missingPin([missing("six>=9", "1.17.0")])).toBeNull();
    expect(missingPin(["ERROR: Invalid requirement: 'x=='"])).toBeNull();
  });

  it("takes the neighbour sharing more leading numbers, the lower one on a tie", () => {
    expect(nearestVersion("1.4.2", ["1.3.0", "1.4.0", "1.5.0", "2.0"])).toBe("1.4.0");
    expect(nearestVersion("1.4.9", ["1.4.8", "1.5.0"])).toBe("1.4.8");
    expect(nearestVersion("1.5.1", ["1.4.9", "1.5.3"])).toBe("1.5.3");
    expect(nearestVersion("3.0", ["2.9", "3.1"])).toBe("3.1");
    expect(nearestVersion("3.0.1", ["3.0.0", "3.0.2"])).toBe("3.0.0");
    expect(nearestVersion("0.1", ["1.17.0"])).toBe("1.17.0");
    expect(nearestVersion("9.0", ["1.17.0", "1.16.0"])).toBe("1.17.0");
    expect(nearestVersion("1.0", ["1.1rc1", "0.9"])).toBe("0.9");
    expect(nearestVersion("1.0", [])).toBeNull();
  });

  it("substitutes, logs and runs pip again only when enabled", async () => {
    const runs: (readonly string[])[] = [];
    const pip = async (lines: readonly string[]): Promise<PipRun> => {
      runs.push(lines);
      return lines.includes("six==1.0.99") ? { code: 1, tail: [missing("six==1.0.99", "1.17.0")] } : { code: 0, tail: [] };
    };
    const log: string[] = [];
    expect((await runPipWithFallback(["requests", "six==1.0.99"], false, pip, (line) => log.push(line))).code).toBe(1);
    expect(log).toEqual([]);
    runs.length = 0;
    expect((await runPipWithFallback(["requests", "six==1.0.99"], true, pip, (line) => log.push(line))).code).toBe(0);
    expect(runs).toEqual([
      ["requests", "six==1.0.99"],
      ["requests", "six==1.17.0"],
    ]);
    expect(log).toEqual(["Substituted six==1.17.0 for six==1.0.99, which the index does not have (--pip-fallback; the real platform would fail this build)."]);
  });

  it("gives up on failures that are not a missing pin, and on an index with no version at all", async () => {
    const broken = async (): Promise<PipRun> => ({ code: 1, tail: ["ERROR: Failed to build x"] });
    expect((await runPipWithFallback(["x==1"], true, broken, () => undefined)).tail).toEqual(["ERROR: Failed to build x"]);
    let calls = 0;
    const empty = async (): Promise<PipRun> => {
      calls++;
      return { code: 1, tail: [missing("x==1", "none")] };
    };
    await runPipWithFallback(["x==1"], true, empty, () => undefined);
    expect(calls).toBe(1);
  });
});
