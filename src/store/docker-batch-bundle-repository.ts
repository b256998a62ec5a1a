import type { DockerBatchBundleRecord } from "../domain/docker-batch/docker-batch-bundle.js";
import type { DockerBatchBundleRepository, OrderBy } from "../domain/ports.js";
import { type Db, parseStored } from "./database.js";

interface BundleRow {
  id: string;
  owner: string;
  name: string;
  created_at: number;
  data: string;
}

/** The part of a record kept in the `data` JSON column; the rest are the filtered columns. */
type BundleData = Omit<DockerBatchBundleRecord, "id" | "owner" | "name" | "createdAt">;

function toRow(bundle: DockerBatchBundleRecord): BundleRow {
  const { id, owner, name, createdAt, ...data } = bundle;
  return { id, owner, name, created_at: createdAt, data: JSON.stringify(data satisfies BundleData) };
}

function fromRow(row: BundleRow): DockerBatchBundleRecord {
  return { id: row.id, owner: row.owner, name: row.name, createdAt: row.created_at, ...parseStored<BundleData>(row.data) };
}

const COLUMNS = "id, owner, name, created_at, data";
const OWNED = "owner = @owner AND (@name IS NULL OR name = @name)";

/**
 * Docker-image batch job bundles (migration 3). Without `order_by` a list is in insertion order, as
 * the real repository's unordered query; `seq` breaks created_at ties (the later insert is newer).
 */
export function createDockerBatchBundleRepository(db: Db): DockerBatchBundleRepository {
  const insert = db.prepare(`INSERT INTO docker_batch_bundles (${COLUMNS}) VALUES (@id, @owner, @name, @created_at, @data)`);
  const byId = db.prepare<[string], BundleRow>(`SELECT ${COLUMNS} FROM docker_batch_bundles WHERE id = ?`);
  const listStatement = (order: string) =>
    db.prepare<[{ owner: string; name: string | null }], BundleRow>(`SELECT ${COLUMNS} FROM docker_batch_bundles WHERE ${OWNED} ORDER BY ${order}`);
  const lists: Record<OrderBy | "insertion", ReturnType<typeof listStatement>> = {
    insertion: listStatement("seq"),
    newest: listStatement("created_at DESC, seq DESC"),
    oldest: listStatement("created_at ASC, seq ASC"),
  };
  const latest = db.prepare<[string, string], BundleRow>(
    `SELECT ${COLUMNS} FROM docker_batch_bundles WHERE owner = ? AND name = ? ORDER BY created_at DESC, seq DESC LIMIT 1`,
  );
  return {
    insert(bundle) {
      insert.run(toRow(bundle));
    },
    get(id) {
      const row = byId.get(id);
      return row ? fromRow(row) : null;
    },
    list(owner, name, orderBy) {
      return lists[orderBy ?? "insertion"].all({ owner, name }).map(fromRow);
    },
    latest(owner, name) {
      const row = latest.get(owner, name);
      return row ? fromRow(row) : null;
    },
  };
}
