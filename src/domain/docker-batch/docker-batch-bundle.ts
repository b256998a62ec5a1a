/**
 * Docker-image batch job bundles (server-contract.md §2.5): an image, a command, an environment and
 * default resources. Immutable once created; names are not unique (the newest wins for "latest").
 */
import { isoTimestamp } from "../clock.js";
import type { GpuType } from "../endpoint.js";

/** `CreateDockerImageBatchJobResourceRequests`: every key optional, numbers kept as sent (§0.1). */
export interface DockerBatchResourceRequests {
  cpus: string | number | null;
  memory: string | number | null;
  gpus: number | null;
  gpu_type: GpuType | null;
  storage: string | number | null;
  nodes_per_worker: number | null;
}

export interface CreateDockerBatchBundleInput {
  name: string;
  image_repository: string;
  image_tag: string;
  command: string[];
  env: Record<string, string>;
  mount_location: string | null;
  resource_requests: DockerBatchResourceRequests;
  /** `Optional[bool] = False`: an explicit null is stored as null. */
  public: boolean | null;
}

export interface DockerBatchBundleRecord {
  id: string;
  name: string;
  owner: string;
  createdBy: string;
  createdAt: number;
  imageRepository: string;
  imageTag: string;
  command: string[];
  env: Record<string, string>;
  mountLocation: string | null;
  /** cpus, memory and storage are stored as strings (`str(0.1)` → "0.1"), §2.5. */
  cpus: string | null;
  memory: string | null;
  storage: string | null;
  gpus: number | null;
  gpuType: GpuType | null;
  isPublic: boolean | null;
}

/** DockerImageBatchJobBundleV1Response, fields in the real declaration order (§0.1). */
export function dockerBatchBundleView(bundle: DockerBatchBundleRecord): Record<string, unknown> {
  return {
    id: bundle.id,
    name: bundle.name,
    created_at: isoTimestamp(bundle.createdAt),
    image_repository: bundle.imageRepository,
    image_tag: bundle.imageTag,
    command: bundle.command,
    env: bundle.env,
    mount_location: bundle.mountLocation,
    cpus: bundle.cpus,
    memory: bundle.memory,
    storage: bundle.storage,
    gpus: bundle.gpus,
    gpu_type: bundle.gpuType,
    public: bundle.isPublic,
  };
}
