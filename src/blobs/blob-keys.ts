/**
 * Bucket and key rules of the local object store (`<root>/<bucket>/<key>`). A key comes from a
 * client (an `s3://` location in a request body, a signed URL's path), so nothing it says may reach
 * a file outside the root: `..`/`.` and empty segments, absolute paths, backslashes and NUL are
 * refused, in the raw text and in every percent-decoded form of it.
 */
import { join, resolve, sep } from "node:path";
import { LaunchError } from "../domain/errors.js";
import { decodedForms } from "../domain/decoded-forms.js";

const invalid = (message: string): LaunchError => new LaunchError("BAD_REQUEST", message);

function unsafeReason(form: string): string | null {
  if (form === "") return "it is empty";
  if (form.includes("\0")) return "it contains NUL";
  if (form.includes("\\")) return "it contains a backslash";
  if (form.startsWith("/") || /^[A-Za-z]:/.test(form)) return "it is an absolute path";
  for (const segment of form.split("/")) {
    if (segment === "") return "it has an empty path segment";
    if (segment === "." || segment === "..") return `it has a '${segment}' path segment`;
  }
  return null;
}

export function assertSafeKey(key: string): void {
  for (const form of decodedForms(key)) {
    const reason = unsafeReason(form);
    if (reason) throw invalid(`Invalid blob key ${JSON.stringify(key)}: ${reason}.`);
  }
}

/** One path segment; a leading dot is refused too, which keeps `<root>/.cache` out of reach. */
export function assertSafeBucket(bucket: string): void {
  for (const form of decodedForms(bucket)) {
    const reason = unsafeReason(form) ?? (form.includes("/") ? "it contains '/'" : null) ?? (form.startsWith(".") ? "it starts with '.'" : null);
    if (reason) throw invalid(`Invalid bucket name ${JSON.stringify(bucket)}: ${reason}.`);
  }
}

/** `s3://bucket/key` → its parts, validated. */
export function parseS3Location(location: string): { bucket: string; key: string } {
  if (!location.startsWith("s3://")) throw invalid(`Invalid s3 location ${JSON.stringify(location)}: expected s3://<bucket>/<key>.`);
  const rest = location.slice("s3://".length);
  const slash = rest.indexOf("/");
  if (slash <= 0 || slash === rest.length - 1) throw invalid(`Invalid s3 location ${JSON.stringify(location)}: expected s3://<bucket>/<key>.`);
  const bucket = rest.slice(0, slash);
  const key = rest.slice(slash + 1);
  assertSafeBucket(bucket);
  assertSafeKey(key);
  return { bucket, key };
}

/** The file of a validated bucket/key; the prefix check is a second line of defence. */
export function blobFilePath(root: string, bucket: string, key: string): string {
  assertSafeBucket(bucket);
  assertSafeKey(key);
  const base = resolve(root);
  const path = resolve(join(base, bucket, ...key.split("/")));
  if (!path.startsWith(base + sep)) throw invalid(`Invalid blob key ${JSON.stringify(key)}: it leaves the store.`);
  return path;
}

export { keySegment } from "../domain/key-segment.js";
