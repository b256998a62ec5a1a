import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../../src/domain/clock.js";
import { EndpointLifecycle, isAllowedEndpointTransition } from "../../../src/domain/endpoints/endpoint-lifecycle.js";
import { type EventOf, LifecycleEvents } from "../../../src/domain/events/lifecycle-events.js";
import { silentLogger } from "../../../src/domain/logger.js";
import type { EndpointRepository } from "../../../src/domain/ports.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { createEndpointRepository } from "../../../src/store/endpoint-repository.js";
import { commitGroup, createCommitPort, joinGroupCommit } from "../../../src/store/group-commit.js";
import { makeEndpoint } from "../tasks/fakes.js";

describe("endpoint lifecycle (§3.1)", () => {
  let db: Db;
  let endpoints: EndpointRepository;
  let lifecycle: EndpointLifecycle;
  let seen: EventOf<"endpoint">[];

  beforeEach(() => {
    db = openDatabase(":memory:");
    endpoints = createEndpointRepository(db);
    const events = new LifecycleEvents();
    seen = [];
    events.on("endpoint", (event) => seen.push(event));
    lifecycle = new EndpointLifecycle({ endpoints, commits: createCommitPort(db), events, clock: new FakeClock(7), logger: silentLogger });
  });
  afterEach(() => db.close());

  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it("walks create → build → READY → edit → delete, announcing each change", async () => {
    lifecycle.create(makeEndpoint({ id: "end_1", status: "UPDATE_PENDING" }));
    expect(lifecycle.move("end_1", { status: "UPDATE_IN_PROGRESS" })).toBe(true);
    expect(lifecycle.move("end_1", { status: "READY", statusReason: null, hasInfraState: true })).toBe(true);
    const ready = endpoints.get("end_1");
    if (ready === null) throw new Error("no endpoint");
    lifecycle.edit({ ...ready, status: "UPDATE_PENDING" });
    lifecycle.beginDelete({ ...ready, status: "UPDATE_PENDING" });
    lifecycle.remove("end_1");
    await settle();
    expect(seen.map((e) => [e.from, e.to, e.isDeleted ?? false])).toEqual([
      [null, "UPDATE_PENDING", false],
      ["UPDATE_PENDING", "UPDATE_IN_PROGRESS", false],
      ["UPDATE_IN_PROGRESS", "READY", false],
      ["READY", "UPDATE_PENDING", false],
      ["UPDATE_PENDING", "DELETE_IN_PROGRESS", false],
      ["DELETE_IN_PROGRESS", "DELETE_IN_PROGRESS", true],
    ]);
    expect(seen[0]).toMatchObject({ type: "endpoint", at: 7, endpointId: "end_1", owner: "me", reason: null });
    expect(endpoints.get("end_1")).toBeNull();
  });

  it("refuses a disallowed transition and any change of an endpoint being deleted: nothing written, no event", async () => {
    expect(isAllowedEndpointTransition("UPDATE_PENDING", "READY")).toBe(false);
    expect(isAllowedEndpointTransition("DELETE_IN_PROGRESS", "READY")).toBe(false);
    lifecycle.create(makeEndpoint({ id: "end_1", status: "UPDATE_PENDING" }));
    expect(lifecycle.move("end_1", { status: "READY" })).toBe(false);
    expect(endpoints.get("end_1")?.status).toBe("UPDATE_PENDING");
    const record = endpoints.get("end_1");
    if (record === null) throw new Error("no endpoint");
    lifecycle.beginDelete(record);
    expect(lifecycle.move("end_1", { status: "UPDATE_FAILED", statusReason: "late build" })).toBe(false);
    expect(lifecycle.move("end_gone", { status: "READY" })).toBe(false);
    await settle();
    expect(seen.map((e) => e.to)).toEqual(["UPDATE_PENDING", "DELETE_IN_PROGRESS"]);
    expect(endpoints.get("end_1")?.status).toBe("DELETE_IN_PROGRESS");
  });

  it("announces a change made inside a turn's group only after the group commits", async () => {
    lifecycle.create(makeEndpoint({ id: "end_1", status: "UPDATE_PENDING" }));
    await settle();
    seen.length = 0;
    joinGroupCommit(db);
    lifecycle.move("end_1", { status: "UPDATE_IN_PROGRESS" });
    await Promise.resolve();
    expect(seen).toEqual([]);
    commitGroup(db);
    await settle();
    expect(seen.map((e) => e.to)).toEqual(["UPDATE_IN_PROGRESS"]);
  });
});
