import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../../../src/blobs/local-blob-store.js";
import { createMultipartFiles } from "../../../src/blobs/multipart-files.js";
import { createObjectFiles } from "../../../src/blobs/object-files.js";
import { BlobAccess, ownerActor } from "../../../src/domain/blobs/blob-access.js";
import { MIN_PART_BYTES, MultipartService } from "../../../src/domain/blobs/multipart-service.js";
import { ObjectError } from "../../../src/domain/blobs/object-errors.js";
import { ObjectService } from "../../../src/domain/blobs/object-service.js";
import { systemClock } from "../../../src/domain/clock.js";
import type { BlobOwner, BlobOwnerRepository } from "../../../src/domain/ports.js";

function memoryOwners(): BlobOwnerRepository {
  const rows = new Map<string, BlobOwner>();
  return {
    get: (location) => rows.get(location) ?? null,
    set: (location, owner) => void rows.set(location, owner),
    claim: (location, owner) => void (rows.has(location) || rows.set(location, { owner, isPublic: false })),
    delete: (locations) => locations.forEach((location) => rows.delete(location)),
  };
}

let root: string;
let multipart: MultipartService;
let objects: ObjectService;
let uploads = 0;
const alice = ownerActor("alice");
const bob = ownerActor("bob");

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "launch-local-multipart-"));
  const inputs = { allowedDirs: [], allowUrls: false };
  const store = createLocalBlobStore({ root, bucket: "b", signingSecret: "s", ttlSeconds: 60, clock: systemClock, inputs });
  const access = new BlobAccess({ store, owners: memoryOwners(), inputs, clock: systemClock });
  objects = new ObjectService({ access, files: createObjectFiles(root) });
  multipart = new MultipartService({
    access,
    objects,
    files: createMultipartFiles(root),
    clock: systemClock,
    newUploadId: () => String(++uploads).padStart(32, "0"),
  });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const codeOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => "none",
    (error: unknown) => (error instanceof ObjectError ? error.code : String(error)),
  );

describe("multipart uploads", () => {
  it("assembles the listed parts in order into an object of the creator's, and forgets the upload", async () => {
    const upload = await multipart.create(alice, "b", "k/obj", null);
    const big = new Uint8Array(MIN_PART_BYTES).fill(7);
    const first = await multipart.putPart(alice, "b", "k/obj", upload.uploadId, 1, big);
    // A part sent again replaces the earlier bytes.
    await multipart.putPart(alice, "b", "k/obj", upload.uploadId, 2, Buffer.from("old"));
    const last = await multipart.putPart(alice, "b", "k/obj", upload.uploadId, 2, Buffer.from("end"));
    expect((await multipart.parts(alice, "b", "k/obj", upload.uploadId)).parts.map((part) => part.size)).toEqual([MIN_PART_BYTES, 3]);
    await multipart.complete(alice, "b", "k/obj", upload.uploadId, [
      { partNumber: 1, etag: `"${first.md5}"` },
      { partNumber: 2, etag: last.md5 },
    ]);
    const info = await objects.head(alice, "b", "k/obj");
    expect(info.size).toBe(MIN_PART_BYTES + 3);
    expect(await codeOf(objects.head(bob, "b", "k/obj"))).toBe("NoSuchKey");
    expect(await codeOf(multipart.parts(alice, "b", "k/obj", upload.uploadId))).toBe("NoSuchUpload");
    // Nothing of the upload shows in the bucket's listing.
    expect((await objects.list(alice, "b", { prefix: "", delimiter: "", maxKeys: 1000, after: "" })).contents.map((object) => object.key)).toEqual(["k/obj"]);
  });

  it("keeps an upload to its creator and to its key, and refuses unknown ids", async () => {
    const upload = await multipart.create(alice, "b", "k", null);
    expect(await codeOf(multipart.putPart(bob, "b", "k", upload.uploadId, 1, Buffer.from("x")))).toBe("NoSuchUpload");
    expect(await codeOf(multipart.putPart(alice, "b", "other", upload.uploadId, 1, Buffer.from("x")))).toBe("NoSuchUpload");
    expect(await codeOf(multipart.abort(alice, "b", "k", "../../etc"))).toBe("NoSuchUpload");
    expect(await multipart.list(bob, "b", "")).toEqual([]);
    await multipart.abort(alice, "b", "k", upload.uploadId);
    expect(await multipart.list(alice, "b", "")).toEqual([]);
  });
});
