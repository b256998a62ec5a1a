/**
 * The port the S3-compatible door needs from the local object store beyond `BlobStore`'s reads and
 * writes: buckets, a listing, a stat, a delete. Implemented by `src/blobs/object-files.ts`; no
 * owner checks here (object-service.ts applies blob-access.ts's rules).
 */

/** One stored object of a bucket, as a listing shows it. */
export interface StoredObject {
  key: string;
  size: number;
  /** Epoch milliseconds of the last write. */
  modifiedAt: number;
}

export interface ObjectFiles {
  /** Every bucket folder, in name order, with the folder's creation time. */
  buckets(): Promise<{ name: string; createdAt: number }[]>;
  hasBucket(bucket: string): Promise<boolean>;
  createBucket(bucket: string): Promise<void>;
  /** Removes an empty bucket's folder (and the empty folders in it). */
  removeBucket(bucket: string): Promise<void>;
  /** null when no object is stored at the key. */
  stat(bucket: string, key: string): Promise<{ size: number; modifiedAt: number } | null>;
  /** The hex MD5 of the object's bytes (S3's ETag of a single PUT); cached while the file is unchanged. */
  md5(bucket: string, key: string): Promise<string>;
  /** The objects whose keys start with `prefix`, in S3's order (UTF-8 bytes). */
  list(bucket: string, prefix: string): Promise<StoredObject[]>;
  /** Removes the object (and the folders it leaves empty); false when there was none. */
  remove(bucket: string, key: string): Promise<boolean>;
  /** The file holding the object (to stream a GET from). */
  filePath(bucket: string, key: string): string;
}
