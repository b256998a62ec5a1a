/**
 * The `aws-chunked` content encoding the AWS SDKs use for streamed uploads
 * (`x-amz-content-sha256: STREAMING-…`): `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` per
 * chunk, a zero-size chunk, then optional trailer lines (`x-amz-checksum-crc32:<base64>`, the
 * trailer signature) and an empty line. Chunk signatures cannot be checked without a secret and are
 * skipped.
 */
import { ObjectError } from "../../../domain/blobs/object-errors.js";

export interface DecodedChunks {
  data: Uint8Array;
  /** Trailer fields by lower-case name. */
  trailers: Map<string, string>;
}

const malformed = (why: string): ObjectError => new ObjectError("InvalidRequest", `Malformed aws-chunked body: ${why}.`);

export function decodeAwsChunked(body: Uint8Array): DecodedChunks {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const chunks: Buffer[] = [];
  let offset = 0;
  const line = (): string => {
    const end = bytes.indexOf("\r\n", offset);
    if (end < 0) throw malformed("a line without CRLF");
    const text = bytes.subarray(offset, end).toString("latin1");
    offset = end + 2;
    return text;
  };
  for (;;) {
    const header = line();
    const sizeText = (header.split(";")[0] ?? "").trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw malformed(`chunk size ${JSON.stringify(sizeText)}`);
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) break;
    if (offset + size > bytes.byteLength) throw malformed("a chunk longer than the body");
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
    if (bytes.subarray(offset, offset + 2).toString("latin1") !== "\r\n") throw malformed("a chunk not followed by CRLF");
    offset += 2;
  }
  const trailers = new Map<string, string>();
  while (offset < bytes.byteLength) {
    const field = line();
    if (field === "") break;
    const colon = field.indexOf(":");
    if (colon > 0) trailers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
  }
  return { data: chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks), trailers };
}
