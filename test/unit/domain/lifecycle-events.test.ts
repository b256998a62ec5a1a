import { describe, expect, it } from "vitest";
import { type EventOf, LifecycleEvents } from "../../../src/domain/events/lifecycle-events.js";

const endpointEvent = (to: EventOf<"endpoint">["to"]): EventOf<"endpoint"> => ({
  type: "endpoint",
  at: 1,
  endpointId: "end_1",
  owner: "u",
  from: null,
  to,
  reason: null,
});

describe("LifecycleEvents", () => {
  it("delivers each event to the listeners of its type only, until they unsubscribe", () => {
    const events = new LifecycleEvents();
    const seen: string[] = [];
    const off = events.on("endpoint", (event) => seen.push(event.to));
    events.on("task", () => seen.push("task"));
    expect(events.has("endpoint")).toBe(true);
    expect(events.has("worker")).toBe(false);
    events.emit(endpointEvent("READY"));
    off();
    events.emit(endpointEvent("UPDATE_FAILED"));
    expect(seen).toEqual(["READY"]);
    expect(events.has("endpoint")).toBe(false);
  });

  it("keeps a throwing listener from the emitter and from the other listeners", () => {
    const errors: unknown[] = [];
    const events = new LifecycleEvents((error) => errors.push(error));
    const seen: string[] = [];
    events.on("endpoint", () => {
      throw new Error("listener bug");
    });
    events.on("endpoint", (event) => seen.push(event.to));
    expect(() => events.emit(endpointEvent("READY"))).not.toThrow();
    expect(seen).toEqual(["READY"]);
    expect(errors).toHaveLength(1);
  });
});
