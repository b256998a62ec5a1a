/**
 * The multipart operations of the S3 door (domain/blobs/multipart-service.ts):
 * CreateMultipartUpload (`POST ?uploads`), UploadPart (`PUT ?partNumber&uploadId`), ListParts
 * (`GET ?uploadId`), CompleteMultipartUpload (`POST ?uploadId`), AbortMultipartUpload
 * (`DELETE ?uploadId`) and ListMultipartUploads (`GET <bucket>?uploads`).
 */
import { ObjectError } from "../../../domain/blobs/object-errors.js";
import { MAX_PART_NUMBER, type MultipartService } from "../../../domain/blobs/multipart-service.js";
import { readUpload } from "./s3-body.js";
import { type S3ObjectRequest, type S3Request, isoTime, publicFromAcl, quotedEtag, xmlAnswer } from "./s3-request.js";
import { S3_PATH } from "./s3-target.js";
import { el, optional, xmlElements, xmlText } from "./s3-xml.js";

const MAX_PARTS = 1000;

const uploadIdOf = (request: S3Request): string => request.query.get("uploadId") ?? "";

function partNumberOf(request: S3Request): number {
  const text = request.query.get("partNumber") ?? "";
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= 1 && number <= MAX_PART_NUMBER)) {
    throw new ObjectError("InvalidArgument", `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`);
  }
  return number;
}

export async function createUpload(multipart: MultipartService, request: S3ObjectRequest): Promise<Response> {
  const upload = await multipart.create(request.actor, request.bucket, request.key, publicFromAcl(request.c.req.header("x-amz-acl")));
  return xmlAnswer(request.c, el("InitiateMultipartUploadResult", [el("Bucket", upload.bucket), el("Key", upload.key), el("UploadId", upload.uploadId)]));
}

export async function uploadPart(multipart: MultipartService, request: S3ObjectRequest, maxBodyBytes: number): Promise<Response> {
  const partNumber = partNumberOf(request);
  const uploadId = uploadIdOf(request);
  // Checked before the body is read, so a part for an unknown upload fails at once.
  await multipart.upload(request.actor, request.bucket, request.key, uploadId);
  const data = await readUpload(request.c, maxBodyBytes);
  const part = await multipart.putPart(request.actor, request.bucket, request.key, uploadId, partNumber, data);
  return request.c.body(null, 200, { ETag: quotedEtag(part.md5) });
}

export async function listParts(multipart: MultipartService, request: S3ObjectRequest): Promise<Response> {
  const uploadId = uploadIdOf(request);
  const { upload, parts } = await multipart.parts(request.actor, request.bucket, request.key, uploadId);
  const marker = Number(request.query.get("part-number-marker") ?? "0") || 0;
  const maxParts = Math.min(Number(request.query.get("max-parts") ?? String(MAX_PARTS)) || MAX_PARTS, MAX_PARTS);
  const after = parts.filter((part) => part.partNumber > marker);
  const page = after.slice(0, maxParts);
  const isTruncated = after.length > page.length;
  return xmlAnswer(
    request.c,
    el("ListPartsResult", [
      el("Bucket", upload.bucket),
      el("Key", upload.key),
      el("UploadId", upload.uploadId),
      el("PartNumberMarker", marker),
      ...optional("NextPartNumberMarker", isTruncated ? (page[page.length - 1]?.partNumber ?? null) : null),
      el("MaxParts", maxParts),
      el("IsTruncated", isTruncated),
      el("StorageClass", "STANDARD"),
      ...page.map((part) =>
        el("Part", [el("PartNumber", part.partNumber), el("LastModified", isoTime(part.modifiedAt)), el("ETag", quotedEtag(part.md5)), el("Size", part.size)]),
      ),
    ]),
  );
}

export async function completeUpload(multipart: MultipartService, request: S3ObjectRequest, maxBodyBytes: number): Promise<Response> {
  const body = Buffer.from(await readUpload(request.c, maxBodyBytes)).toString("utf8");
  const [document] = xmlElements(body, "CompleteMultipartUpload");
  if (document === undefined)
    throw new ObjectError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
  const parts = xmlElements(document, "Part").map((part) => {
    const number = Number(xmlText(part, "PartNumber") ?? "NaN");
    const etag = xmlText(part, "ETag");
    if (!Number.isInteger(number) || etag === null)
      throw new ObjectError("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
    return { partNumber: number, etag };
  });
  const md5 = await multipart.complete(request.actor, request.bucket, request.key, uploadIdOf(request), parts);
  const location = `${new URL(request.c.req.url).origin}${S3_PATH}/${request.bucket}/${request.key.split("/").map(encodeURIComponent).join("/")}`;
  return xmlAnswer(
    request.c,
    el("CompleteMultipartUploadResult", [el("Location", location), el("Bucket", request.bucket), el("Key", request.key), el("ETag", quotedEtag(md5))]),
  );
}

export async function abortUpload(multipart: MultipartService, request: S3ObjectRequest): Promise<Response> {
  await multipart.abort(request.actor, request.bucket, request.key, uploadIdOf(request));
  return request.c.body(null, 204);
}

export async function listUploads(multipart: MultipartService, request: S3Request): Promise<Response> {
  const prefix = request.query.get("prefix") ?? "";
  const uploads = await multipart.list(request.actor, request.bucket, prefix);
  return xmlAnswer(
    request.c,
    el("ListMultipartUploadsResult", [
      el("Bucket", request.bucket),
      el("KeyMarker", ""),
      el("UploadIdMarker", ""),
      el("Prefix", prefix),
      el("MaxUploads", MAX_PARTS),
      el("IsTruncated", false),
      ...uploads.map((upload) =>
        el("Upload", [
          el("Key", upload.key),
          el("UploadId", upload.uploadId),
          el("Initiator", [el("ID", upload.owner), el("DisplayName", upload.owner)]),
          el("Owner", [el("ID", upload.owner), el("DisplayName", upload.owner)]),
          el("StorageClass", "STANDARD"),
          el("Initiated", isoTime(upload.initiatedAt)),
        ]),
      ),
    ]),
  );
}
