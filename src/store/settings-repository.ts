import { randomBytes } from "node:crypto";
import type { Db } from "./database.js";

/**
 * The `settings` table (migration 1): instance-wide values kept with the data. Today one: the
 * signing secret of blob URLs, random per data dir, so signed URLs survive a restart.
 */
export function persistentSigningSecret(db: Db): string {
  const row = db.prepare("SELECT value FROM settings WHERE key = 'signing_secret'").get() as { value: string } | undefined;
  if (row) return row.value;
  const secret = randomBytes(32).toString("hex");
  db.prepare("INSERT INTO settings (key, value) VALUES ('signing_secret', ?)").run(secret);
  return secret;
}
