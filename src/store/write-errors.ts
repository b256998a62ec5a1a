/**
 * SQLite's failures to write, in the domain's words (domain/store-failure.ts): the code decides the
 * kind (better-sqlite3's SqliteError carries SQLite's extended code, e.g. SQLITE_IOERR_WRITE).
 */
import { type StoreFailureKind, StoreWriteError, isStoreWriteError } from "../domain/store-failure.js";

function kindOf(code: string): StoreFailureKind | null {
  if (code === "SQLITE_FULL") return "disk-full";
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") return "not-writable";
  if (code.startsWith("SQLITE_IOERR")) return "io";
  return null;
}

const codeOf = (error: unknown): string | null =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : null;

/** The StoreWriteError for a failed write, or the error itself when it is not one of the store's. */
export function asWriteError(error: unknown): unknown {
  if (isStoreWriteError(error)) return error;
  const code = codeOf(error);
  const kind = code === null ? null : kindOf(code);
  if (code === null || kind === null) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreWriteError(kind, `${code}: ${message}`);
}

/** Runs a write statement, its failure in the domain's words. */
export function writing<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw asWriteError(error);
  }
}
