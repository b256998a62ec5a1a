/**
 * Which locations launch-local reads, or lets a worker read, on a caller's behalf: a batch job's
 * `input_path` and its rows' `url`s, a bundle's `location` and `schema_location`, a task's `url`.
 * On the real platform these reads happen inside a pod, with the service's own cloud credentials;
 * here they would happen on the developer's machine, as the developer, so a `file://` path would
 * reach the host's files (a root-only file included, when run as root) and an http URL its loopback
 * services. By default only the instance's own `s3://` blob store is read; the operator names more
 * (README "Parity"). The path check here is lexical: the blob store checks the real path again when
 * it reads, since a link inside an allowed folder may point outside it.
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { badRequest } from "../errors.js";

export interface InputPolicy {
  /** Absolute folders whose files may be named (`file://…` or an absolute path). */
  readonly allowedDirs: readonly string[];
  /** Whether http(s) URLs may be fetched. */
  readonly allowUrls: boolean;
}

export const ONLY_BLOB_STORE: InputPolicy = { allowedDirs: [], allowUrls: false };

export type InputSource = { kind: "s3"; location: string } | { kind: "file"; path: string } | { kind: "http"; url: string };

const DIR_OPTION = "--allow-input-dir DIR (LAUNCH_LOCAL_ALLOW_INPUT_DIR)";
const URL_OPTION = "--allow-input-urls (LAUNCH_LOCAL_ALLOW_INPUT_URLS)";

/** Whether the absolute path `path` is `dir` or lies below it. */
export function isInside(dir: string, path: string): boolean {
  const rest = relative(dir, path);
  return rest === "" || (rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

/** The host path a `file://` URL or an absolute path names, normalised; null for anything else. */
function hostPathOf(location: string): string | null {
  if (location.startsWith("file:")) {
    try {
      return resolve(fileURLToPath(location));
    } catch {
      return null; // file://otherhost/… or a malformed URL: not a local path
    }
  }
  return isAbsolute(location) ? resolve(location) : null;
}

/**
 * What `location` is, when the policy allows reading it; otherwise a 400 that names the option which
 * would allow it. `what` names the field in the message ("input_path", "url" …).
 */
export function checkInputLocation(location: string, policy: InputPolicy, what: string): InputSource {
  if (location.startsWith("s3://")) return { kind: "s3", location };
  const shown = JSON.stringify(location);
  if (/^https?:\/\//i.test(location)) {
    if (!policy.allowUrls) throw badRequest(`${what} ${shown} is a URL, which launch-local fetches only when started with ${URL_OPTION}.`);
    return { kind: "http", url: location };
  }
  const path = hostPathOf(location);
  if (path === null) {
    throw badRequest(
      `${what} ${shown} is not a location launch-local reads: give an s3:// location of its blob store, a file under a folder allowed with ${DIR_OPTION}, or an http(s) URL with ${URL_OPTION}.`,
    );
  }
  if (!policy.allowedDirs.some((dir) => isInside(dir, path))) {
    throw badRequest(`${what} ${shown} is a file outside the folders launch-local may read; allow its folder with ${DIR_OPTION}.`);
  }
  return { kind: "file", path };
}
