/**
 * Finding and removing labelled containers (STYLE.md §8). A crashed instance cannot clean up after
 * itself, so the next instance on the same data dir removes whatever carries that data dir's label
 * but another instance's id. The sweep is written once, over the two engine calls it needs; they are
 * made with dockerode (`dockerodeEngine`) or, at start-up before dockerode loads, with Node's own
 * http client (engine-probe.ts `httpEngine`).
 */
import type Dockerode from "dockerode";
import { dataDirFilter, LABELS, orphanIds } from "./labels.js";
import { engineStatus } from "./local-image.js";

export interface ListedContainer {
  Id: string;
  Labels?: Record<string, string> | null;
}

/** The engine calls the sweep makes. */
export interface ContainerEngine {
  /** Containers in any state that carry the filter's labels. */
  listContainers(filters: { label: string[] }): Promise<readonly ListedContainer[]>;
  /** Force-removes one container; false when it was gone meanwhile (404) or already being removed (409). */
  removeContainer(id: string): Promise<boolean>;
}

export function dockerodeEngine(docker: Dockerode): ContainerEngine {
  return {
    listContainers: (filters) => docker.listContainers({ all: true, filters }),
    async removeContainer(id) {
      try {
        await docker.getContainer(id).remove({ force: true });
        return true;
      } catch (error) {
        const status = engineStatus(error);
        if (status === 404 || status === 409) return false;
        throw error;
      }
    },
  };
}

export async function listInstanceContainers(docker: Dockerode, instanceId: string): Promise<string[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [`${LABELS.instance}=${instanceId}`] } });
  return found.map((container) => container.Id);
}

/** Force-removes each container; one already gone is not an error. Returns how many were removed. */
export async function removeContainers(engine: ContainerEngine, ids: readonly string[]): Promise<number> {
  const removed = await Promise.all(ids.map((id) => engine.removeContainer(id)));
  return removed.filter(Boolean).length;
}

/** Removes the data dir's containers that another instance left. Returns how many were removed. */
export async function sweepOrphanContainers(engine: ContainerEngine, dataDir: string, instanceId: string): Promise<number> {
  const found = await engine.listContainers(dataDirFilter(dataDir));
  return removeContainers(engine, orphanIds(found, instanceId));
}
