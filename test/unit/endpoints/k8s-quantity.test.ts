import { describe, expect, it } from "vitest";
import { formatBytes, parseCpuMillis, parseMemoryBytes } from "../../../src/domain/endpoints/k8s-quantity.js";
import { pyFloatRepr, pyRound, pyStrRepr } from "../../../src/domain/endpoints/python-format.js";

describe("cpu quantities (k8s_resource_parser.parse_cpu_request)", () => {
  it.each([
    ["500m", 500],
    ["0.5", 500],
    ["1", 1000],
    ["2", 2000],
    ["1.25", 1250],
    ["0", 0],
    ["0.0005", 0],
    ["0.0015", 2],
  ])("%s → %i millicpus", (text, millis) => {
    expect(parseCpuMillis(text)).toBe(millis);
  });

  it.each(["", "abc", ".5", "1.5m", "-1", "1e3", "1 ", "1Gi", "m"])("rejects %j", (text) => {
    expect(parseCpuMillis(text)).toBeNull();
  });
});

describe("memory quantities (k8s_resource_parser.parse_mem_request)", () => {
  it.each([
    ["1Gi", 1024 ** 3],
    ["500Mi", 500 * 1024 ** 2],
    ["1G", 1e9],
    ["1k", 1000],
    ["1.5Gi", 1.5 * 1024 ** 3],
    ["1024", 1024],
    ["0", 0],
  ])("%s → %i bytes", (text, bytes) => {
    expect(parseMemoryBytes(text)).toBe(bytes);
  });

  it.each(["", "1gi", "1Kb", "1K", ".5Gi", "-1Gi", "1e9", "Gi", "1 Gi"])("rejects %j", (text) => {
    expect(parseMemoryBytes(text)).toBeNull();
  });

  it("formats byte counts like format_bytes", () => {
    expect(formatBytes(28 * 1024 ** 3)).toBe("28.0Gi");
    expect(formatBytes(640 * 1024 ** 3 - 1e9)).toBe("639.1Gi");
    expect(formatBytes(512)).toBe("512.0");
    expect(formatBytes(1536)).toBe("1.5Ki");
  });
});

describe("Python formatting helpers", () => {
  it("reprs strings with Python's quoting", () => {
    expect(pyStrRepr("abc")).toBe("'abc'");
    expect(pyStrRepr("it's")).toBe(`"it's"`);
    expect(pyStrRepr(`a'b"c`)).toBe(`'a\\'b"c'`);
    expect(pyStrRepr("a\nb")).toBe("'a\\nb'");
  });

  it("reprs floats with a decimal point or an exponent", () => {
    expect(pyFloatRepr(9)).toBe("9.0");
    expect(pyFloatRepr(1.5)).toBe("1.5");
    expect(pyFloatRepr(1e16)).toBe("1e+16");
    expect(pyFloatRepr(1e-5)).toBe("1e-05");
  });

  it("rounds halves to even like Python's round()", () => {
    expect(pyRound(0.5)).toBe(0);
    expect(pyRound(1.5)).toBe(2);
    expect(pyRound(2.5)).toBe(2);
    expect(pyRound(2.6)).toBe(3);
  });
});
