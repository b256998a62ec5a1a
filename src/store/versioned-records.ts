import type { OrderBy } from "../domain/ports.js";
import { type Db, parseStored } from "./database.js";

/** What model bundles and docker-image batch job bundles have in common: owned, named, immutable versions. */
export interface VersionedRecord {
  id: string;
  owner: string;
  name: string;
  createdAt: number;
}

export interface VersionedRecords<T extends VersionedRecord> {
  insert(record: T): void;
  get(id: string): T | null;
  /** The owner's records, optionally with an exact name; insertion order unless `orderBy`. */
  list(owner: string, name: string | null, orderBy: OrderBy | null): T[];
  /** The newest version of a name: latest created_at, then the later insert. */
  latest(owner: string, name: string): T | null;
}

interface Row {
  id: string;
  owner: string;
  name: string;
  created_at: number;
  data: string;
}

const COLUMNS = "id, owner, name, created_at, data";
const OWNED = "owner = @owner AND (@name IS NULL OR name = @name)";

/**
 * A table of `(seq, id, owner, name, created_at, data)`: the filtered columns plus the rest of the
 * record as JSON. `seq` is the insertion order — the list order without `order_by` (the real
 * repositories' unordered query) and the tie-break when two versions share a created_at.
 * `table` is a constant of the calling repository, never user input.
 */
export function createVersionedRecords<T extends VersionedRecord>(db: Db, table: string): VersionedRecords<T> {
  type Data = Omit<T, keyof VersionedRecord>;
  const toRow = (record: T): Row => {
    const { id, owner, name, createdAt, ...data } = record;
    return { id, owner, name, created_at: createdAt, data: JSON.stringify(data) };
  };
  // Omit<T, K> & the K columns is T, but TypeScript cannot prove it for a generic T.
  const fromRow = (row: Row): T =>
    ({ id: row.id, owner: row.owner, name: row.name, createdAt: row.created_at, ...parseStored<Data>(row.data) }) as unknown as T;

  const insert = db.prepare<[Row]>(`INSERT INTO ${table} (${COLUMNS}) VALUES (@id, @owner, @name, @created_at, @data)`);
  const byId = db.prepare<[string], Row>(`SELECT ${COLUMNS} FROM ${table} WHERE id = ?`);
  const listOrdered = (order: string) =>
    db.prepare<[{ owner: string; name: string | null }], Row>(`SELECT ${COLUMNS} FROM ${table} WHERE ${OWNED} ORDER BY ${order}`);
  const lists: Record<OrderBy | "insertion", ReturnType<typeof listOrdered>> = {
    insertion: listOrdered("seq"),
    newest: listOrdered("created_at DESC, seq DESC"),
    oldest: listOrdered("created_at ASC, seq ASC"),
  };
  const latest = db.prepare<[string, string], Row>(`SELECT ${COLUMNS} FROM ${table} WHERE owner = ? AND name = ? ORDER BY created_at DESC, seq DESC LIMIT 1`);
  return {
    insert: (record) => void insert.run(toRow(record)),
    get: (id) => {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    list: (owner, name, orderBy) => lists[orderBy ?? "insertion"].all({ owner, name }).map(fromRow),
    latest: (owner, name) => {
      const row = latest.get(owner, name);
      return row ? fromRow(row) : null;
    },
  };
}
