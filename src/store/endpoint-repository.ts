import type { EndpointRecord } from "../domain/endpoint.js";
import type { EndpointRepository, OrderBy } from "../domain/ports.js";
import { type Db, parseStored } from "./database.js";

interface EndpointRow {
  data: string;
}

interface ListParams {
  owner: string;
  name: string | null;
}

/** The store's endpoint repository: the domain port, plus dropping what it keeps of rows read. */
export interface CachedEndpointRepository extends EndpointRepository {
  /** Forgets every row read; for writers that go around the repository (state-reset.ts). */
  forgetCached(): void;
}

/**
 * Model endpoints, one JSON document per row plus the columns queries filter on (owner, name).
 * Statements are prepared once (STYLE.md §10). Without `order_by` a list comes back in insertion
 * order, as the real server's DB query does (§2.2).
 */
export function createEndpointRepository(db: Db): CachedEndpointRepository {
  const insert = db.prepare<[string, string, string, number, string]>("INSERT INTO endpoints (id, owner, name, created_at, data) VALUES (?, ?, ?, ?, ?)");
  const update = db.prepare<[string, string, string, string]>("UPDATE endpoints SET owner = ?, name = ?, data = ? WHERE id = ?");
  const remove = db.prepare<[string]>("DELETE FROM endpoints WHERE id = ?");
  const byId = db.prepare<[string], EndpointRow>("SELECT data FROM endpoints WHERE id = ?");
  const byName = db.prepare<[string, string], EndpointRow>("SELECT data FROM endpoints WHERE owner = ? AND name = ?");
  const all = db.prepare<[], EndpointRow>("SELECT data FROM endpoints ORDER BY seq");
  const named = db.prepare<[string], EndpointRow>("SELECT data FROM endpoints WHERE name = ? ORDER BY seq");
  // `@name IS NULL` lets one statement serve both the filtered and the unfiltered list.
  const filter = "WHERE owner = @owner AND (@name IS NULL OR name = @name)";
  const listStatement = (order: string) => db.prepare<[ListParams], EndpointRow>(`SELECT data FROM endpoints ${filter} ORDER BY ${order}`);
  const lists: Record<OrderBy | "insertion", ReturnType<typeof listStatement>> = {
    insertion: listStatement("seq"),
    newest: listStatement("created_at DESC, seq DESC"),
    oldest: listStatement("created_at ASC, seq ASC"),
  };

  const toRecord = (row: EndpointRow): EndpointRecord => parseStored<EndpointRecord>(row.data);
  // Every predict looks its endpoint up by id, and a read statement costs SQLite a lock round trip
  // (fcntl) besides the parse: together a tenth of the gateway's CPU per sync task (issue 5). So a
  // record read is kept until this repository writes that row or `forgetCached` runs (a reset, the
  // one other writer of the table). It is kept only when read outside a transaction: a row read
  // inside one may yet be rolled back. The shared record is frozen, so no caller can change it.
  const cached = new Map<string, EndpointRecord>();

  return {
    insert(endpoint) {
      // Nothing to forget: only a row that exists is ever kept, and then this insert fails (UNIQUE).
      insert.run(endpoint.id, endpoint.owner, endpoint.name, endpoint.createdAt, JSON.stringify(endpoint));
    },
    update(endpoint) {
      cached.delete(endpoint.id);
      update.run(endpoint.owner, endpoint.name, JSON.stringify(endpoint), endpoint.id);
    },
    delete(id) {
      cached.delete(id);
      remove.run(id);
    },
    get(id) {
      const hit = cached.get(id);
      if (hit !== undefined) return hit;
      const row = byId.get(id);
      if (!row) return null;
      const record = deepFreeze(toRecord(row));
      if (!db.inTransaction) cached.set(id, record);
      return record;
    },
    findByName(owner, name) {
      const row = byName.get(owner, name);
      return row ? toRecord(row) : null;
    },
    list(owner, name, orderBy) {
      return lists[orderBy ?? "insertion"].all({ owner, name }).map(toRecord);
    },
    all() {
      return all.all().map(toRecord);
    },
    named(name) {
      return named.all(name).map(toRecord);
    },
    forgetCached() {
      cached.clear();
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
