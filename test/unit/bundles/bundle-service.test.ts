import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BundleService } from "../../../src/domain/bundles/bundle-service.js";
import type { CreateBundleV1Input } from "../../../src/domain/bundles/bundle-inputs.js";
import { bundleV1View, bundleV2View } from "../../../src/domain/bundles/bundle-views.js";
import { FakeClock } from "../../../src/domain/clock.js";
import { LaunchError } from "../../../src/domain/errors.js";
import { userFromName } from "../../../src/domain/identity.js";
import { ONLY_BLOB_STORE } from "../../../src/domain/blobs/input-policy.js";
import type { BlobStore, BundleRepository } from "../../../src/domain/ports.js";
import { createBundleRepository } from "../../../src/store/bundle-repository.js";
import { type Db, openDatabase } from "../../../src/store/database.js";
import { bundleRecord, cloudpickleFlavor, runnableFlavor, sequentialIds } from "./fixtures.js";

const me = userFromName("me");
const other = userFromName("other");

const v1Input: CreateBundleV1Input = {
  name: "b",
  location: "s3://launch-local/k",
  requirements: [],
  env_params: { framework_type: "pytorch", pytorch_image_tag: "1.13", tensorflow_version: null, ecr_repo: null, image_tag: null },
  packaging_type: "lira",
  metadata: null,
  app_config: null,
  schema_location: null,
};

/** The service never touches blobs; a store that fails loudly proves it. */
const unusedBlobs = new Proxy({} as BlobStore, {
  get: () => {
    throw new Error("BundleService must not use the blob store");
  },
});

const notFound = (message: string) => new LaunchError("NOT_FOUND", message);

describe("BundleService", () => {
  let db: Db;
  let repo: BundleRepository;
  let clock: FakeClock;
  let service: BundleService;

  beforeEach(() => {
    db = openDatabase(":memory:");
    repo = createBundleRepository(db);
    clock = new FakeClock(Date.UTC(2026, 0, 1));
    service = new BundleService({ bundles: repo, blobs: unusedBlobs, ids: sequentialIds(), clock, inputs: ONLY_BLOB_STORE });
  });
  afterEach(() => db.close());

  const createV2 = (user = me, name = "b", flavor = cloudpickleFlavor()) =>
    service.createV2(user, { name, metadata: null, schema_location: "s3://launch-local/s", flavor });

  it("records owner and creator from the caller, and survives a round trip through SQLite", () => {
    const created = createV2();
    expect(created).toMatchObject({ id: "bun_000002", owner: "me", createdBy: "me", createdAt: clock.now(), metadata: {} });
    expect(repo.get(created.id)).toEqual(created);
  });

  it("artifact bundles get one synthetic artifact id '{user}-{name}-{8 hex}', runnable ones none", () => {
    expect(createV2().modelArtifactIds).toEqual([expect.stringMatching(/^me-b-[0-9a-f]{8}$/)]);
    expect(createV2(me, "r", runnableFlavor()).modelArtifactIds).toEqual([]);
  });

  it("v1 creates always get an artifact id, even for lira", () => {
    const created = service.createV1(me, v1Input);
    expect(created.modelArtifactIds).toHaveLength(1);
    expect(bundleV1View(created)).toMatchObject({ packaging_type: "lira", location: "s3://launch-local/k" });
    expect(bundleV2View(created).flavor).toMatchObject({ flavor: "runnable_image", repository: "", command: [] });
  });

  it("another team's bundle reads as missing, with the same double-spaced message", () => {
    const created = createV2(other);
    expect(() => service.get(me, created.id)).toThrowError(notFound(`Model Bundle ${created.id}  was not found.`));
    expect(() => service.get(me, "bun_nope")).toThrowError(notFound("Model Bundle bun_nope  was not found."));
    expect(() => service.getOwned(me, created.id)).toThrowError(notFound("The specified model bundle could not be found."));
    expect(service.list(me, null, null)).toEqual([]);
  });

  it("latest is the newest created_at, a tie going to the later insert", async () => {
    const first = createV2();
    await clock.advance(1000);
    const second = createV2();
    expect(service.latest(me, "b").id).toBe(second.id);
    const tied = createV2();
    expect(tied.createdAt).toBe(second.createdAt);
    expect(service.latest(me, "b").id).toBe(tied.id);
    expect(service.list(me, "b", "oldest").map((b) => b.id)).toEqual([first.id, second.id, tied.id]);
    expect(service.list(me, "b", "newest").map((b) => b.id)).toEqual([tied.id, second.id, first.id]);
    expect(() => service.latest(me, "nope")).toThrowError(notFound("Model Bundle nope  was not found."));
    expect(() => service.latest(other, "b")).toThrowError(notFound("Model Bundle b  was not found."));
  });

  it("list without order_by keeps insertion order, and filters by exact name", () => {
    repo.insert(bundleRecord({ id: "bun_late", name: "x", createdAt: 5000 }));
    repo.insert(bundleRecord({ id: "bun_early", name: "y", createdAt: 1000 }));
    expect(service.list(me, null, null).map((b) => b.id)).toEqual(["bun_late", "bun_early"]);
    expect(service.list(me, null, "oldest").map((b) => b.id)).toEqual(["bun_early", "bun_late"]);
    expect(service.list(me, "y", null).map((b) => b.id)).toEqual(["bun_early"]);
  });

  it("clone keeps name, flavor and owner, records the caller as creator and the origin in metadata", () => {
    const original = service.createV2(me, { name: "b", metadata: { k: "v" }, schema_location: "s3://s", flavor: cloudpickleFlavor({ app_config: { a: 1 } }) });
    const clone = service.clone(me, original.id, { a: 2 });
    expect(clone).toMatchObject({
      name: "b",
      owner: "me",
      createdBy: "me",
      schemaLocation: "s3://s",
      modelArtifactIds: original.modelArtifactIds,
      metadata: { k: "v", __cloned_from_bundle_id: original.id },
    });
    // Only the legacy app_config changes (§2.1).
    expect(bundleV1View(clone).app_config).toEqual({ a: 2 });
    expect(bundleV2View(clone).flavor).toMatchObject({ app_config: { a: 1 } });
    expect(service.latest(me, "b").id).toBe(clone.id);
  });

  it("an empty or absent new_app_config keeps the original (Python `or`)", () => {
    const original = createV2(me, "b", cloudpickleFlavor({ app_config: { a: 1 } }));
    expect(bundleV1View(service.clone(me, original.id, {})).app_config).toEqual({ a: 1 });
    expect(bundleV1View(service.clone(me, original.id, null)).app_config).toEqual({ a: 1 });
  });

  it("cloning another team's bundle is a 404", () => {
    const original = createV2(other);
    expect(() => service.clone(me, original.id, null)).toThrowError(notFound(`Model Bundle ${original.id}  was not found.`));
  });
});
