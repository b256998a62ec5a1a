/**
 * The port the multipart uploads (multipart-service.ts) keep their uploads and parts behind.
 * Implemented by `src/blobs/multipart-files.ts` (a folder per upload beside the buckets); no
 * owner checks here.
 */

/** One multipart upload in progress: where it will land and whose it is. */
export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  owner: string;
  /** Epoch milliseconds. */
  initiatedAt: number;
  /** From the create's `x-amz-acl`; null: the object's flag is kept. */
  isPublic: boolean | null;
}

export interface StoredPart {
  partNumber: number;
  size: number;
  /** Hex MD5 of the part's bytes (its ETag). */
  md5: string;
  modifiedAt: number;
}

export interface MultipartFiles {
  create(record: UploadRecord): Promise<void>;
  get(uploadId: string): Promise<UploadRecord | null>;
  /** Every upload in progress, in key order, then initiation. */
  list(): Promise<UploadRecord[]>;
  /** Stores (or replaces) one part. */
  putPart(uploadId: string, partNumber: number, data: Uint8Array): Promise<StoredPart>;
  /** The stored parts in part-number order. */
  parts(uploadId: string): Promise<StoredPart[]>;
  /** Writes the parts, in the order given, as the object at bucket/key (whole or not at all). */
  assemble(uploadId: string, partNumbers: readonly number[], bucket: string, key: string): Promise<void>;
  /** Forgets the upload and its parts. */
  discard(uploadId: string): Promise<void>;
}
