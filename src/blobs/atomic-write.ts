import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes through a temporary file in the same folder, then renames it into place: a reader (a
 * worker loading a bundle) sees the old object or the whole new one, never a partial write.
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const folder = dirname(path);
  // Blobs are private to this instance (README "Trust model"), whatever the umask.
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await writeFile(temporary, data, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
