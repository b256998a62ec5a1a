import type { DockerBatchBundleRecord } from "../domain/docker-batch/docker-batch-bundle.js";
import type { DockerBatchBundleRepository } from "../domain/job-ports.js";
import type { Db } from "./database.js";
import { createVersionedRecords } from "./versioned-records.js";

/** Docker-image batch job bundles (migration 3): versioned by name like model bundles (§2.5). */
export function createDockerBatchBundleRepository(db: Db): DockerBatchBundleRepository {
  return createVersionedRecords<DockerBatchBundleRecord>(db, "docker_batch_bundles");
}
