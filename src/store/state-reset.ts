import type { Db } from "./database.js";

/** Never emptied: the signing secret (signed URLs stay valid) and the migration record. */
const ALWAYS_KEPT = new Set(["settings", "schema_version"]);
/** Emptied except for the objects that kept rows name (their owners stay with them). */
const BLOB_OWNERS = "blob_owners";
const S3_LOCATION = /s3:\/\/[^\s"'\\]+/g;

const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * The store half of a reset (README "Control API"): every row of every table goes, except settings,
 * the schema version and, with `keepBundles`, the bundle tables (any table named `…bundles`). Generic
 * over tables, so the tables that later migrations add are emptied without a list to keep in step.
 * Returns the `s3://` locations that kept rows name, so their blobs can be kept too.
 */
export function wipeState(db: Db, keepBundles: boolean): string[] {
  const rows: unknown[] = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
  const tables = rows.flatMap((row) => (typeof row === "object" && row !== null && "name" in row && typeof row.name === "string" ? [row.name] : []));
  const isKept = (table: string): boolean => ALWAYS_KEPT.has(table) || (keepBundles && table.endsWith("bundles"));
  const locations = new Set<string>();
  db.transaction(() => {
    // Rows of different tables may reference each other; the checks run once everything is gone.
    db.pragma("defer_foreign_keys = ON");
    for (const table of tables) if (!isKept(table) && table !== BLOB_OWNERS) db.exec(`DELETE FROM ${quoted(table)}`);
    for (const table of tables) {
      if (ALWAYS_KEPT.has(table) || !isKept(table)) continue;
      for (const row of db.prepare(`SELECT * FROM ${quoted(table)}`).all()) {
        for (const match of JSON.stringify(row).matchAll(S3_LOCATION)) locations.add(match[0]);
      }
    }
    if (!tables.includes(BLOB_OWNERS)) return;
    db.exec("CREATE TEMP TABLE IF NOT EXISTS kept_locations (location TEXT PRIMARY KEY)");
    db.exec("DELETE FROM kept_locations");
    const keep = db.prepare("INSERT OR IGNORE INTO kept_locations (location) VALUES (?)");
    for (const location of locations) keep.run(location);
    db.exec(`DELETE FROM ${BLOB_OWNERS} WHERE location NOT IN (SELECT location FROM kept_locations)`);
  })();
  return [...locations];
}
