import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ObjectError } from "../../../src/domain/blobs/object-errors.js";
import { decodeAwsChunked } from "../../../src/http/routes/s3/aws-chunked.js";
import { verifyChecksums } from "../../../src/http/routes/s3/checksums.js";
import { s3Caller } from "../../../src/http/routes/s3/s3-auth.js";
import { s3ErrorAnswer } from "../../../src/http/routes/s3/s3-error-table.js";
import { byteRange } from "../../../src/http/routes/s3/s3-objects.js";
import { s3Target } from "../../../src/http/routes/s3/s3-target.js";
import { xmlDocument, el, xmlElements, xmlText } from "../../../src/http/routes/s3/s3-xml.js";

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ObjectError) return error.code;
    throw error;
  }
  return "none";
};

describe("the aws-chunked encoding", () => {
  it("joins the chunks and reads the trailers, signed chunk headers or not", () => {
    const body = Buffer.from("5;chunk-signature=ab\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n");
    const decoded = decodeAwsChunked(body);
    expect(Buffer.from(decoded.data).toString()).toBe("hello world");
    expect(decoded.trailers.get("x-amz-checksum-crc32")).toBe("DUoRhQ==");
  });

  it("refuses a chunk longer than the body", () => {
    expect(codeOf(() => decodeAwsChunked(Buffer.from("ff\r\nabc\r\n0\r\n\r\n")))).toBe("InvalidRequest");
  });
});

describe("upload checksums", () => {
  const data = Buffer.from("hello world");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data));

  it("accepts matching CRC32, CRC32C, SHA-256 and Content-MD5 values and refuses a wrong one", () => {
    const fields: Record<string, string> = {
      "x-amz-checksum-crc32": crc.toString("base64"),
      "x-amz-checksum-crc32c": "yZRlqg==",
      "content-md5": "XrY7u+Ae7tCTyyK7j1rNww==",
      "x-amz-content-sha256": "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
    };
    expect(() => verifyChecksums(data, (name) => fields[name])).not.toThrow();
    expect(codeOf(() => verifyChecksums(data, (name) => ({ ...fields, "x-amz-checksum-crc32c": "AAAAAA==" })[name]))).toBe("BadDigest");
    expect(codeOf(() => verifyChecksums(data, (name) => (name === "x-amz-content-sha256" ? "0".repeat(64) : undefined)))).toBe("XAmzContentSHA256Mismatch");
    expect(() => verifyChecksums(data, (name) => (name === "x-amz-content-sha256" ? "UNSIGNED-PAYLOAD" : undefined))).not.toThrow();
  });
});

describe("the S3 caller", () => {
  const keys = { allowedKeys: new Set(["alice", "root"]), adminKeys: new Set(["root"]) };
  const none = new URLSearchParams();

  it("is the access key id of a SigV4 or SigV2 signature, checked against the keys", () => {
    const v4 = "AWS4-HMAC-SHA256 Credential=alice/20261202/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00";
    expect(s3Caller(v4, none, 0, keys)).toEqual({ owner: "alice", isAdmin: false });
    expect(s3Caller("AWS root:c2ln", none, 0, keys)).toEqual({ owner: "root", isAdmin: true });
    expect(codeOf(() => s3Caller(v4.replace("alice", "mallory"), none, 0, keys))).toBe("InvalidAccessKeyId");
    expect(codeOf(() => s3Caller(undefined, none, 0, keys))).toBe("AccessDenied");
  });

  it("checks a presigned URL's expiry", () => {
    const query = new URLSearchParams({
      "X-Amz-Credential": "alice/20261202/us-east-1/s3/aws4_request",
      "X-Amz-Date": "20261202T100000Z",
      "X-Amz-Expires": "60",
    });
    const signedAt = Date.UTC(2026, 11, 2, 10, 0, 0);
    expect(s3Caller(undefined, query, signedAt + 59_000, keys).owner).toBe("alice");
    expect(codeOf(() => s3Caller(undefined, query, signedAt + 61_000, keys))).toBe("AccessDenied");
    expect(codeOf(() => s3Caller(undefined, new URLSearchParams({ AWSAccessKeyId: "alice", Expires: "10" }), 11_000, keys))).toBe("AccessDenied");
  });
});

describe("the S3 wire", () => {
  it("reads bucket and key from the path, percent-decoded", () => {
    expect(s3Target("http://h/_launch_local/s3/b/a%20b/c%2Bd?list-type=2")).toMatchObject({ bucket: "b", key: "a b/c+d" });
    expect(s3Target("http://h/_launch_local/s3/b/")).toMatchObject({ bucket: "b", key: null });
    expect(s3Target("http://h/_launch_local/s3")).toMatchObject({ bucket: null, key: null });
  });

  it("answers ranges as S3 does", () => {
    expect(byteRange("bytes=0-4", 10)).toEqual({ start: 0, end: 4 });
    expect(byteRange("bytes=5-", 10)).toEqual({ start: 5, end: 9 });
    expect(byteRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(byteRange("bytes=2-100", 10)).toEqual({ start: 2, end: 9 });
    expect(codeOf(() => byteRange("bytes=10-", 10))).toBe("InvalidRange");
  });

  it("writes escaped XML and S3's error document", () => {
    expect(xmlDocument(el("A", [el("Key", "<&>")]))).toContain('<A xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Key>&lt;&amp;&gt;</Key></A>');
    const answer = s3ErrorAnswer(new ObjectError("NoSuchKey", "The specified key does not exist."), { bucket: "b", key: "k" }, "req1");
    expect(answer.status).toBe(404);
    expect(answer.body).toContain("<Code>NoSuchKey</Code>");
    expect(answer.body).toContain("<Resource>/b/k</Resource>");
    expect(s3ErrorAnswer(new Error("boom"), {}, "r").status).toBe(500);
  });

  it("reads the request bodies' elements", () => {
    const xml = '<Delete xmlns="x"><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key></Object></Delete>';
    expect(xmlElements(xml, "Object").map((object) => xmlText(object, "Key"))).toEqual(["a&b", "c"]);
  });
});
