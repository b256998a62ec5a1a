/**
 * The composition root's blob part (ARCHITECTURE.md "Blobs"): the instance's `s3://` store as files
 * under the data dir, who owns each object, and the S3-compatible door's object and multipart
 * services, wired from what instance.ts built.
 */
import { join } from "node:path";
import { createLocalBlobStore } from "./blobs/local-blob-store.js";
import { createMultipartFiles } from "./blobs/multipart-files.js";
import { createObjectFiles } from "./blobs/object-files.js";
import type { ResolvedConfig } from "./config/options.js";
import { BlobAccess } from "./domain/blobs/blob-access.js";
import { MultipartService } from "./domain/blobs/multipart-service.js";
import { ObjectService } from "./domain/blobs/object-service.js";
import type { Clock } from "./domain/clock.js";
import type { IdGenerator } from "./domain/ids.js";
import type { BlobOwnerRepository, BlobStore } from "./domain/ports.js";
import { createBlobOwnerRepository } from "./store/blob-owner-repository.js";
import type { Db } from "./store/database.js";
import { persistentSigningSecret } from "./store/settings-repository.js";

export interface InstanceBlobs {
  /** Signs blob URLs, worker blob tokens and job credentials; kept in the database unless configured. */
  signingSecret: string;
  blobRoot: string;
  /** Where batch inputs, bundle locations and task URLs may point besides the store (README "Trust model"). */
  inputs: { allowedDirs: string[]; allowUrls: boolean };
  blobs: BlobStore;
  blobOwners: BlobOwnerRepository;
  /** The store with every read and write checked against the object's owner. */
  blobAccess: BlobAccess;
  objects: ObjectService;
  multipart: MultipartService;
}

export function createInstanceBlobs(context: { config: ResolvedConfig; db: Db; clock: Clock; ids: IdGenerator }): InstanceBlobs {
  const { config, db, clock, ids } = context;
  const signingSecret = config.signingSecret ?? persistentSigningSecret(db);
  const blobRoot = join(config.dataDir, "blobs");
  const inputs = { allowedDirs: config.allowInputDirs, allowUrls: config.allowInputUrls };
  const blobs = createLocalBlobStore({ root: blobRoot, bucket: config.bucket, signingSecret, ttlSeconds: config.signedUrlTtlSeconds, clock, inputs });
  const blobOwners = createBlobOwnerRepository(db);
  const blobAccess = new BlobAccess({ store: blobs, owners: blobOwners, inputs, clock });
  const objects = new ObjectService({ access: blobAccess, files: createObjectFiles(blobRoot) });
  const multipart = new MultipartService({
    access: blobAccess,
    objects,
    files: createMultipartFiles(blobRoot),
    clock,
    newUploadId: () => ids.uuid().replace(/-/g, ""),
  });
  return { signingSecret, blobRoot, inputs, blobs, blobOwners, blobAccess, objects, multipart };
}
