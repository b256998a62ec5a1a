/**
 * The fine-tune ports over launch-local's own parts (fine-tune-ports.ts): the blob store holds the
 * template document and the events files, the Files API and the blob store the datasets, and the
 * weights locator finds base models as LLM endpoints do. Wired in instance.ts.
 */
import { type BlobAccess, ownerActor } from "../blobs/blob-access.js";
import { isLaunchError } from "../errors.js";
import { llmMetadataOf } from "../llm/llm-metadata.js";
import { fineTuneEventsKey } from "../llm/fine-tuned-paths.js";
import type { ModelWeightsLocator } from "../llm/llm-ports.js";
import type { BlobOwnerRepository, EndpointRepository } from "../ports.js";
import type { FileRepository } from "../job-ports.js";
import type { BaseModelFinder, DatasetReader, FineTuneEventsStore, FineTuneRepositoryDocument } from "./fine-tune-ports.js";

/** A missing, foreign or unreadable object (or an invalid location) reads as null; other failures propagate. */
async function readText(read: () => Promise<Buffer>): Promise<string | null> {
  try {
    return (await read()).toString("utf8");
  } catch (error) {
    if (isLaunchError(error)) return null;
    throw error;
  }
}

/**
 * The template document decides which code runs for everyone's fine-tunes, so when `--admin-keys`
 * is set it counts only if an admin wrote it; otherwise, as on a platform without accounts, anyone may.
 */
export function blobRepositoryDocument(
  blobs: BlobAccess,
  owners: Pick<BlobOwnerRepository, "get">,
  location: string,
  adminKeys: readonly string[] | null,
): FineTuneRepositoryDocument {
  return {
    read: () => {
      const writer = owners.get(location)?.owner;
      if (adminKeys !== null && (writer === undefined || !adminKeys.includes(writer))) return Promise.resolve(null);
      return readText(() => blobs.store.read(location));
    },
  };
}

/** The events files belong to the fine-tune's owner from the start, so nobody can squat one (blob-access.ts `writeFor`). */
export function blobEventsStore(blobs: BlobAccess, bucket: string): FineTuneEventsStore {
  const location = (owner: string, model: string) => `s3://${bucket}/${fineTuneEventsKey(owner, model)}`;
  return {
    initialize: (owner, model) => blobs.writeFor(owner, location(owner, model), new Uint8Array()),
    read: (owner, model) => readText(() => blobs.read(ownerActor(owner), location(owner, model))),
  };
}

export function datasetReader(files: Pick<FileRepository, "get">, blobs: BlobAccess): DatasetReader {
  return {
    file: (user, id) => files.get(user.teamId, id)?.content ?? null,
    location: (user, location) => readText(() => blobs.read(ownerActor(user.teamId), location, "training_file")),
  };
}

/**
 * A model launch-local can serve locally: one the weights locator finds (`--llm-models-dir`, the HF
 * cache), else the `checkpoint_path` of one of the caller's LLM endpoints of that model.
 */
export function localBaseModels(weights: ModelWeightsLocator, endpoints: Pick<EndpointRepository, "list">): BaseModelFinder {
  const tryLocate = async (model: string, checkpointPath: string | null): Promise<string | null> => {
    try {
      return (await weights.locate(model, checkpointPath)).dir;
    } catch (error) {
      if (isLaunchError(error)) return null;
      throw error;
    }
  };
  return {
    async find(user, model) {
      const found = await tryLocate(model, null);
      if (found !== null) return found;
      for (const endpoint of endpoints.list(user.teamId, null, null)) {
        const llm = llmMetadataOf(endpoint);
        if (llm?.model_name === model && llm.checkpoint_path !== null) {
          const dir = await tryLocate(model, llm.checkpoint_path);
          if (dir !== null) return dir;
        }
      }
      return null;
    },
  };
}
