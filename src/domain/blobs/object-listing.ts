/**
 * One page of a bucket listing as S3 cuts it (ListObjectsV2 and V1): the keys after a marker,
 * those that share a prefix up to the delimiter rolled into one common prefix, at most `maxKeys`
 * entries (keys and common prefixes together), and where the next page starts. Pure, so the
 * paging rules are unit-tested without a store.
 */
import type { StoredObject } from "./object-files.js";

export interface ListQuery {
  prefix: string;
  /** Empty: no grouping. */
  delimiter: string;
  maxKeys: number;
  /** Only keys after this one (StartAfter, Marker, or where a continuation token left off). */
  after: string;
}

export interface ListPage {
  contents: StoredObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix of this page; the next page starts after it. */
  lastEntry: string | null;
}

/** S3 orders keys by their UTF-8 bytes. */
const afterMarker = (key: string, marker: string): boolean => Buffer.compare(Buffer.from(key), Buffer.from(marker)) > 0;

/** `objects` in S3's order, every key starting with `query.prefix`. */
export function listPage(objects: readonly StoredObject[], query: ListQuery): ListPage {
  const contents: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let lastEntry: string | null = null;
  let lastPrefix: string | null = null;
  for (const object of objects) {
    if (query.after !== "" && !afterMarker(object.key, query.after)) continue;
    // A page that ended on a common prefix resumes after every key under it.
    if (query.delimiter !== "" && query.after.endsWith(query.delimiter) && object.key.startsWith(query.after)) continue;
    const rest = object.key.slice(query.prefix.length);
    const cut = query.delimiter === "" ? -1 : rest.indexOf(query.delimiter);
    const entry = cut < 0 ? null : query.prefix + rest.slice(0, cut + query.delimiter.length);
    if (entry !== null && entry === lastPrefix) continue;
    if (contents.length + commonPrefixes.length >= query.maxKeys) return { contents, commonPrefixes, isTruncated: true, lastEntry };
    if (entry === null) {
      contents.push(object);
      lastEntry = object.key;
    } else {
      commonPrefixes.push(entry);
      lastPrefix = entry;
      lastEntry = entry;
    }
  }
  return { contents, commonPrefixes, isTruncated: false, lastEntry };
}
