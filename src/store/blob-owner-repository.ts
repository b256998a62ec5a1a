import type { BlobOwner, BlobOwnerRepository } from "../domain/ports.js";
import type { Db } from "./database.js";

interface OwnerRow {
  owner: string;
  is_public: number;
}

/** Owners of blob store objects (migration 4), keyed by the `s3://bucket/key` location. */
export function createBlobOwnerRepository(db: Db): BlobOwnerRepository {
  const get = db.prepare<[string], OwnerRow>("SELECT owner, is_public FROM blob_owners WHERE location = ?");
  const set = db.prepare<[string, string, number, number]>(
    `INSERT INTO blob_owners (location, owner, is_public, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (location) DO UPDATE SET owner = excluded.owner, is_public = excluded.is_public`,
  );
  const claim = db.prepare<[string, string, number]>(
    "INSERT INTO blob_owners (location, owner, is_public, created_at) VALUES (?, ?, 0, ?) ON CONFLICT (location) DO NOTHING",
  );
  const remove = db.prepare<[string]>("DELETE FROM blob_owners WHERE location = ?");
  const removeAll = db.transaction((locations: readonly string[]) => {
    for (const location of locations) remove.run(location);
  });
  return {
    get(location) {
      const row = get.get(location);
      return row === undefined ? null : { owner: row.owner, isPublic: row.is_public === 1 };
    },
    set(location, owner: BlobOwner, at) {
      set.run(location, owner.owner, owner.isPublic ? 1 : 0, at);
    },
    claim(location, owner, at) {
      claim.run(location, owner, at);
    },
    delete(locations) {
      if (locations.length > 0) removeAll(locations);
    },
  };
}
