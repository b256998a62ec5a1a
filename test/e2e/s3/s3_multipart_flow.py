"""boto3 against launch-local's S3 door: multipart uploads, ranged downloads, aws-chunked bodies.

Usage: s3_multipart_flow.py <endpoint url> <scratch folder>   (prints "s3 multipart flow: OK")
"""
import hashlib
import io
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT, SCRATCH = sys.argv[1], sys.argv[2]
BUCKET = "launch-local"
MIB = 1024 * 1024


def client(user):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=user,
        aws_secret_access_key="anything",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )


def error_of(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"]
    raise AssertionError(f"{call.__name__} did not fail")


def trailing_checksums(s3):
    """What botocore sends over TLS: aws-chunked bodies with the CRC32 in a trailer (it keeps a plain
    body over http unless told otherwise; the framing is botocore's own)."""

    def to_trailer(params, **kwargs):
        algorithm = params.get("context", {}).get("checksum", {}).get("request_algorithm")
        if algorithm:
            algorithm["in"] = "trailer"

    for operation in ("PutObject", "UploadPart"):
        s3.meta.events.register(f"before-call.s3.{operation}", to_trailer)
    return s3


alice, bob = client("alice"), client("bob")
data = os.urandom(21 * MIB + 123)
source = os.path.join(SCRATCH, "weights.bin")
with open(source, "wb") as handle:
    handle.write(data)

# s3transfer: a multipart upload of 8 MiB parts sent at once, then a download in ranged GETs
# (with If-Match on the HEAD's ETag).
config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB, max_concurrency=4)
alice.upload_file(source, BUCKET, "models/weights.bin", Config=config)
head = alice.head_object(Bucket=BUCKET, Key="models/weights.bin")
assert head["ContentLength"] == len(data), head
assert head["ETag"] == '"%s"' % hashlib.md5(data).hexdigest(), head["ETag"]
target = os.path.join(SCRATCH, "downloaded.bin")
alice.download_file(BUCKET, "models/weights.bin", target, Config=config)
with open(target, "rb") as handle:
    assert handle.read() == data
assert error_of(bob.head_object, Bucket=BUCKET, Key="models/weights.bin") == "404"

# The low-level calls, with their errors.
upload = alice.create_multipart_upload(Bucket=BUCKET, Key="parts/object.bin")
upload_id = upload["UploadId"]
first = alice.upload_part(Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id, PartNumber=1, Body=data[: 5 * MIB])
second = alice.upload_part(Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id, PartNumber=2, Body=b"tail")
listed = alice.list_parts(Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id)
assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 5 * MIB), (2, 4)], listed
uploads = alice.list_multipart_uploads(Bucket=BUCKET)
assert [u["UploadId"] for u in uploads["Uploads"]] == [upload_id], uploads
assert "Uploads" not in bob.list_multipart_uploads(Bucket=BUCKET)
assert error_of(bob.upload_part, Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id, PartNumber=3, Body=b"x") == "NoSuchUpload"
assert error_of(bob.list_parts, Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id) == "NoSuchUpload"
assert error_of(alice.upload_part, Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id, PartNumber=0, Body=b"x") == "InvalidArgument"
parts = [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]
wrong = [{"PartNumber": 1, "ETag": second["ETag"]}, parts[1]]
assert error_of(alice.complete_multipart_upload, Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id, MultipartUpload={"Parts": wrong}) == "InvalidPart"
assert error_of(alice.complete_multipart_upload, Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id, MultipartUpload={"Parts": parts[::-1]}) == "InvalidPartOrder"
done = alice.complete_multipart_upload(Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id, MultipartUpload={"Parts": parts})
assert done["Key"] == "parts/object.bin", done
assert alice.get_object(Bucket=BUCKET, Key="parts/object.bin")["Body"].read() == data[: 5 * MIB] + b"tail"
assert error_of(alice.list_parts, Bucket=BUCKET, Key="parts/object.bin", UploadId=upload_id) == "NoSuchUpload"
assert error_of(bob.get_object, Bucket=BUCKET, Key="parts/object.bin") == "NoSuchKey"

# Small parts before the last one, an aborted upload, an upload onto another owner's key.
small = alice.create_multipart_upload(Bucket=BUCKET, Key="parts/small.bin")["UploadId"]
one = alice.upload_part(Bucket=BUCKET, Key="parts/small.bin", UploadId=small, PartNumber=1, Body=b"a")
two = alice.upload_part(Bucket=BUCKET, Key="parts/small.bin", UploadId=small, PartNumber=2, Body=b"b")
small_parts = {"Parts": [{"PartNumber": 1, "ETag": one["ETag"]}, {"PartNumber": 2, "ETag": two["ETag"]}]}
assert error_of(alice.complete_multipart_upload, Bucket=BUCKET, Key="parts/small.bin", UploadId=small, MultipartUpload=small_parts) == "EntityTooSmall"
alice.abort_multipart_upload(Bucket=BUCKET, Key="parts/small.bin", UploadId=small)
assert error_of(alice.abort_multipart_upload, Bucket=BUCKET, Key="parts/small.bin", UploadId=small) == "NoSuchUpload"
assert error_of(bob.create_multipart_upload, Bucket=BUCKET, Key="parts/object.bin") == "AccessDenied"

# aws-chunked bodies with trailing CRC32s, as botocore frames them.
chunked = trailing_checksums(client("alice"))
chunked.put_object(Bucket=BUCKET, Key="chunked/small.txt", Body=io.BytesIO(b"framed bytes"))
assert alice.get_object(Bucket=BUCKET, Key="chunked/small.txt")["Body"].read() == b"framed bytes"
chunked.upload_file(source, BUCKET, "chunked/weights.bin", Config=config)
assert alice.get_object(Bucket=BUCKET, Key="chunked/weights.bin")["Body"].read() == data

print("s3 multipart flow: OK")
