/**
 * An upload's bytes as the object will hold them: read within the body size limit, the aws-chunked
 * framing removed (aws-chunked.ts), and every checksum the client sent checked (checksums.ts).
 */
import type { Context } from "hono";
import { ObjectError } from "../../../domain/blobs/object-errors.js";
import { readLimited } from "../../body-read.js";
import type { HttpEnv } from "../../context.js";
import { decodeAwsChunked } from "./aws-chunked.js";
import { verifyChecksums } from "./checksums.js";

const isChunked = (c: Context<HttpEnv>): boolean =>
  (c.req.header("content-encoding") ?? "").split(",").some((coding) => coding.trim() === "aws-chunked") ||
  (c.req.header("x-amz-content-sha256") ?? "").startsWith("STREAMING-");

export async function readUpload(c: Context<HttpEnv>, maxBodyBytes: number): Promise<Uint8Array> {
  const raw = await readLimited(c.req.raw, maxBodyBytes);
  if (!isChunked(c)) {
    verifyChecksums(raw, (name) => c.req.header(name));
    return raw;
  }
  const { data, trailers } = decodeAwsChunked(raw);
  const declared = c.req.header("x-amz-decoded-content-length");
  if (declared !== undefined && Number(declared) !== data.byteLength) {
    throw new ObjectError("InvalidRequest", `The body holds ${data.byteLength} bytes; x-amz-decoded-content-length says ${declared}.`);
  }
  verifyChecksums(data, (name) => (name === "x-amz-content-sha256" ? undefined : (trailers.get(name) ?? c.req.header(name))));
  return data;
}
