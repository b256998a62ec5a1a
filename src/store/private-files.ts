/**
 * The data dir holds the signing secret (in SQLite), every user's blobs and the job credentials:
 * it is the instance's alone. The folder is made 0700 and its own files 0600 whatever the umask,
 * and an existing data dir from an older version is narrowed the same way at start (README
 * "Trust model"). SQLite creates the `-wal` and `-shm` files with the database file's mode, so a
 * database created 0600 keeps them 0600; ones left by an older version are narrowed here too.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder (and its parents) 0700, or narrows an existing one to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Creates an empty file 0600 where none is, else narrows it to 0600 (before SQLite opens it). */
export function ensurePrivateFile(file: string): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}

/** A SQLite database file and the WAL and shared-memory files beside it, 0600. */
export function ensurePrivateDatabase(file: string): void {
  ensurePrivateFile(file);
  for (const companion of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) if (existsSync(companion)) chmodSync(companion, PRIVATE_FILE_MODE);
}
