import { readdir, rm, rmdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { blobFilePath, parseS3Location } from "./blob-keys.js";

/**
 * The blob half of a reset: removes every object under `root` except those at `keep` (`s3://`
 * locations that kept bundles name), and the folders left empty. Without anything to keep, the whole
 * folder goes.
 */
export async function pruneBlobs(folder: string, keep: readonly string[]): Promise<void> {
  const root = resolve(folder);
  const kept = new Set<string>();
  for (const location of keep) {
    try {
      const { bucket, key } = parseS3Location(location);
      kept.add(blobFilePath(root, bucket, key));
    } catch {
      // A location that could never have been stored names no file to keep.
    }
  }
  if (kept.size === 0) {
    await rm(root, { recursive: true, force: true });
    return;
  }
  await pruneFolder(root, kept, true);
}

/** Returns whether the folder is now empty (and removed, unless it is the root). */
async function pruneFolder(folder: string, kept: ReadonlySet<string>, isRoot: boolean): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return false;
  }
  let remaining = 0;
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!(await pruneFolder(path, kept, false))) remaining++;
    } else if (kept.has(path)) {
      remaining++;
    } else {
      await rm(path, { force: true });
    }
  }
  if (remaining > 0 || isRoot) return remaining === 0;
  await rmdir(folder).catch(() => undefined);
  return true;
}
