import { describe, expect, it } from "vitest";
import { planScale, wantedWorkers, type WorkerView } from "../../../src/scheduler/autoscaler.js";
import { Deque } from "../../../src/scheduler/deque.js";
import { backoffMs, retryWindowMs } from "../../../src/gateway/retry-budget.js";
import { SlidingMax } from "../../../src/scheduler/sliding-max.js";

describe("wantedWorkers (§5.1)", () => {
  it.each([
    [0, 0, 5, 1, 0],
    [1, 0, 5, 1, 1],
    [7, 0, 5, 2, 4],
    [100, 0, 5, 10, 5],
    [0, 2, 5, 1, 2],
    [0, 3, 1, 1, 3], // min > max: min wins
    [10, 3, 1, 1, 3],
  ])("inflight %i, min %i, max %i, per_worker %i → %i", (inflight, minWorkers, maxWorkers, perWorker, want) => {
    expect(wantedWorkers(inflight, { minWorkers, maxWorkers, perWorker })).toBe(want);
  });
});

const view = (id: string, state: WorkerView["state"], inflight = 0, isCurrent = true): WorkerView => ({ id, state, inflight, isCurrent });

describe("planScale", () => {
  it("scales up at once", () => {
    expect(planScale([view("a", "ready")], 3, true)).toEqual({ start: 2, stop: [], drain: [] });
    expect(planScale([view("a", "ready")], 3, false)).toEqual({ start: 0, stop: [], drain: [] });
  });

  it("removes only idle ready workers, never starting or busy ones", () => {
    const workers = [view("starting", "starting"), view("busy", "ready", 1), view("idle", "ready")];
    expect(planScale(workers, 0, true)).toEqual({ start: 0, stop: ["idle"], drain: [] });
    expect(planScale([view("s", "starting")], 0, true)).toEqual({ start: 0, stop: [], drain: [] });
  });

  it("does not count stopping workers as capacity", () => {
    expect(planScale([view("a", "stopping"), view("b", "ready")], 2, true)).toEqual({ start: 1, stop: [], drain: [] });
  });

  it("keeps old-deployment workers serving until new ones are ready, idle ones out first", () => {
    const old = [view("old-busy", "ready", 1, false), view("old-idle", "ready", 0, false)];
    expect(planScale(old, 2, true)).toEqual({ start: 2, stop: [], drain: [] });
    expect(planScale([...old, view("new", "ready"), view("new2", "starting")], 2, true)).toEqual({ start: 0, stop: [], drain: ["old-idle"] });
    expect(planScale([...old, view("new", "ready"), view("new2", "ready")], 2, true)).toEqual({ start: 0, stop: [], drain: ["old-idle", "old-busy"] });
    expect(planScale([...old, view("old-starting", "starting", 0, false)], 0, true)).toEqual({
      start: 0,
      stop: ["old-starting"],
      drain: ["old-idle", "old-busy"],
    });
  });
});

describe("SlidingMax (cool-down window)", () => {
  it("keeps the largest sample of the window, then lets it go", () => {
    const window = new SlidingMax(1000);
    expect(window.record(0, 3)).toBe(3);
    expect(window.record(500, 1)).toBe(3);
    expect(window.record(999, 0)).toBe(3);
    expect(window.record(1000, 0)).toBe(1);
    expect(window.record(1500, 0)).toBe(0);
    expect(window.record(1600, 5)).toBe(5);
    window.reset();
    expect(window.record(1700, 2)).toBe(2);
  });
});

describe("retry budget math (§2.3: min 1 s, max 5 s, base 1.2)", () => {
  it("grows the wait exponentially within bounds", () => {
    expect([1, 2, 3, 10, 20].map(backoffMs)).toEqual([1000, 1200, 1440, 5000, 5000]);
    expect(retryWindowMs(0)).toBe(0);
    expect(retryWindowMs(2)).toBe(2200);
  });
});

describe("Deque", () => {
  it("is FIFO with front insertion across growth", () => {
    const deque = new Deque<number>();
    for (let i = 0; i < 40; i++) deque.push(i);
    deque.unshift(-1);
    expect(deque.shift()).toBe(-1);
    expect(deque.length).toBe(40);
    expect(deque.drain()).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(deque.shift()).toBeUndefined();
  });
});
