import { describe, expect, it } from "vitest";
import type { EndpointRecord } from "../../../src/domain/endpoint.js";
import { openDatabase } from "../../../src/store/database.js";
import { createEndpointRepository } from "../../../src/store/endpoint-repository.js";

function record(overrides: Partial<EndpointRecord>): EndpointRecord {
  return {
    id: "end_1",
    name: "e1",
    owner: "me",
    createdBy: "me",
    createdAt: 1000,
    lastUpdatedAt: 1000,
    endpointType: "async",
    bundleId: "bun_1",
    status: "UPDATE_PENDING",
    statusReason: null,
    destination: "UNKNOWN",
    hasInfraState: false,
    metadata: { nested: { a: [1, "x"] } },
    postInferenceHooks: null,
    defaultCallbackUrl: null,
    defaultCallbackAuth: { kind: "mtls", cert: "c", key: "k" },
    labels: { team: "t", product: "p" },
    resources: { cpus: "0.5", memory: 1024, storage: "1Gi", gpus: 0, gpuType: null, nodesPerWorker: 1, optimizeCosts: false },
    scaling: { minWorkers: 0, maxWorkers: 1, perWorker: 1, concurrentRequestsPerWorker: 1, forwarderMaxConcurrency: null },
    publicInference: false,
    highPriority: false,
    prewarm: true,
    billingTags: null,
    taskExpiresSeconds: null,
    queueMessageTimeoutSeconds: null,
    ...overrides,
  };
}

describe("endpoint repository (SQLite)", () => {
  it("round-trips a record exactly, including string/number quantities", () => {
    const repo = createEndpointRepository(openDatabase(":memory:"));
    const original = record({});
    repo.insert(original);
    expect(repo.get("end_1")).toEqual(original);
    expect(repo.findByName("me", "e1")).toEqual(original);
    expect(repo.findByName("other", "e1")).toBeNull();
    expect(repo.get("end_x")).toBeNull();
  });

  it("updates and deletes by id", () => {
    const repo = createEndpointRepository(openDatabase(":memory:"));
    repo.insert(record({}));
    repo.update(record({ status: "READY", hasInfraState: true }));
    expect(repo.get("end_1")).toMatchObject({ status: "READY", hasInfraState: true });
    repo.delete("end_1");
    expect(repo.get("end_1")).toBeNull();
    expect(repo.all()).toEqual([]);
  });

  it("lists one owner's endpoints with an exact name filter and the three orders, and every owner's of one name", () => {
    const repo = createEndpointRepository(openDatabase(":memory:"));
    repo.insert(record({ id: "end_b", name: "b", createdAt: 3000 }));
    repo.insert(record({ id: "end_a", name: "a", createdAt: 1000 }));
    repo.insert(record({ id: "end_c", name: "c", createdAt: 1000 }));
    repo.insert(record({ id: "end_x", name: "a", owner: "other", createdAt: 2000 }));
    const ids = (rows: EndpointRecord[]) => rows.map((r) => r.id);
    expect(ids(repo.list("me", null, null))).toEqual(["end_b", "end_a", "end_c"]);
    expect(ids(repo.list("me", null, "newest"))).toEqual(["end_b", "end_c", "end_a"]);
    expect(ids(repo.list("me", null, "oldest"))).toEqual(["end_a", "end_c", "end_b"]);
    expect(ids(repo.list("me", "a", null))).toEqual(["end_a"]);
    expect(ids(repo.list("me", "A", null))).toEqual([]);
    expect(ids(repo.list("other", null, null))).toEqual(["end_x"]);
    expect(ids(repo.all())).toEqual(["end_b", "end_a", "end_c", "end_x"]);
    expect(ids(repo.named("a"))).toEqual(["end_a", "end_x"]);
    expect(ids(repo.named("A"))).toEqual([]);
  });

  it("enforces one name per owner", () => {
    const repo = createEndpointRepository(openDatabase(":memory:"));
    repo.insert(record({}));
    expect(() => repo.insert(record({ id: "end_2" }))).toThrow(/UNIQUE/);
  });

  it("keeps a record read until it writes that row, a transaction rolls back, or forgetCached runs", () => {
    const db = openDatabase(":memory:");
    const repo = createEndpointRepository(db);
    repo.insert(record({}));
    const first = repo.get("end_1");
    expect(repo.get("end_1")).toBe(first);
    expect(Object.isFrozen(first?.metadata)).toBe(true);

    repo.update(record({ status: "READY" }));
    expect(repo.get("end_1")?.status).toBe("READY");

    // A row read inside a transaction that rolls back is not kept.
    const rollBack = db.transaction(() => {
      repo.update(record({ status: "UPDATE_FAILED" }));
      expect(repo.get("end_1")?.status).toBe("UPDATE_FAILED");
      throw new Error("roll back");
    });
    expect(() => rollBack()).toThrow("roll back");
    expect(repo.get("end_1")?.status).toBe("READY");

    // A writer that goes around the repository (a reset) is seen once the cache is dropped.
    db.prepare("DELETE FROM endpoints").run();
    repo.forgetCached();
    expect(repo.get("end_1")).toBeNull();
  });
});
