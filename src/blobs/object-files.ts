/**
 * Buckets, listings, stats and deletes over the local object store's folder (`<root>/<bucket>/<key>`,
 * local-blob-store.ts), for the S3-compatible door. A bucket is a folder of the root; names starting
 * with a dot (`.cache`, `.multipart`) are launch-local's own and never buckets. The temporary files
 * of writes in progress (atomic-write.ts) are never listed.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { ObjectFiles, StoredObject } from "../domain/blobs/object-files.js";
import { assertSafeBucket, blobFilePath } from "./blob-keys.js";

/** MD5s remembered (oldest forgotten first). */
const DIGESTS_KEPT = 10_000;
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;
const isMissing = (error: unknown): boolean => error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR");

const utf8Order = (a: StoredObject, b: StoredObject): number => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

export function createObjectFiles(folder: string): ObjectFiles {
  const root = resolve(folder);
  const digests = new Map<string, { size: number; mtimeMs: number; md5: string }>();

  async function fileStat(path: string): Promise<{ size: number; mtimeMs: number } | null> {
    try {
      const info = await stat(path);
      return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async function walk(bucketDir: string, dir: string, out: StoredObject[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(bucketDir, path, out);
      else if (entry.isFile() && !TEMPORARY.test(entry.name)) {
        const info = await fileStat(path);
        if (info !== null) out.push({ key: relative(bucketDir, path).split(sep).join("/"), size: info.size, modifiedAt: Math.floor(info.mtimeMs) });
      }
    }
  }

  return {
    async buckets() {
      const entries = await readdir(root, { withFileTypes: true }).catch((error: unknown) => (isMissing(error) ? [] : Promise.reject(error)));
      const names = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith(".")).map((entry) => entry.name);
      const found = await Promise.all(names.sort().map(async (name) => ({ name, createdAt: Math.floor((await stat(join(root, name))).birthtimeMs) })));
      return found;
    },

    async hasBucket(bucket) {
      assertSafeBucket(bucket);
      try {
        return (await stat(join(root, bucket))).isDirectory();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },

    async createBucket(bucket) {
      assertSafeBucket(bucket);
      // Blobs are private to this instance (README "Trust model"), as atomic-write.ts makes them.
      await mkdir(join(root, bucket), { recursive: true, mode: 0o700 });
    },

    async removeBucket(bucket) {
      assertSafeBucket(bucket);
      // Only folders are left in an empty bucket (objects are checked first, object-service.ts).
      await rm(join(root, bucket), { recursive: true, force: true });
    },

    async stat(bucket, key) {
      const info = await fileStat(blobFilePath(root, bucket, key));
      return info === null ? null : { size: info.size, modifiedAt: Math.floor(info.mtimeMs) };
    },

    async md5(bucket, key) {
      const path = blobFilePath(root, bucket, key);
      const info = await fileStat(path);
      const cached = digests.get(path);
      if (info !== null && cached !== undefined && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached.md5;
      const hash = createHash("md5");
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      const md5 = hash.digest("hex");
      if (info !== null) {
        if (digests.size >= DIGESTS_KEPT) digests.delete(digests.keys().next().value ?? "");
        digests.set(path, { size: info.size, mtimeMs: info.mtimeMs, md5 });
      }
      return md5;
    },

    async list(bucket, prefix) {
      assertSafeBucket(bucket);
      const bucketDir = join(root, bucket);
      // Only the folder the prefix's complete segments name can hold its keys.
      const folders = prefix.split("/").slice(0, -1);
      const start = folders.every((segment) => segment !== "" && segment !== "." && segment !== "..") ? join(bucketDir, ...folders) : bucketDir;
      const found: StoredObject[] = [];
      await walk(bucketDir, start, found);
      return found.filter((object) => object.key.startsWith(prefix)).sort(utf8Order);
    },

    async remove(bucket, key) {
      const path = blobFilePath(root, bucket, key);
      if ((await fileStat(path)) === null) return false;
      await rm(path, { force: true });
      digests.delete(path);
      // S3 has no folders: one left empty would stand in the way of an object at its key.
      const bucketDir = join(root, bucket);
      for (let dir = dirname(path); dir.startsWith(bucketDir + sep); dir = dirname(dir)) {
        try {
          await rmdir(dir);
        } catch {
          break;
        }
      }
      return true;
    },

    filePath: (bucket, key) => blobFilePath(root, bucket, key),
  };
}
