import { describe, expect, it } from "vitest";
import { parseProcStat } from "../../../src/runtime/process/process-group.js";

describe("parseProcStat", () => {
  it("reads state and process group after the command name", () => {
    expect(parseProcStat("16543 (python3) Z 1 16542 16542 0 -1 4228108")).toEqual({ state: "Z", pgrp: 16542 });
  });

  it("copes with spaces and parentheses in the command name", () => {
    expect(parseProcStat("77 (my (odd) name) S 10 70 70 0")).toEqual({ state: "S", pgrp: 70 });
  });

  it("rejects garbage", () => {
    expect(parseProcStat("")).toBeNull();
  });
});
