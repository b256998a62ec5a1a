import type { BundleRecord } from "../domain/bundle.js";
import type { BundleRepository, OrderBy } from "../domain/ports.js";
import { type Db, parseStored } from "./database.js";

interface BundleRow {
  id: string;
  owner: string;
  name: string;
  created_at: number;
  data: string;
}

/** The part of a record that lives in the `data` JSON column; the rest are the filtered columns. */
type BundleData = Omit<BundleRecord, "id" | "owner" | "name" | "createdAt">;

function toRow(bundle: BundleRecord): BundleRow {
  const { id, owner, name, createdAt, ...data } = bundle;
  return { id, owner, name, created_at: createdAt, data: JSON.stringify(data satisfies BundleData) };
}

function fromRow(row: BundleRow): BundleRecord {
  return { id: row.id, owner: row.owner, name: row.name, createdAt: row.created_at, ...parseStored<BundleData>(row.data) };
}

const COLUMNS = "id, owner, name, created_at, data";
const OWNED = "owner = @owner AND (@name IS NULL OR name = @name)";

/**
 * Bundles in SQLite (migration 1). `seq` is the insertion order: the list order without `order_by`
 * (§2.1), and the tie-break when two versions share a created_at (the later insert is newer).
 */
export function createBundleRepository(db: Db): BundleRepository {
  const insert = db.prepare(`INSERT INTO bundles (${COLUMNS}) VALUES (@id, @owner, @name, @created_at, @data)`);
  const byId = db.prepare(`SELECT ${COLUMNS} FROM bundles WHERE id = ?`);
  const lists: Record<OrderBy | "insertion", ReturnType<Db["prepare"]>> = {
    insertion: db.prepare(`SELECT ${COLUMNS} FROM bundles WHERE ${OWNED} ORDER BY seq`),
    newest: db.prepare(`SELECT ${COLUMNS} FROM bundles WHERE ${OWNED} ORDER BY created_at DESC, seq DESC`),
    oldest: db.prepare(`SELECT ${COLUMNS} FROM bundles WHERE ${OWNED} ORDER BY created_at ASC, seq ASC`),
  };
  const latest = db.prepare(
    `SELECT ${COLUMNS} FROM bundles WHERE owner = ? AND name = ? ORDER BY created_at DESC, seq DESC LIMIT 1`,
  );
  return {
    insert(bundle) {
      insert.run(toRow(bundle));
    },
    get(id) {
      const row = byId.get(id) as BundleRow | undefined;
      return row ? fromRow(row) : null;
    },
    list(owner, name, orderBy) {
      return (lists[orderBy ?? "insertion"].all({ owner, name }) as BundleRow[]).map(fromRow);
    },
    latest(owner, name) {
      const row = latest.get(owner, name) as BundleRow | undefined;
      return row ? fromRow(row) : null;
    },
  };
}
