import type { TriggerRepository } from "../domain/job-ports.js";
import type { TriggerRecord } from "../domain/triggers/trigger.js";
import { type Db, parseStored } from "./database.js";

interface TriggerRow {
  data: string;
}

/**
 * Triggers (migration 3), one JSON document per row plus the columns queries filter on. The
 * UNIQUE (owner, name) constraint is the real table's, reported as `false` from `insert`.
 */
export function createTriggerRepository(db: Db): TriggerRepository {
  const insert = db.prepare<[string, string, string, string]>(
    "INSERT INTO triggers (id, owner, name, data) VALUES (?, ?, ?, ?) ON CONFLICT (owner, name) DO NOTHING",
  );
  const update = db.prepare<[string, string]>("UPDATE triggers SET data = ? WHERE id = ?");
  const remove = db.prepare<[string]>("DELETE FROM triggers WHERE id = ?");
  const byId = db.prepare<[string], TriggerRow>("SELECT data FROM triggers WHERE id = ?");
  const byOwner = db.prepare<[string], TriggerRow>("SELECT data FROM triggers WHERE owner = ? ORDER BY seq");
  const all = db.prepare<[], TriggerRow>("SELECT data FROM triggers ORDER BY seq");
  const toRecord = (row: TriggerRow): TriggerRecord => parseStored<TriggerRecord>(row.data);

  return {
    insert(trigger) {
      return insert.run(trigger.id, trigger.owner, trigger.name, JSON.stringify(trigger)).changes === 1;
    },
    get(id) {
      const row = byId.get(id);
      return row ? toRecord(row) : null;
    },
    listByOwner(owner) {
      return byOwner.all(owner).map(toRecord);
    },
    update(trigger) {
      update.run(JSON.stringify(trigger), trigger.id);
    },
    delete(id) {
      return remove.run(id).changes === 1;
    },
    all() {
      return all.all().map(toRecord);
    },
  };
}
