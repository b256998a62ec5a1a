import { describe, expect, it } from "vitest";
import { listPage } from "../../../src/domain/blobs/object-listing.js";

const objects = (...keys: string[]) => keys.map((key) => ({ key, size: 1, modifiedAt: 0 }));
const query = (fields: Partial<{ prefix: string; delimiter: string; maxKeys: number; after: string }>) => ({
  prefix: "",
  delimiter: "",
  maxKeys: 1000,
  after: "",
  ...fields,
});
const keysOf = (page: ReturnType<typeof listPage>) => page.contents.map((object) => object.key);

describe("a listing page, as S3 cuts it", () => {
  const all = objects("a/1", "a/2", "b", "c/x/1", "d");

  it("rolls keys that share a prefix up to the delimiter into one common prefix", () => {
    const page = listPage(all, query({ delimiter: "/" }));
    expect(keysOf(page)).toEqual(["b", "d"]);
    expect(page.commonPrefixes).toEqual(["a/", "c/"]);
    expect(page.isTruncated).toBe(false);
  });

  it("counts keys and common prefixes together against max-keys, and resumes after the last entry", () => {
    const first = listPage(all, query({ delimiter: "/", maxKeys: 2 }));
    expect([first.commonPrefixes, keysOf(first), first.isTruncated, first.lastEntry]).toEqual([["a/"], ["b"], true, "b"]);
    const second = listPage(all, query({ delimiter: "/", maxKeys: 2, after: "b" }));
    expect([second.commonPrefixes, keysOf(second), second.isTruncated]).toEqual([["c/"], ["d"], false]);
  });

  it("skips every key under a common prefix that ended the previous page", () => {
    const first = listPage(all, query({ delimiter: "/", maxKeys: 1 }));
    expect(first.lastEntry).toBe("a/");
    const second = listPage(all, query({ delimiter: "/", maxKeys: 1, after: "a/" }));
    expect(keysOf(second)).toEqual(["b"]);
  });

  it("groups below the prefix only, and orders markers by UTF-8 bytes", () => {
    const page = listPage(objects("p/a/1", "p/b"), query({ prefix: "p/", delimiter: "/" }));
    expect([page.commonPrefixes, keysOf(page)]).toEqual([["p/a/"], ["p/b"]]);
    // U+FF5E sorts after U+1F600's surrogates in UTF-16 but before it in UTF-8.
    expect(keysOf(listPage(objects("\uff5e", "\u{1f600}"), query({ after: "\uff5e" })))).toEqual(["\u{1f600}"]);
  });
});
