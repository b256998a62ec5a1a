import type { BundleRecord } from "../domain/bundle.js";
import type { BundleRepository } from "../domain/ports.js";
import type { Db } from "./database.js";
import { createVersionedRecords } from "./versioned-records.js";

/** Model bundles (migration 1): immutable, and names are not unique — every create is a new version (§2.1). */
export function createBundleRepository(db: Db): BundleRepository {
  return createVersionedRecords<BundleRecord>(db, "bundles");
}
