/**
 * The errors of the S3-compatible door (http/routes/s3/), coded by S3's own error codes so that
 * boto3 and the AWS SDKs raise what they raise against S3 (`ClientError` with
 * `Error.Code == "NoSuchKey"`, …). `http/routes/s3/s3-error-table.ts` maps each code to its status.
 */
export type ObjectErrorCode =
  | "AccessDenied"
  | "AuthorizationQueryParametersError"
  | "BadDigest"
  | "BucketNotEmpty"
  | "EntityTooLarge"
  | "EntityTooSmall"
  | "InvalidAccessKeyId"
  | "InvalidArgument"
  | "InvalidBucketName"
  | "InvalidDigest"
  | "InvalidPart"
  | "InvalidPartOrder"
  | "InvalidRange"
  | "InvalidRequest"
  | "InvalidURI"
  | "MalformedXML"
  | "NoSuchBucket"
  | "NoSuchKey"
  | "NoSuchUpload"
  | "NotImplemented"
  | "PreconditionFailed"
  | "XAmzContentSHA256Mismatch";

/** Where the error happened, for the `<Error>` body's BucketName, Key and UploadId. */
export interface ObjectErrorPlace {
  bucket?: string;
  key?: string;
  uploadId?: string;
}

export class ObjectError extends Error {
  readonly code: ObjectErrorCode;
  readonly place: ObjectErrorPlace;

  constructor(code: ObjectErrorCode, message: string, place: ObjectErrorPlace = {}) {
    super(message);
    this.name = "ObjectError";
    this.code = code;
    this.place = place;
  }
}

export const noSuchKey = (bucket: string, key: string): ObjectError => new ObjectError("NoSuchKey", "The specified key does not exist.", { bucket, key });
export const noSuchBucket = (bucket: string): ObjectError => new ObjectError("NoSuchBucket", "The specified bucket does not exist", { bucket });
export const accessDenied = (place: ObjectErrorPlace = {}): ObjectError => new ObjectError("AccessDenied", "Access Denied", place);
export const noSuchUpload = (uploadId: string): ObjectError =>
  new ObjectError("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", {
    uploadId,
  });
