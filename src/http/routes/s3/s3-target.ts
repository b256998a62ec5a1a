/**
 * What an S3 request names, from its URL in path style (`<mount>/<bucket>/<key>`): read from the raw
 * URL, each segment percent-decoded, because the routed path collapses `//` and a key is the rest of
 * the path exactly as the client encoded it.
 */
import { ObjectError } from "../../../domain/blobs/object-errors.js";
import { S3_PATH } from "../../../domain/signed-urls.js";

export { S3_PATH };

export interface S3Target {
  /** null: the service itself (ListBuckets). */
  bucket: string | null;
  /** null: the bucket itself. */
  key: string | null;
  query: URLSearchParams;
}

export function s3Target(url: string): S3Target {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  const queryAt = url.indexOf("?", start);
  const path = queryAt < 0 ? url.slice(start) : url.slice(start, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? "" : url.slice(queryAt + 1));
  const rest = path.slice(path.indexOf(S3_PATH) + S3_PATH.length).replace(/^\/+/, "");
  if (rest === "") return { bucket: null, key: null, query };
  const slash = rest.indexOf("/");
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw new ObjectError("InvalidURI", "Couldn't parse the specified URI.");
    }
  };
  if (slash < 0 || slash === rest.length - 1) return { bucket: decode(slash < 0 ? rest : rest.slice(0, slash)), key: null, query };
  return { bucket: decode(rest.slice(0, slash)), key: decode(rest.slice(slash + 1)), query };
}
