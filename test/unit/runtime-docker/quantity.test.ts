import { describe, expect, it } from "vitest";
import { cpuNanos, memoryBytes } from "../../../src/runtime/quantity.js";
import { containerLimits } from "../../../src/runtime/docker/container-limits.js";

describe("k8s quantities as Docker limits", () => {
  it.each([
    ["500m", 500_000_000],
    ["0.5", 500_000_000],
    ["2", 2_000_000_000],
    ["1.5", 1_500_000_000],
    [1, 1_000_000_000],
    [0.25, 250_000_000],
    ["100m", 100_000_000],
  ])("cpus %s → %d NanoCpus", (value, nanos) => {
    expect(cpuNanos(value)).toBe(nanos);
  });

  it.each([
    ["1Gi", 1024 ** 3],
    ["500Mi", 500 * 1024 ** 2],
    ["1G", 1e9],
    ["128M", 128e6],
    ["1024", 1024],
    [2048, 2048],
    ["1.5Gi", 1.5 * 1024 ** 3],
    ["4k", 4000],
  ])("memory %s → %d bytes", (value, bytes) => {
    expect(memoryBytes(value)).toBe(bytes);
  });

  it.each(["", "abc", "-1", "1gi", "1e3", ".5", "5mm"])("rejects malformed %j", (value) => {
    expect(cpuNanos(value)).toBeNull();
    expect(memoryBytes(value)).toBeNull();
  });

  it("rejects non-finite and negative numbers", () => {
    expect(cpuNanos(Number.NaN)).toBeNull();
    expect(memoryBytes(-5)).toBeNull();
  });
});

describe("containerLimits", () => {
  it("passes values the engine accepts through", () => {
    expect(containerLimits("500m", "1Gi", 4)).toEqual({ nanoCpus: 500_000_000, memoryBytes: 1024 ** 3, notes: [] });
  });

  it("clamps cpus to the engine's CPU count and says so", () => {
    const limits = containerLimits(8, "1Gi", 2);
    expect(limits.nanoCpus).toBe(2_000_000_000);
    expect(limits.notes).toEqual(["cpus=8 exceeds this Docker host's 2 CPU(s); the limit is 2."]);
  });

  it("raises values below the engine's minimums", () => {
    const limits = containerLimits("1m", "1Mi", 2);
    expect(limits.nanoCpus).toBe(10_000_000);
    expect(limits.memoryBytes).toBe(6 * 1024 * 1024);
    expect(limits.notes).toHaveLength(2);
  });

  it("sets no limit for an unparseable value", () => {
    const limits = containerLimits("lots", "plenty", 2);
    expect(limits.nanoCpus).toBeNull();
    expect(limits.memoryBytes).toBeNull();
    expect(limits.notes.join(" ")).toContain("no CPU limit");
  });
});
