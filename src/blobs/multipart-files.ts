/**
 * Multipart uploads in progress, as files: `<root>/.multipart/<upload id>/upload.json` (where the
 * object will land, whose it is) and one file per part, `<part number>-<md5>`, so parts uploaded at
 * once (s3transfer sends ten at a time) never write a shared file. The dot keeps the folder out of
 * the buckets (blob-keys.ts refuses bucket names starting with one); a reset removes it with the blobs.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import type { MultipartFiles, StoredPart, UploadRecord } from "../domain/blobs/multipart-files.js";
import { writeFileAtomic } from "./atomic-write.js";
import { blobFilePath } from "./blob-keys.js";

const MANIFEST = "upload.json";
const PART = /^(\d{5})-([0-9a-f]{32})$/;
const UPLOAD_ID = /^[0-9a-f]{32}$/;

const isMissing = (error: unknown): boolean => error instanceof Error && "code" in error && error.code === "ENOENT";

function parseRecord(text: string): UploadRecord | null {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null) return null;
  const record = value as Record<string, unknown>;
  const { uploadId, bucket, key, owner, initiatedAt, isPublic } = record;
  if (typeof uploadId !== "string" || typeof bucket !== "string" || typeof key !== "string" || typeof owner !== "string") return null;
  if (typeof initiatedAt !== "number" || (isPublic !== null && typeof isPublic !== "boolean")) return null;
  return { uploadId, bucket, key, owner, initiatedAt, isPublic };
}

export function createMultipartFiles(folder: string): MultipartFiles {
  const root = resolve(folder);
  const uploadsDir = join(root, ".multipart");
  // Upload ids are ours (hex); anything else names no upload and never reaches a path.
  const dirOf = (uploadId: string): string | null => (UPLOAD_ID.test(uploadId) ? join(uploadsDir, uploadId) : null);

  async function read(uploadId: string): Promise<UploadRecord | null> {
    const dir = dirOf(uploadId);
    if (dir === null) return null;
    try {
      return parseRecord(await readFile(join(dir, MANIFEST), "utf8"));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async function partFiles(uploadId: string): Promise<{ name: string; partNumber: number; md5: string }[]> {
    const dir = dirOf(uploadId);
    if (dir === null) return [];
    const names = await readdir(dir).catch((error: unknown) => (isMissing(error) ? [] : Promise.reject(error)));
    return names.flatMap((name) => {
      const match = PART.exec(name);
      return match?.[1] !== undefined && match[2] !== undefined ? [{ name, partNumber: Number(match[1]), md5: match[2] }] : [];
    });
  }

  return {
    async create(record) {
      const dir = dirOf(record.uploadId);
      if (dir === null) throw new Error(`Invalid upload id ${record.uploadId}`);
      await writeFileAtomic(join(dir, MANIFEST), Buffer.from(JSON.stringify(record)));
    },

    get: read,

    async list() {
      const ids = await readdir(uploadsDir).catch((error: unknown) => (isMissing(error) ? [] : Promise.reject(error)));
      const records = (await Promise.all(ids.map(read))).filter((record): record is UploadRecord => record !== null);
      return records.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || a.initiatedAt - b.initiatedAt);
    },

    async putPart(uploadId, partNumber, data) {
      const dir = dirOf(uploadId);
      if (dir === null) throw new Error(`Invalid upload id ${uploadId}`);
      const md5 = createHash("md5").update(data).digest("hex");
      const name = `${String(partNumber).padStart(5, "0")}-${md5}`;
      await writeFileAtomic(join(dir, name), data);
      // A part uploaded again replaces the earlier bytes, as in S3.
      for (const earlier of await partFiles(uploadId)) {
        if (earlier.partNumber === partNumber && earlier.name !== name) await rm(join(dir, earlier.name), { force: true });
      }
      const written = await stat(join(dir, name));
      return { partNumber, size: data.byteLength, md5, modifiedAt: Math.floor(written.mtimeMs) };
    },

    async parts(uploadId) {
      const dir = dirOf(uploadId);
      if (dir === null) return [];
      const found: StoredPart[] = [];
      for (const part of await partFiles(uploadId)) {
        const info = await stat(join(dir, part.name)).catch(() => null);
        if (info !== null) found.push({ partNumber: part.partNumber, size: info.size, md5: part.md5, modifiedAt: Math.floor(info.mtimeMs) });
      }
      return found.sort((a, b) => a.partNumber - b.partNumber);
    },

    async assemble(uploadId, partNumbers, bucket, key) {
      const dir = dirOf(uploadId);
      if (dir === null) throw new Error(`Invalid upload id ${uploadId}`);
      const files = new Map((await partFiles(uploadId)).map((part) => [part.partNumber, join(dir, part.name)]));
      const target = blobFilePath(root, bucket, key);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      // Written beside the object and renamed into place, as atomic-write.ts does for one buffer.
      const temporary = join(dirname(target), `.multipart.${randomBytes(6).toString("hex")}.tmp`);
      try {
        const out = createWriteStream(temporary, { mode: 0o600 });
        await pipeline(
          (async function* () {
            for (const partNumber of partNumbers) {
              const path = files.get(partNumber);
              if (path === undefined) throw new Error(`Part ${partNumber} of upload ${uploadId} is gone`);
              for await (const chunk of createReadStream(path)) yield chunk as Buffer;
            }
          })(),
          out,
        );
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },

    async discard(uploadId) {
      const dir = dirOf(uploadId);
      if (dir !== null) await rm(dir, { recursive: true, force: true });
    },
  };
}
