/**
 * A write the store could not make durable (the disk is full, the database file or its folder is not
 * writable, an I/O error). Thrown by the store's commit port and its write statements, so a caller
 * learns the cause in words: a submit answers the real server's 500 `{"detail": …}` naming it
 * (README "Error codes"), and the task lifecycle logs it once per episode while it writes again.
 */
import { LaunchError } from "./errors.js";

/** What went wrong, in the words an operator acts on. */
export type StoreFailureKind = "disk-full" | "not-writable" | "io";

const WHAT: Record<StoreFailureKind, string> = {
  "disk-full": "the disk holding the data dir is full",
  "not-writable": "the database is not writable",
  io: "the disk holding the data dir failed a write",
};

export class StoreWriteError extends LaunchError {
  readonly kind: StoreFailureKind;
  /** The store's own code and message, e.g. `SQLITE_FULL: database or disk is full`. */
  readonly storeCause: string;

  constructor(kind: StoreFailureKind, storeCause: string) {
    super("STORE_WRITE_FAILED", `launch-local could not write its database: ${WHAT[kind]} (${storeCause}).`);
    this.name = "StoreWriteError";
    this.kind = kind;
    this.storeCause = storeCause;
  }
}

export const isStoreWriteError = (value: unknown): value is StoreWriteError => value instanceof StoreWriteError;
