/**
 * One instance per data dir. A second launch-local on the same folder used to start silently and
 * redeploy the first one's endpoints. The lock is an exclusive SQLite transaction on
 * `launch-local.lock`, held for the instance's life: SQLite's file locks belong to the process, so
 * the kernel drops them when it dies, and a SIGKILLed instance's lock is simply taken over by the
 * next start (no stale-file guessing). `launch-local.pid` names the holder for the message.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { PRIVATE_FILE_MODE, ensurePrivateDatabase, ensurePrivateDir } from "./private-files.js";

export type DataDirLock =
  | { isHeld: true; release(): void; /** The pid a previous (dead) holder left, when it left one. */ previousPid: number | null }
  | { isHeld: false; holderPid: number | null };

const readPid = (file: string): number | null => {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
};

const isBusy = (error: unknown): boolean => error instanceof Error && "code" in error && (error.code === "SQLITE_BUSY" || error.code === "SQLITE_LOCKED");

export function lockDataDir(dataDir: string): DataDirLock {
  // The data dir is private (private-files.ts); this is the first thing a start does to it.
  ensurePrivateDir(dataDir);
  const pidFile = join(dataDir, "launch-local.pid");
  const lockFile = join(dataDir, "launch-local.lock");
  ensurePrivateDatabase(lockFile);
  const db = new Database(lockFile, { timeout: 0 });
  try {
    db.exec("BEGIN EXCLUSIVE");
  } catch (error) {
    db.close();
    if (isBusy(error)) return { isHeld: false, holderPid: readPid(pidFile) };
    throw error;
  }
  const previousPid = readPid(pidFile);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: PRIVATE_FILE_MODE });
  let isReleased = false;
  return {
    isHeld: true,
    previousPid: previousPid === process.pid ? null : previousPid,
    release() {
      if (isReleased) return;
      isReleased = true;
      if (readPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
      db.close(); // rolls the transaction back, which releases the lock
    },
  };
}
