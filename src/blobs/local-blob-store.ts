/**
 * The local object store: `s3://<bucket>/<key>` is the file `<root>/<bucket>/<key>`. Where the
 * operator allows it (domain/blobs/input-policy.ts), it also reads `file://` paths under the allowed
 * folders (the client's self-hosted mode, client-contract.md §4) and `http(s)://` URLs (fetched on
 * demand, never at start-up; downloads cached under `<root>/.cache`). It writes only `s3://`.
 */
import { createHash, randomUUID } from "node:crypto";
import { readFile, realpath, rm, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Clock } from "../domain/clock.js";
import { type InputPolicy, checkInputLocation, isInside } from "../domain/blobs/input-policy.js";
import { LaunchError } from "../domain/errors.js";
import type { BlobStore, SignedUpload } from "../domain/ports.js";
import { writeFileAtomic } from "./atomic-write.js";
import { assertSafeBucket, blobFilePath, keySegment, parseS3Location } from "./blob-keys.js";
import { type SignedMethod, signedBlobUrl, verifyBlobSignature } from "./signed-url.js";

export interface LocalBlobStoreOptions {
  root: string;
  /** The bucket named in the s3:// locations this store hands out. */
  bucket: string;
  signingSecret: string;
  /** Lifetime of signed URLs. */
  ttlSeconds: number;
  clock: Clock;
  /** Which file:// and http(s):// locations may be read (default: none). */
  inputs: InputPolicy;
  fetchImpl?: typeof fetch;
}

export interface LocalBlobStore extends BlobStore {
  /** A URL that serves the object to an unauthenticated GET until it expires. */
  createSignedDownload(location: string, baseUrl: string): string;
  /** Throws FORBIDDEN unless `signature` is this store's, for this method and object, unexpired. */
  verifySignedUrl(method: SignedMethod, bucket: string, key: string, expires: string | undefined, signature: string | undefined): void;
}

type Location = { kind: "s3"; bucket: string; key: string } | { kind: "file"; path: string } | { kind: "http"; url: string };

const objectNotFound = (location: string): LaunchError => new LaunchError("NOT_FOUND", `Object not found: ${location}`);

const MISSING_CODES = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);
const isMissing = (error: unknown): boolean => error instanceof Error && "code" in error && typeof error.code === "string" && MISSING_CODES.has(error.code);

export function createLocalBlobStore(options: LocalBlobStoreOptions): LocalBlobStore {
  const root = resolve(options.root);
  const { bucket, clock, signingSecret, ttlSeconds } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const downloads = new Map<string, Promise<string>>();
  assertSafeBucket(bucket);

  function classify(location: string): Location {
    const source = checkInputLocation(location, options.inputs, "location");
    if (source.kind === "s3") return { kind: "s3", ...parseS3Location(location) };
    return source;
  }

  /** A file's real path, refused unless it lies in an allowed folder (a link may lead anywhere). */
  async function allowedFile(path: string, location: string): Promise<string> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      if (isMissing(error)) throw objectNotFound(location);
      throw error;
    }
    const dirs = await Promise.all(options.inputs.allowedDirs.map((dir) => realpath(dir).catch(() => resolve(dir))));
    if (!dirs.some((dir) => isInside(dir, real))) {
      throw new LaunchError("BAD_REQUEST", `location ${JSON.stringify(location)} leads outside the folders launch-local may read (--allow-input-dir).`);
    }
    return real;
  }

  const fileOf = async (where: Exclude<Location, { kind: "http" }>, location: string): Promise<string> =>
    where.kind === "s3" ? blobFilePath(root, where.bucket, where.key) : allowedFile(where.path, location);

  async function isFile(path: string): Promise<boolean> {
    try {
      return (await stat(path)).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async function readLocal(path: string, location: string): Promise<Buffer> {
    try {
      return await readFile(path);
    } catch (error) {
      if (isMissing(error)) throw objectNotFound(location);
      throw error;
    }
  }

  async function fetchBytes(url: string): Promise<Buffer> {
    let response: Response;
    try {
      response = await fetchImpl(url);
    } catch {
      throw objectNotFound(url);
    }
    if (!response.ok) throw objectNotFound(url);
    return Buffer.from(await response.arrayBuffer());
  }

  const cachePath = (url: string): string => join(root, ".cache", createHash("sha256").update(url).digest("hex"));

  /** One download per URL at a time; later calls reuse the cached file. */
  function download(url: string): Promise<string> {
    const path = cachePath(url);
    let pending = downloads.get(url);
    if (!pending) {
      pending = (async () => {
        if (!(await isFile(path))) await writeFileAtomic(path, await fetchBytes(url));
        return path;
      })().finally(() => downloads.delete(url));
      downloads.set(url, pending);
    }
    return pending;
  }

  const expiry = (): number => Math.floor(clock.now() / 1000) + ttlSeconds;

  return {
    bucket,
    root,

    async put(location, data) {
      const { bucket: target, key } = parseS3Location(location);
      await writeFileAtomic(blobFilePath(root, target, key), data);
    },

    async remove(location) {
      const { bucket: target, key } = parseS3Location(location);
      await rm(blobFilePath(root, target, key), { force: true });
    },

    assertValidLocation(location) {
      classify(location);
    },

    async read(location) {
      const where = classify(location);
      return where.kind === "http" ? fetchBytes(where.url) : readLocal(await fileOf(where, location), location);
    },

    async localPath(location) {
      const where = classify(location);
      if (where.kind === "http") return download(where.url);
      const path = await fileOf(where, location);
      if (!(await isFile(path))) throw objectNotFound(location);
      return path;
    },

    createSignedUpload(prefix, baseUrl): SignedUpload {
      // The prefix carries a user name: each segment is made safe rather than refused.
      const key = [
        ...prefix
          .split("/")
          .filter((segment) => segment !== "")
          .map(keySegment),
        randomUUID(),
      ].join("/");
      const signedUrl = signedBlobUrl({ baseUrl, secret: signingSecret, method: "PUT", bucket, key, expires: expiry() });
      return { bucket, key, location: `s3://${bucket}/${key}`, signedUrl };
    },

    createSignedDownload(location, baseUrl) {
      const where = parseS3Location(location);
      return signedBlobUrl({ baseUrl, secret: signingSecret, method: "GET", ...where, expires: expiry() });
    },

    verifySignedUrl(method, signedBucket, key, expires, signature) {
      verifyBlobSignature({ secret: signingSecret, method, bucket: signedBucket, key, expires, signature, nowMs: clock.now() });
    },
  };
}
