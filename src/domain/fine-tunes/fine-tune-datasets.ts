/**
 * Where a fine-tune's training and validation files come from (llm-contract.md §1.5 steps 3–4,
 * server-contract.md §7.1): a `file-…` value is a Files-API id of the caller's team (missing → 404
 * `Training file does not exist`); launch-local's file ids are the uploaded file names, so any value
 * that names one of the team's files resolves the same way; an `s3://` value is read from the blob
 * store as the caller. The real server opens anything else with smart_open on the server itself
 * (URLs, and paths on its own disk); here that is the same 400 as a file that cannot be found.
 */
import { notFound } from "../errors.js";
import type { User } from "../identity.js";
import { type DatasetKind, cannotFindFile, validateDatasetHeaders } from "./dataset-headers.js";
import type { DatasetReader } from "./fine-tune-ports.js";

export interface ResolvedDataset {
  kind: DatasetKind;
  /** What the request said: the job's config carries it as is (the trainer reads the file again). */
  value: string;
  /** Set when it is a Files-API file. */
  fileId: string | null;
  /** Set when it is a blob-store location. */
  location: string | null;
}

const FILE_ID_PREFIX = "file-";

/** `get_url_from_id` for `file-` ids, before anything is read. */
export function resolveDataset(reader: DatasetReader, user: User, value: string, kind: DatasetKind): ResolvedDataset {
  const isFile = reader.file(user, value) !== null;
  if (value.startsWith(FILE_ID_PREFIX) && !isFile) {
    throw notFound(kind === "training" ? "Training file does not exist" : "Validation file does not exist");
  }
  if (isFile) return { kind, value, fileId: value, location: null };
  return { kind, value, fileId: null, location: value.startsWith("s3://") ? value : null };
}

/** `check_file_is_valid`: readable, with the required headers. */
export async function readDataset(reader: DatasetReader, user: User, dataset: ResolvedDataset): Promise<void> {
  const text = dataset.fileId !== null ? reader.file(user, dataset.fileId) : dataset.location !== null ? await reader.location(user, dataset.location) : null;
  if (text === null) throw cannotFindFile(dataset.kind);
  validateDatasetHeaders(text, dataset.kind);
}
