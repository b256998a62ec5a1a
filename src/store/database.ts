import Database from "better-sqlite3";
import { dirname } from "node:path";
import { MIGRATIONS } from "./migrations.js";
import { ensurePrivateDatabase, ensurePrivateDir } from "./private-files.js";

export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations.
 * WAL + synchronous=NORMAL: a committed transaction survives a crash of this process (SIGKILL),
 * which is the durability promise for accepted async tasks. The file and its WAL are 0600 in a
 * 0700 folder: they hold the signing secret (private-files.ts).
 */
export function openDatabase(file: string): Db {
  if (file !== ":memory:") {
    ensurePrivateDir(dirname(file));
    ensurePrivateDatabase(file);
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as { version: number | null };
  const current = row.version ?? 0;
  const apply = db.transaction((version: number, sql: string) => {
    db.exec(sql);
    db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
  });
  for (const migration of MIGRATIONS) {
    if (migration.version > current) apply(migration.version, migration.sql);
  }
}

/** Reads a JSON column that this program wrote. */
export function parseStored<T>(text: string): T {
  return JSON.parse(text) as T;
}
