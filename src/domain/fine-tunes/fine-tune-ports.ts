/**
 * What the fine-tune use cases need from the outside; instance.ts wires implementations in (the
 * blob store, the weights locator, the docker-image batch job service and its repositories).
 */
import type { User } from "../identity.js";

/** The template repository document (`--fine-tune-repository`), read at every create. */
export interface FineTuneRepositoryDocument {
  /** The document's text, or null when it does not exist or cannot be read. */
  read(): Promise<string | null>;
}

/** The events files (`fineTuneEventsKey`). */
export interface FineTuneEventsStore {
  /** Creates (or empties) the file, as `initialize_events` does. */
  initialize(owner: string, fineTunedModel: string): Promise<void>;
  /** The file's text, or null when there is none. */
  read(owner: string, fineTunedModel: string): Promise<string | null>;
}

/** A training or validation file's text, read as the caller (null: it cannot be found). */
export interface DatasetReader {
  /** A Files-API file of the caller's team. */
  file(user: User, id: string): string | null;
  /** An `s3://` location in the blob store, if the caller may read it. */
  location(user: User, location: string): Promise<string | null>;
}

/** Where launch-local finds a base model's weights on this machine, as an LLM endpoint would (README "LLM endpoints"). */
export interface BaseModelFinder {
  /** The HF folder of `model` for this caller, or null when launch-local cannot serve it locally. */
  find(user: User, model: string): Promise<string | null>;
}
