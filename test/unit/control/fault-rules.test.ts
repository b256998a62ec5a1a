import { describe, expect, it } from "vitest";
import { FaultRegistry, type FaultSpec } from "../../../src/domain/control/fault-rules.js";

const spec = (overrides: Partial<FaultSpec>): FaultSpec => ({
  kind: "fail",
  count: 1,
  probability: 1,
  statusCode: 500,
  body: "{}",
  latencyMs: 0,
  ...overrides,
});

/** A random source that plays back the given draws. */
const draws = (...values: number[]) => {
  let index = 0;
  return () => values[index++ % values.length] ?? 0;
};

describe("fault rules", () => {
  it("decides nothing for an endpoint without rules", () => {
    const faults = new FaultRegistry();
    expect(faults.decide("e1")).toBeNull();
    faults.add("e2", spec({}));
    expect(faults.decide("e1")).toBeNull();
  });

  it("fails the next N calls, then is gone", () => {
    const faults = new FaultRegistry();
    faults.add("e1", spec({ count: 2, statusCode: 503, body: "busy" }));
    const fail = { latencyMs: 0, action: { kind: "fail", statusCode: 503, body: "busy" } };
    expect(faults.decide("e1")).toEqual(fail);
    expect(faults.list("e1")[0]).toMatchObject({ remaining: 1, applied: 1 });
    expect(faults.decide("e1")).toEqual(fail);
    expect(faults.decide("e1")).toBeNull();
    expect(faults.list("e1")).toEqual([]);
  });

  it("lets the oldest fail/crash rule win and leaves the others their count", () => {
    const faults = new FaultRegistry();
    faults.add("e1", spec({ kind: "crash" }));
    faults.add("e1", spec({ statusCode: 400 }));
    expect(faults.decide("e1")?.action).toEqual({ kind: "crash" });
    expect(faults.decide("e1")?.action).toEqual({ kind: "fail", statusCode: 400, body: "{}" });
    expect(faults.decide("e1")).toBeNull();
  });

  it("adds up latency rules, alongside a failure, until cleared", () => {
    const faults = new FaultRegistry();
    faults.add("e1", spec({ kind: "latency", count: null, latencyMs: 100 }));
    faults.add("e1", spec({ kind: "latency", count: 1, latencyMs: 20 }));
    faults.add("e1", spec({}));
    expect(faults.decide("e1")).toEqual({ latencyMs: 120, action: { kind: "fail", statusCode: 500, body: "{}" } });
    for (let i = 0; i < 5; i++) expect(faults.decide("e1")).toEqual({ latencyMs: 100, action: null });
    expect(faults.clear("e1")).toBe(1);
    expect(faults.decide("e1")).toBeNull();
  });

  it("hits a call with the rule's probability; a miss does not use up the count", () => {
    const faults = new FaultRegistry(draws(0.7, 0.2, 0.9, 0.49));
    faults.add("e1", spec({ count: 2, probability: 0.5 }));
    expect(faults.decide("e1")).toBeNull();
    expect(faults.decide("e1")?.action?.kind).toBe("fail");
    expect(faults.decide("e1")).toBeNull();
    expect(faults.decide("e1")?.action?.kind).toBe("fail");
    expect(faults.list("e1")).toEqual([]);
  });

  it("removes one rule by id, lists copies, and clears everything", () => {
    const faults = new FaultRegistry();
    const first = faults.add("e1", spec({}));
    faults.add("e1", spec({ kind: "crash" }));
    faults.add("e2", spec({}));
    const listed = faults.list("e1");
    listed.splice(0, 2);
    expect(faults.list("e1")).toHaveLength(2);
    expect(faults.remove("e1", first.id)).toBe(true);
    expect(faults.remove("e1", first.id)).toBe(false);
    expect(faults.remove("e3", first.id)).toBe(false);
    expect(faults.list("e1").map((rule) => rule.kind)).toEqual(["crash"]);
    faults.clearAll();
    expect(faults.decide("e1")).toBeNull();
    expect(faults.decide("e2")).toBeNull();
  });
});
