/**
 * A weights folder of this machine (an `--llm-models-dir` model, the HF cache, fine-tuned weights),
 * made reachable by a Ray node without a shared filesystem: its files are copied once into the blob
 * store, under a key made of the folder's real path and each file's path, size and mtime (so a
 * changed model is a new copy), and the node downloads each through a signed URL, as a bundle's
 * artifact travels. The copy is a reflink where the filesystem offers one.
 */
import { createHash, randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, mkdir, readdir, realpath, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { BlobStore } from "../../domain/ports.js";

const PREFIX = "launch-local/ray-models";
const READY = ".launch-local-ready";

export interface MirroredFile {
  /** The file's path inside the folder, with `/`. */
  relativePath: string;
  /** A signed GET URL the node can fetch it from. */
  url: string;
}

/** Every file under `dir` (symlinked files followed, as an HF snapshot links into its blobs). */
async function listFiles(dir: string): Promise<{ relativePath: string; path: string; size: number; mtimeMs: number }[]> {
  const names = (await readdir(dir, { recursive: true })).map(String).sort();
  const files = [];
  for (const name of names) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => null);
    if (info === null || !info.isFile()) continue;
    files.push({ relativePath: relative(dir, path).split("\\").join("/"), path, size: info.size, mtimeMs: info.mtimeMs });
  }
  return files;
}

export async function mirrorFolder(blobs: BlobStore, folder: string, gatewayUrl: string): Promise<MirroredFile[]> {
  const dir = await realpath(folder);
  const files = await listFiles(dir);
  const hash = createHash("sha256").update(dir);
  for (const file of files) hash.update(`\n${file.relativePath} ${file.size} ${file.mtimeMs}`);
  const key = `${PREFIX}/${hash.digest("hex").slice(0, 32)}`;
  const locationOf = (relativePath: string): string => `s3://${blobs.bucket}/${key}/${relativePath}`;
  // The layout is the port's (`<root>/<bucket>/<key>`); each location is checked as the store checks it.
  const pathOf = (relativePath: string): string => {
    blobs.assertValidLocation(locationOf(relativePath));
    return join(blobs.root, blobs.bucket, ...key.split("/"), ...relativePath.split("/"));
  };
  const marker = pathOf(READY);
  if ((await stat(marker).catch(() => null)) === null) {
    for (const file of files) {
      const target = pathOf(file.relativePath);
      await mkdir(dirname(target), { recursive: true });
      const staging = `${target}.tmp-${randomUUID()}`;
      await copyFile(file.path, staging, constants.COPYFILE_FICLONE);
      await rename(staging, target);
    }
    // Written last: a copy cut short is made again.
    await writeFile(marker, "");
  }
  return files.map((file) => ({ relativePath: file.relativePath, url: blobs.createSignedDownload(locationOf(file.relativePath), gatewayUrl) }));
}
