import { describe, expect, it } from "vitest";
import { normalizeRequirements, pipFailureReason, requirementsKey } from "../../../src/runtime/process/requirements.js";

describe("normalizeRequirements", () => {
  it("trims, drops blank lines, de-duplicates and sorts", () => {
    expect(normalizeRequirements(["  six ", "", "numpy==1.0", "six", "   "])).toEqual(["numpy==1.0", "six"]);
  });
});

describe("requirementsKey", () => {
  const python = "cpython 3.11.7 /usr/bin/python3";

  it("is a sha256 hex digest", () => {
    expect(requirementsKey(["six"], python)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ignores order and surrounding whitespace", () => {
    expect(requirementsKey([" b", "a "], python)).toBe(requirementsKey(["a", "b"], python));
  });

  it("differs for other requirements or another interpreter", () => {
    const key = requirementsKey(["six"], python);
    expect(requirementsKey(["six==1.16"], python)).not.toBe(key);
    expect(requirementsKey(["six"], "cpython 3.12.1 /usr/bin/python3")).not.toBe(key);
  });
});

describe("pipFailureReason", () => {
  it("names the requirement pip could not find", () => {
    const tail = [
      "ERROR: Could not find a version that satisfies the requirement nope-xyz==9 (from versions: none)",
      "ERROR: No matching distribution found for nope-xyz==9",
    ];
    expect(pipFailureReason(1, tail)).toBe("Failed to install requirements: pip exited with code 1: No matching distribution found for nope-xyz==9");
  });

  it("falls back to the last ERROR line, then to the exit code alone", () => {
    expect(pipFailureReason(2, ["x", "ERROR: disk full", "y"])).toBe("Failed to install requirements: pip exited with code 2: disk full");
    expect(pipFailureReason(null, [])).toBe("Failed to install requirements: pip was killed");
  });

  it("stays within 500 characters", () => {
    expect(pipFailureReason(1, [`ERROR: ${"x".repeat(1000)}`]).length).toBeLessThanOrEqual(500);
  });
});
