import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { TriggerRecord } from "../../../src/domain/triggers/trigger.js";
import { type TriggerClock, createTriggerClock } from "../../../src/scheduler/triggers/trigger-clock.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createTriggerRepository } from "../../../src/store/trigger-repository.js";

let db: Db;
let clock: FakeClock;
let fired: { id: string; at: string }[];
let triggerClock: TriggerClock;
let failFiring = false;
const repository = () => createTriggerRepository(db);

function makeTrigger(id: string, cronSchedule: string, overrides: Partial<TriggerRecord> = {}): TriggerRecord {
  const trigger: TriggerRecord = {
    id,
    name: id,
    owner: "me",
    createdBy: "me",
    createdAt: clock.now(),
    cronSchedule,
    bundleId: "batbun_1",
    defaultJobConfig: null,
    defaultJobMetadata: null,
    isSuspended: false,
    ...overrides,
  };
  repository().insert(trigger);
  return trigger;
}

beforeEach(() => {
  db = openDatabase(":memory:");
  clock = new FakeClock(Date.UTC(2026, 0, 1, 0, 0, 0));
  fired = [];
  failFiring = false;
  triggerClock = createTriggerClock({
    triggers: repository(),
    clock,
    logger: silentLogger,
    fire: async (trigger) => {
      fired.push({ id: trigger.id, at: new Date(clock.now()).toISOString() });
      if (failFiring) throw new Error("bundle gone");
    },
  });
});

afterEach(async () => {
  await triggerClock.dispose();
  db.close();
});

describe("trigger clock (§2.6)", () => {
  it("fires each stored trigger on its schedule from start, with no catch-up", async () => {
    makeTrigger("trig_a", "*/15 * * * *");
    makeTrigger("trig_b", "@hourly");
    makeTrigger("trig_off", "* * * * *", { isSuspended: true });
    triggerClock.start();
    expect(triggerClock.nextFiring("trig_a")).toBe(Date.UTC(2026, 0, 1, 0, 15));
    expect(triggerClock.nextFiring("trig_off")).toBeNull();
    await clock.advance(60 * 60_000);
    // Two triggers due at the same instant fire in no particular order.
    fired.sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
    expect(fired).toEqual([
      { id: "trig_a", at: "2026-01-01T00:15:00.000Z" },
      { id: "trig_a", at: "2026-01-01T00:30:00.000Z" },
      { id: "trig_a", at: "2026-01-01T00:45:00.000Z" },
      { id: "trig_a", at: "2026-01-01T01:00:00.000Z" },
      { id: "trig_b", at: "2026-01-01T01:00:00.000Z" },
    ]);
  });

  it("reschedules on update, stops on suspend and unschedule", async () => {
    const trigger = makeTrigger("trig_a", "* * * * *");
    triggerClock.schedule(trigger);
    await clock.advance(60_000);
    expect(fired).toHaveLength(1);
    const daily = { ...trigger, cronSchedule: "@daily" };
    repository().update(daily);
    triggerClock.schedule(daily);
    expect(triggerClock.nextFiring("trig_a")).toBe(Date.UTC(2026, 0, 2));
    const suspended = { ...daily, isSuspended: true };
    repository().update(suspended);
    triggerClock.schedule(suspended);
    await clock.advance(2 * 86_400_000);
    expect(fired).toHaveLength(1);
    triggerClock.schedule(daily);
    repository().update(daily);
    triggerClock.unschedule("trig_a");
    await clock.advance(2 * 86_400_000);
    expect(fired).toHaveLength(1);
  });

  it("goes on after a failed firing and reads the trigger afresh when due", async () => {
    failFiring = true;
    const trigger = makeTrigger("trig_a", "* * * * *");
    triggerClock.schedule(trigger);
    await clock.advance(120_000);
    expect(fired).toHaveLength(2);
    // Deleted behind the clock's back: the due firing finds nothing and stops.
    repository().delete("trig_a");
    await clock.advance(120_000);
    expect(fired).toHaveLength(2);
  });

  it("waits more than Node's 24.8-day timer limit without firing early", async () => {
    triggerClock.schedule(makeTrigger("trig_y", "@yearly"));
    await clock.advance(200 * 86_400_000);
    expect(fired).toHaveLength(0);
    await clock.advance(Date.UTC(2027, 0, 1) - clock.now());
    expect(fired).toEqual([{ id: "trig_y", at: "2027-01-01T00:00:00.000Z" }]);
  });
});
