/**
 * Docker-image batch job bundle use cases (server-contract.md §2.5). No semantic validation at
 * create time; every read is scoped to the caller's team and another team's bundle is a 404 with the
 * missing-bundle message (§0.4). `public` is stored and shown but grants nothing here (§2.5).
 */
import type { Clock } from "../clock.js";
import { pyNumberRepr } from "../endpoints/python-format.js";
import { notFound } from "../errors.js";
import type { User } from "../identity.js";
import type { IdGenerator } from "../ids.js";
import type { OrderBy } from "../ports.js";
import type { DockerBatchBundleRepository } from "../job-ports.js";
import type { CreateDockerBatchBundleInput, DockerBatchBundleRecord } from "./docker-batch-bundle.js";

export interface DockerBatchBundleServiceDeps {
  bundles: DockerBatchBundleRepository;
  ids: IdGenerator;
  clock: Clock;
}

/** `str(value)` of a `str | int | float` field: "0.1", "1", "1Gi" (§2.5 "stored as strings"). */
const pyStr = (value: string | number | null): string | null => (value === null ? null : typeof value === "string" ? value : pyNumberRepr(value, false));

export class DockerBatchBundleService {
  private readonly bundles: DockerBatchBundleRepository;
  private readonly ids: IdGenerator;
  private readonly clock: Clock;

  constructor(deps: DockerBatchBundleServiceDeps) {
    this.bundles = deps.bundles;
    this.ids = deps.ids;
    this.clock = deps.clock;
  }

  create(user: User, input: CreateDockerBatchBundleInput): DockerBatchBundleRecord {
    const resources = input.resource_requests;
    const record: DockerBatchBundleRecord = {
      id: this.ids.xid("batbun_"),
      name: input.name,
      owner: user.teamId,
      createdBy: user.userId,
      createdAt: this.clock.now(),
      imageRepository: input.image_repository,
      imageTag: input.image_tag,
      command: [...input.command],
      env: { ...input.env },
      mountLocation: input.mount_location,
      cpus: pyStr(resources.cpus),
      memory: pyStr(resources.memory),
      storage: pyStr(resources.storage),
      gpus: resources.gpus,
      gpuType: resources.gpu_type,
      isPublic: input.public,
    };
    this.bundles.insert(record);
    return record;
  }

  /** The team's bundles, optionally one name; insertion order unless `orderBy` (§2.5). */
  list(user: User, name: string | null, orderBy: OrderBy | null): DockerBatchBundleRecord[] {
    return this.bundles.list(user.teamId, name, orderBy);
  }

  latest(user: User, name: string): DockerBatchBundleRecord {
    const bundle = this.bundles.latest(user.teamId, name);
    if (!bundle) throw notFound(`Docker Image Batch Job Bundle with name ${name} was not found.`);
    return bundle;
  }

  get(user: User, id: string): DockerBatchBundleRecord {
    const bundle = this.bundles.get(id);
    if (!bundle || bundle.owner !== user.teamId) throw notFound(`Docker Image Batch Job Bundle ${id} was not found.`);
    return bundle;
  }
}
