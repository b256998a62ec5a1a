/**
 * The one owner check for the blob store, for every door that reads or writes objects on a caller's
 * behalf: the control API's blob routes, bundle artifacts and schemas, batch inputs and results,
 * task urls, and any later transport (an S3-compatible API calls the same methods).
 *
 * Every `s3://` object has an owner: who uploaded it (the upload slot is reserved in their name),
 * or whose task or job wrote it. Another owner's object reads exactly as a missing one, 404
 * `Object not found: <location>` (§0.4), and cannot be overwritten. An object seeded with `public`
 * is readable by anyone; one with no recorded owner by nobody. An admin (`--admin-keys`) reads and
 * writes across owners. `file://` and http(s) sources have no owner: the input policy decides.
 */
import type { Clock } from "../clock.js";
import { LaunchError } from "../errors.js";
import type { BlobOwnerRepository, BlobStore, SignedUpload } from "../ports.js";
import { RESULTS_PREFIX } from "../signed-urls.js";
import { type InputPolicy, checkInputLocation } from "./input-policy.js";

/** Who is asking. */
export interface BlobActor {
  owner: string;
  /** Holds an admin key: may act on every owner's objects. */
  isAdmin: boolean;
}

export const ownerActor = (owner: string): BlobActor => ({ owner, isAdmin: false });

export interface BlobAccessDeps {
  store: BlobStore;
  owners: BlobOwnerRepository;
  inputs: InputPolicy;
  clock: Clock;
}

const objectNotFound = (location: string): LaunchError => new LaunchError("NOT_FOUND", `Object not found: ${location}`);

const requireS3 = (location: string): void => {
  if (!location.startsWith("s3://")) {
    throw new LaunchError("BAD_REQUEST", `Invalid location ${JSON.stringify(location)}: expected s3://<bucket>/<key>.`);
  }
};

export class BlobAccess {
  constructor(private readonly deps: BlobAccessDeps) {}

  get store(): BlobStore {
    return this.deps.store;
  }

  /** Whether `actor` may read the `s3://` object at `location`. */
  mayRead(actor: BlobActor, location: string): boolean {
    if (actor.isAdmin) return true;
    const record = this.deps.owners.get(location);
    return record !== null && (record.isPublic || record.owner === actor.owner);
  }

  /** Whether `actor` may replace or delete the object at `location`: nobody's yet, theirs, or an admin. */
  mayWrite(actor: BlobActor, location: string): boolean {
    if (actor.isAdmin) return true;
    const record = this.deps.owners.get(location);
    return record === null || record.owner === actor.owner;
  }

  /** Whether the object was seeded readable by anyone (`public`). */
  isPublic(location: string): boolean {
    return this.deps.owners.get(location)?.isPublic ?? false;
  }

  /**
   * Records the owner of an object written in place by a door that checked `mayWrite` first (a
   * completed multipart upload): a new object becomes the caller's, an existing one keeps its owner.
   */
  recordWrite(actor: BlobActor, location: string, isPublic: boolean): void {
    const record = this.deps.owners.get(location);
    this.deps.owners.set(location, { owner: record?.owner ?? actor.owner, isPublic }, this.deps.clock.now());
  }

  /** Forgets the owner of an object that was deleted, so its key is free again. */
  forget(location: string): void {
    this.deps.owners.delete([location]);
  }

  /**
   * For a location a worker will open itself (a task's `url`): the input policy's 400, or for an
   * `s3://` object the same 404 as a missing one unless `actor` may read it.
   */
  assertReadable(actor: BlobActor, location: string, what: string): void {
    const source = checkInputLocation(location, this.deps.inputs, what);
    this.deps.store.assertValidLocation(location);
    if (source.kind === "s3" && !this.mayRead(actor, location)) throw objectNotFound(location);
  }

  async read(actor: BlobActor, location: string, what = "location"): Promise<Buffer> {
    this.assertReadable(actor, location, what);
    return this.deps.store.read(location);
  }

  /** A local file with the object's bytes, for a worker to load (bundle artifacts). */
  async localPath(actor: BlobActor, location: string, what = "location"): Promise<string> {
    this.assertReadable(actor, location, what);
    return this.deps.store.localPath(location);
  }

  /**
   * A caller's write (PUT /_launch_local/blobs): a new object becomes theirs; another owner's object
   * is a 404, as if missing. `isPublic` makes it readable by anyone.
   */
  async write(actor: BlobActor, location: string, data: Uint8Array, isPublic: boolean): Promise<void> {
    requireS3(location);
    this.deps.store.assertValidLocation(location);
    const record = this.deps.owners.get(location);
    if (record !== null && record.owner !== actor.owner && !actor.isAdmin) throw objectNotFound(location);
    await this.deps.store.put(location, data);
    this.deps.owners.set(location, { owner: record?.owner ?? actor.owner, isPublic }, this.deps.clock.now());
  }

  /**
   * What launch-local itself writes for an owner (a batch job's result file): the object becomes
   * theirs whoever held the location before, so nobody can squat a location a job will write.
   */
  async writeFor(owner: string, location: string, data: Uint8Array): Promise<void> {
    requireS3(location);
    this.deps.owners.set(location, { owner, isPublic: false }, this.deps.clock.now());
    await this.deps.store.put(location, data);
  }

  /**
   * Records `owner` for an object a worker wrote on their task's behalf (a `return_pickled` result),
   * unless one is recorded already. Called before the location is shown to anyone.
   */
  claim(owner: string, location: string): void {
    if (location.startsWith(`s3://${this.deps.store.bucket}/`)) this.deps.owners.claim(location, owner, this.deps.clock.now());
  }

  /**
   * Deletes the pickled result of an expired task (tasks/task-retention.ts) and forgets its owner.
   * Only an object a worker wrote for `owner` goes: in this store's bucket, under model-engine's results
   * prefix, and nobody else's (a task's result is the user's JSON and may name any location).
   */
  async removeResult(owner: string, location: string): Promise<void> {
    if (!location.startsWith(`s3://${this.deps.store.bucket}/${RESULTS_PREFIX}`)) return;
    const record = this.deps.owners.get(location);
    if (record !== null && record.owner !== owner) return;
    try {
      this.deps.store.assertValidLocation(location);
    } catch {
      return;
    }
    await this.deps.store.remove(location);
    if (record !== null) this.deps.owners.delete([location]);
  }

  /** An upload slot (the client's signed PUT, client-contract.md §4), reserved in the owner's name. */
  reserveUpload(owner: string, folder: string, baseUrl: string): SignedUpload {
    const upload = this.deps.store.createSignedUpload(`${folder}/${owner}`, baseUrl);
    this.deps.owners.set(upload.location, { owner, isPublic: false }, this.deps.clock.now());
    return upload;
  }
}
