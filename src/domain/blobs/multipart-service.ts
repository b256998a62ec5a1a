/**
 * S3 multipart uploads over the blob store (CreateMultipartUpload, UploadPart, ListParts,
 * CompleteMultipartUpload, AbortMultipartUpload, ListMultipartUploads), with the owner rules of
 * every other write (blob-access.ts): an upload may only target a key its creator may write, it is
 * its creator's alone (another caller's upload id answers NoSuchUpload, as an unknown one), and the
 * completed object becomes theirs. Parts other than the last must be at least 5 MiB, as in S3.
 */
import type { Clock } from "../clock.js";
import { type BlobAccess, type BlobActor, ownerActor } from "./blob-access.js";
import type { MultipartFiles, StoredPart, UploadRecord } from "./multipart-files.js";
import { ObjectError, noSuchUpload } from "./object-errors.js";
import type { ObjectService } from "./object-service.js";

export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_NUMBER = 10_000;

export interface MultipartDeps {
  access: BlobAccess;
  objects: ObjectService;
  files: MultipartFiles;
  clock: Clock;
  /** A fresh upload id (32 hex digits). */
  newUploadId(): string;
}

/** One part as CompleteMultipartUpload lists it. */
export interface CompletedPart {
  partNumber: number;
  /** The part's ETag as the client sent it (quoted or not). */
  etag: string;
}

const locationOf = (bucket: string, key: string): string => `s3://${bucket}/${key}`;
const invalidPart = (partNumber: number): ObjectError =>
  new ObjectError(
    "InvalidPart",
    `One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag. (part ${partNumber})`,
  );

export class MultipartService {
  constructor(private readonly deps: MultipartDeps) {}

  async create(actor: BlobActor, bucket: string, key: string, isPublic: boolean | null): Promise<UploadRecord> {
    await this.deps.objects.assertWritable(actor, bucket, key);
    const record: UploadRecord = { uploadId: this.deps.newUploadId(), bucket, key, owner: actor.owner, initiatedAt: this.deps.clock.now(), isPublic };
    await this.deps.files.create(record);
    return record;
  }

  /** The upload, when it exists, targets this key, and is the caller's. */
  async upload(actor: BlobActor, bucket: string, key: string, uploadId: string): Promise<UploadRecord> {
    const record = await this.deps.files.get(uploadId);
    if (record === null || record.bucket !== bucket || record.key !== key || (record.owner !== actor.owner && !actor.isAdmin)) throw noSuchUpload(uploadId);
    return record;
  }

  async putPart(actor: BlobActor, bucket: string, key: string, uploadId: string, partNumber: number, data: Uint8Array): Promise<StoredPart> {
    await this.upload(actor, bucket, key, uploadId);
    return this.deps.files.putPart(uploadId, partNumber, data);
  }

  async parts(actor: BlobActor, bucket: string, key: string, uploadId: string): Promise<{ upload: UploadRecord; parts: StoredPart[] }> {
    const upload = await this.upload(actor, bucket, key, uploadId);
    return { upload, parts: await this.deps.files.parts(uploadId) };
  }

  /** Checks the list as S3 does, writes the object, and forgets the upload. Returns the object's MD5. */
  async complete(actor: BlobActor, bucket: string, key: string, uploadId: string, listed: readonly CompletedPart[]): Promise<string> {
    const upload = await this.upload(actor, bucket, key, uploadId);
    if (listed.length === 0) throw new ObjectError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
    const stored = new Map((await this.deps.files.parts(uploadId)).map((part) => [part.partNumber, part]));
    if (listed.some((part, index) => index > 0 && part.partNumber <= (listed[index - 1]?.partNumber ?? 0))) {
      throw new ObjectError("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
    }
    listed.forEach((part, index) => {
      const found = stored.get(part.partNumber);
      if (found === undefined || found.md5 !== part.etag.replace(/"/g, "").trim()) throw invalidPart(part.partNumber);
      if (index < listed.length - 1 && found.size < MIN_PART_BYTES) {
        throw new ObjectError("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.");
      }
    });
    // The key may have become another owner's since the upload began.
    await this.deps.objects.assertWritable(actor, bucket, key);
    await this.deps.files.assemble(
      uploadId,
      listed.map((part) => part.partNumber),
      bucket,
      key,
    );
    const location = locationOf(bucket, key);
    this.deps.access.recordWrite(ownerActor(upload.owner), location, upload.isPublic ?? this.deps.access.isPublic(location));
    await this.deps.files.discard(uploadId);
    return this.deps.objects.md5(bucket, key);
  }

  async abort(actor: BlobActor, bucket: string, key: string, uploadId: string): Promise<void> {
    await this.upload(actor, bucket, key, uploadId);
    await this.deps.files.discard(uploadId);
  }

  /** The caller's uploads in progress in a bucket (an admin sees every owner's). */
  async list(actor: BlobActor, bucket: string, prefix: string): Promise<UploadRecord[]> {
    await this.deps.objects.assertBucket(bucket);
    return (await this.deps.files.list()).filter(
      (record) => record.bucket === bucket && record.key.startsWith(prefix) && (record.owner === actor.owner || actor.isAdmin),
    );
  }
}
