import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { assertSafeBucket, assertSafeKey, blobFilePath, keySegment, parseS3Location } from "../../../src/blobs/blob-keys.js";
import { LaunchError } from "../../../src/domain/errors.js";

const rejects = (fn: () => unknown) => {
  expect(fn).toThrowError(LaunchError);
  try {
    fn();
  } catch (error) {
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
  }
};

describe("blob keys never leave the store", () => {
  it.each(["model-bundles/me/0b1c", "a.b/c..d/e", "100%-done", "a%20b", "weird name/with spaces"])("accepts %j", (key) => {
    expect(() => assertSafeKey(key)).not.toThrow();
  });

  it.each([
    "",
    "../etc/passwd",
    "a/../../b",
    "a/./b",
    "..",
    "/etc/passwd",
    "a//b",
    "a/",
    "a\\..\\b",
    "a\0b",
    "C:/Windows",
    "%2e%2e/x",
    "a/%2E%2E/b",
    "a%2F..%2Fb",
    "%252e%252e/x",
    "%2Fetc%2Fpasswd",
    "a%5C..",
    "a%00b",
  ])("refuses %j", (key) => {
    rejects(() => assertSafeKey(key));
  });

  it.each(["", ".", "..", ".cache", "a/b", "%2e%2e", "a\\b"])("refuses bucket %j", (bucket) => {
    rejects(() => assertSafeBucket(bucket));
  });

  it("parses s3 locations and refuses malformed ones", () => {
    expect(parseS3Location("s3://launch-local/a/b")).toEqual({ bucket: "launch-local", key: "a/b" });
    for (const bad of ["s3://", "s3://bucket", "s3://bucket/", "s3:///key", "s3://b/../x", "file:///x"]) rejects(() => parseS3Location(bad));
  });

  it("maps to <root>/<bucket>/<key>", () => {
    expect(blobFilePath("/srv/blobs", "b", "x/y")).toBe(resolve("/srv/blobs/b/x/y"));
    rejects(() => blobFilePath("/srv/blobs", "b", "x/../../y"));
  });

  it("makes user names into one safe segment", () => {
    expect(keySegment("me")).toBe("me");
    expect(keySegment("a/b c")).toBe("a_b_c");
    expect(keySegment("..")).toBe("_..");
    expect(keySegment("")).toBe("_");
  });
});
