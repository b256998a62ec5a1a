/**
 * The integrity checks S3 makes on an upload, in the forms the SDKs send them: `Content-MD5`, the
 * SigV4 payload hash (`x-amz-content-sha256` when it is a hash), and the flexible checksums
 * (`x-amz-checksum-crc32|crc32c|sha1|sha256`, as a header or an aws-chunked trailer). CRC64NVME is
 * accepted unchecked.
 */
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { ObjectError } from "../../../domain/blobs/object-errors.js";

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC32C_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const uint32Base64 = (value: number): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString("base64");
};

const ALGORITHMS: Record<string, (data: Uint8Array) => string> = {
  crc32: (data) => uint32Base64(crc32(data)),
  crc32c: (data) => uint32Base64(crc32c(data)),
  sha1: (data) => createHash("sha1").update(data).digest("base64"),
  sha256: (data) => createHash("sha256").update(data).digest("base64"),
};

/** The flexible checksum fields S3 knows, checked or not. */
export const CHECKSUM_FIELDS = ["crc32", "crc32c", "sha1", "sha256", "crc64nvme"].map((name) => `x-amz-checksum-${name}`);

/** Throws BadDigest when a given checksum does not match `data`; `fields` are lower-case names. */
export function verifyChecksums(data: Uint8Array, fields: (name: string) => string | undefined): void {
  const md5 = fields("content-md5");
  if (md5 !== undefined) {
    if (Buffer.from(md5, "base64").byteLength !== 16) throw new ObjectError("InvalidDigest", "The Content-MD5 you specified was invalid.");
    if (createHash("md5").update(data).digest("base64") !== md5)
      throw new ObjectError("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
  const payloadHash = fields("x-amz-content-sha256");
  if (payloadHash !== undefined && /^[0-9a-f]{64}$/.test(payloadHash) && createHash("sha256").update(data).digest("hex") !== payloadHash) {
    throw new ObjectError("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  for (const [name, compute] of Object.entries(ALGORITHMS)) {
    const given = fields(`x-amz-checksum-${name}`);
    if (given !== undefined && compute(data) !== given) {
      throw new ObjectError("BadDigest", `The ${name.toUpperCase()} you specified did not match the calculated checksum.`);
    }
  }
}
