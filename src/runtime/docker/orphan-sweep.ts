/**
 * Finding and removing labelled containers (STYLE.md §8). A crashed instance cannot clean up after
 * itself, so the next instance on the same data dir removes whatever carries that data dir's label
 * but another instance's id.
 */
import type Dockerode from "dockerode";
import { dataDirFilter, LABELS, orphanIds } from "./labels.js";
import { engineStatus } from "./local-image.js";

export async function listInstanceContainers(docker: Dockerode, instanceId: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instanceId}`] } });
  return found.map((container) => container.Id);
}

/** Force-removes each container; one already gone is not an error. Returns how many were removed. */
export async function removeContainers(docker: Dockerode, ids: readonly string[]): Promise<number> {
  const results = await Promise.all(
    ids.map(async (id) => {
      try {
        await docker.getContainer(id).remove({ force: true });
        return true;
      } catch (error) {
        // 404: gone meanwhile; 409: removal already in progress.
        const status = engineStatus(error);
        if (status === 404 || status === 409) return false;
        throw error;
      }
    }),
  );
  return results.filter(Boolean).length;
}

export async function sweepOrphanContainers(docker: Dockerode, dataDir: string, instanceId: string): Promise<number> {
  const found = await docker.listContainers({ all: true, filters: dataDirFilter(dataDir) });
  return removeContainers(docker, orphanIds(found, instanceId));
}
