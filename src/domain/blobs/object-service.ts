/**
 * The S3-compatible door's operations (http/routes/s3/) over the blob store, with the owner rules
 * of every other blob route (blob-access.ts): another owner's object reads as a missing one
 * (NoSuchKey, and absent from listings), and writing or deleting it is AccessDenied. Buckets are
 * the store's folders and belong to nobody: any caller may create one and list it, and sees in it
 * only the objects they may read.
 */
import type { BlobActor, BlobAccess } from "./blob-access.js";
import type { ObjectFiles, StoredObject } from "./object-files.js";
import { type ListPage, type ListQuery, listPage } from "./object-listing.js";
import { ObjectError, accessDenied, noSuchBucket, noSuchKey } from "./object-errors.js";

export interface ObjectServiceDeps {
  access: BlobAccess;
  files: ObjectFiles;
}

/** What a HEAD or GET answers about an object. */
export interface ObjectInfo {
  size: number;
  modifiedAt: number;
  /** Hex MD5 of the bytes (the ETag, unquoted). */
  md5: string;
  /** The file to stream the bytes from. */
  path: string;
}

/** `error`: why the key was not deleted (the door answers it as S3 does), or null. */
export interface DeleteOutcome {
  key: string;
  error: unknown;
}

const locationOf = (bucket: string, key: string): string => `s3://${bucket}/${key}`;

export class ObjectService {
  constructor(private readonly deps: ObjectServiceDeps) {}

  /** The store's own bucket exists from the start, as every s3:// location it hands out names it. */
  async buckets(): Promise<{ name: string; createdAt: number }[]> {
    await this.deps.files.createBucket(this.deps.access.store.bucket);
    return this.deps.files.buckets();
  }

  async assertBucket(bucket: string): Promise<void> {
    if (bucket === this.deps.access.store.bucket) return;
    if (!(await this.deps.files.hasBucket(bucket))) throw noSuchBucket(bucket);
  }

  async createBucket(bucket: string): Promise<void> {
    await this.deps.files.createBucket(bucket);
  }

  async head(actor: BlobActor, bucket: string, key: string): Promise<ObjectInfo> {
    await this.assertBucket(bucket);
    const found = await this.deps.files.stat(bucket, key);
    if (found === null || !this.deps.access.mayRead(actor, locationOf(bucket, key))) throw noSuchKey(bucket, key);
    return { ...found, md5: await this.deps.files.md5(bucket, key), path: this.deps.files.filePath(bucket, key) };
  }

  md5(bucket: string, key: string): Promise<string> {
    return this.deps.files.md5(bucket, key);
  }

  /** Deletes the bucket's folder; only an empty bucket may go, as in S3. */
  async removeBucket(bucket: string): Promise<void> {
    await this.assertBucket(bucket);
    if ((await this.deps.files.list(bucket, "")).length > 0) {
      throw new ObjectError("BucketNotEmpty", "The bucket you tried to delete is not empty", { bucket });
    }
    await this.deps.files.removeBucket(bucket);
  }

  /** Fails before the body is read when the caller may not write there. */
  async assertWritable(actor: BlobActor, bucket: string, key: string): Promise<void> {
    await this.assertBucket(bucket);
    const location = locationOf(bucket, key);
    this.deps.access.store.assertValidLocation(location);
    if (!this.deps.access.mayWrite(actor, location)) throw accessDenied({ bucket, key });
  }

  /** `isPublic` null keeps what the object was (a replaced public fixture stays public). */
  async put(actor: BlobActor, bucket: string, key: string, data: Uint8Array, isPublic: boolean | null): Promise<string> {
    await this.assertWritable(actor, bucket, key);
    const location = locationOf(bucket, key);
    await this.deps.access.write(actor, location, data, isPublic ?? this.deps.access.isPublic(location));
    return this.deps.files.md5(bucket, key);
  }

  /** S3 answers a delete of a missing key as done; another owner's object is refused. */
  async remove(actor: BlobActor, bucket: string, key: string): Promise<void> {
    await this.assertWritable(actor, bucket, key);
    await this.deps.files.remove(bucket, key);
    this.deps.access.forget(locationOf(bucket, key));
  }

  async removeMany(actor: BlobActor, bucket: string, keys: readonly string[]): Promise<DeleteOutcome[]> {
    await this.assertBucket(bucket);
    const outcomes: DeleteOutcome[] = [];
    for (const key of keys) {
      try {
        await this.remove(actor, bucket, key);
        outcomes.push({ key, error: null });
      } catch (error) {
        outcomes.push({ key, error });
      }
    }
    return outcomes;
  }

  async copy(actor: BlobActor, from: { bucket: string; key: string }, to: { bucket: string; key: string }, isPublic: boolean | null): Promise<ObjectInfo> {
    await this.head(actor, from.bucket, from.key);
    await this.assertWritable(actor, to.bucket, to.key);
    const data = await this.deps.access.read(actor, locationOf(from.bucket, from.key));
    await this.put(actor, to.bucket, to.key, data, isPublic);
    return this.head(actor, to.bucket, to.key);
  }

  async list(actor: BlobActor, bucket: string, query: ListQuery): Promise<ListPage> {
    await this.assertBucket(bucket);
    const visible: StoredObject[] = (await this.deps.files.list(bucket, query.prefix)).filter((object) =>
      this.deps.access.mayRead(actor, locationOf(bucket, object.key)),
    );
    return listPage(visible, query);
  }
}
