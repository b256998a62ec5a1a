"""boto3 against launch-local's S3-compatible door: objects, listings, owners, errors.

Usage: s3_objects_flow.py <endpoint url>   (prints "s3 objects flow: OK" when every check held)
"""
import hashlib
import io
import sys
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = sys.argv[1]


def client(user, **config):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=user,
        aws_secret_access_key="anything",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, **config),
    )


def error_of(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except ClientError as error:
        return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{call.__name__} did not fail")


alice, bob = client("alice"), client("bob")

# Buckets: the store's own bucket is there from the start; others are created.
alice.create_bucket(Bucket="data")
names = [bucket["Name"] for bucket in alice.list_buckets()["Buckets"]]
assert "data" in names, names
alice.head_bucket(Bucket="data")
assert error_of(alice.head_bucket, Bucket="nope") == ("404", 404)
assert error_of(alice.get_object, Bucket="nope", Key="k") == ("NoSuchBucket", 404)
assert error_of(alice.put_object, Bucket="nope", Key="k", Body=b"x") == ("NoSuchBucket", 404)

# Put, head, get, ranges, conditional reads.
put = alice.put_object(Bucket="data", Key="dir/a.txt", Body=b"hello world")
assert put["ETag"] == '"%s"' % hashlib.md5(b"hello world").hexdigest(), put["ETag"]
head = alice.head_object(Bucket="data", Key="dir/a.txt")
assert head["ContentLength"] == 11 and head["ETag"] == put["ETag"], head
got = alice.get_object(Bucket="data", Key="dir/a.txt")
assert got["Body"].read() == b"hello world"
part = alice.get_object(Bucket="data", Key="dir/a.txt", Range="bytes=6-")
assert part["Body"].read() == b"world" and part["ContentRange"] == "bytes 6-10/11", part["ContentRange"]
assert alice.get_object(Bucket="data", Key="dir/a.txt", Range="bytes=-5")["Body"].read() == b"world"
assert error_of(alice.get_object, Bucket="data", Key="dir/a.txt", Range="bytes=50-60") == ("InvalidRange", 416)
assert error_of(alice.get_object, Bucket="data", Key="dir/a.txt", IfMatch='"0000"') == ("PreconditionFailed", 412)
assert error_of(alice.get_object, Bucket="data", Key="missing") == ("NoSuchKey", 404)
assert error_of(alice.head_object, Bucket="data", Key="missing") == ("404", 404)

# A file-like body (Expect: 100-continue), keys that need encoding, a wrong checksum.
alice.put_object(Bucket="data", Key="odd keys/a+b c=ü.txt", Body=io.BytesIO(b"odd"))
assert alice.get_object(Bucket="data", Key="odd keys/a+b c=ü.txt")["Body"].read() == b"odd"
assert error_of(alice.put_object, Bucket="data", Key="bad", Body=b"abc", ChecksumCRC32="AAAAAA==") == ("BadDigest", 400)
assert error_of(alice.put_object, Bucket="data", Key="bad", Body=b"abc", ContentMD5="1B2M2Y8AsgTpgAmY7PhCfg==") == ("BadDigest", 400)

# Owners: bob neither sees nor touches alice's objects.
assert error_of(bob.get_object, Bucket="data", Key="dir/a.txt") == ("NoSuchKey", 404)
assert error_of(bob.head_object, Bucket="data", Key="dir/a.txt") == ("404", 404)
assert error_of(bob.put_object, Bucket="data", Key="dir/a.txt", Body=b"mine now") == ("AccessDenied", 403)
assert error_of(bob.delete_object, Bucket="data", Key="dir/a.txt") == ("AccessDenied", 403)
assert error_of(bob.copy_object, Bucket="data", Key="stolen", CopySource={"Bucket": "data", "Key": "dir/a.txt"}) == ("NoSuchKey", 404)
assert bob.list_objects_v2(Bucket="data").get("KeyCount") == 0
assert alice.get_object(Bucket="data", Key="dir/a.txt")["Body"].read() == b"hello world"
# A public object is readable by anyone, still writable only by its owner.
alice.put_object(Bucket="data", Key="shared.bin", Body=b"for all", ACL="public-read")
assert bob.get_object(Bucket="data", Key="shared.bin")["Body"].read() == b"for all"
assert error_of(bob.put_object, Bucket="data", Key="shared.bin", Body=b"x") == ("AccessDenied", 403)

# Listings: prefix, delimiter, common prefixes, pages.
for name in ["list/a/1", "list/a/2", "list/b/1", "list/c", "list/d", "list/e"]:
    alice.put_object(Bucket="data", Key=name, Body=name.encode())
bob.put_object(Bucket="data", Key="list/bobs", Body=b"bob")
top = alice.list_objects_v2(Bucket="data", Prefix="list/", Delimiter="/")
assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["list/a/", "list/b/"], top
assert [o["Key"] for o in top["Contents"]] == ["list/c", "list/d", "list/e"], top
paginator = alice.get_paginator("list_objects_v2")
pages = list(paginator.paginate(Bucket="data", Prefix="list/", PaginationConfig={"PageSize": 2}))
assert len(pages) == 3, [page.get("KeyCount") for page in pages]
keys = [o["Key"] for page in pages for o in page.get("Contents", [])]
assert keys == ["list/a/1", "list/a/2", "list/b/1", "list/c", "list/d", "list/e"], keys
grouped = list(paginator.paginate(Bucket="data", Prefix="list/", Delimiter="/", PaginationConfig={"PageSize": 1}))
entries = [p["Prefix"] for page in grouped for p in page.get("CommonPrefixes", [])] + [o["Key"] for page in grouped for o in page.get("Contents", [])]
assert sorted(entries) == ["list/a/", "list/b/", "list/c", "list/d", "list/e"], entries
after = alice.list_objects_v2(Bucket="data", Prefix="list/", StartAfter="list/c")
assert [o["Key"] for o in after["Contents"]] == ["list/d", "list/e"], after
odd = alice.list_objects_v2(Bucket="data", Prefix="odd keys/")
assert [o["Key"] for o in odd["Contents"]] == ["odd keys/a+b c=ü.txt"], odd
v1 = alice.list_objects(Bucket="data", Prefix="list/", MaxKeys=3)
assert [o["Key"] for o in v1["Contents"]] == ["list/a/1", "list/a/2", "list/b/1"] and v1["IsTruncated"], v1
assert [o["Key"] for o in bob.list_objects_v2(Bucket="data", Prefix="list/")["Contents"]] == ["list/bobs"]

# Copy, delete, DeleteObjects.
copied = alice.copy_object(Bucket="data", Key="copy.txt", CopySource={"Bucket": "data", "Key": "dir/a.txt"})
assert copied["CopyObjectResult"]["ETag"] == put["ETag"]
alice.delete_object(Bucket="data", Key="copy.txt")
alice.delete_object(Bucket="data", Key="never-there")
assert error_of(alice.get_object, Bucket="data", Key="copy.txt") == ("NoSuchKey", 404)
deleted = alice.delete_objects(Bucket="data", Delete={"Objects": [{"Key": "list/a/1"}, {"Key": "list/a/2"}, {"Key": "list/bobs"}]})
assert sorted(d["Key"] for d in deleted["Deleted"]) == ["list/a/1", "list/a/2"], deleted
assert [(e["Key"], e["Code"]) for e in deleted["Errors"]] == [("list/bobs", "AccessDenied")], deleted
assert [p["Prefix"] for p in alice.list_objects_v2(Bucket="data", Prefix="list/", Delimiter="/")["CommonPrefixes"]] == ["list/b/"]

# Presigned GETs, SigV2 (boto3's default for s3) and SigV4, fetched without credentials.
for signer in (alice, client("alice", signature_version="s3v4")):
    url = signer.generate_presigned_url("get_object", Params={"Bucket": "data", "Key": "dir/a.txt"}, ExpiresIn=60)
    with urllib.request.urlopen(url) as answer:
        assert answer.read() == b"hello world"

# Buckets are deleted only when empty.
assert error_of(alice.delete_bucket, Bucket="data") == ("BucketNotEmpty", 409)
alice.create_bucket(Bucket="scratch")
alice.delete_bucket(Bucket="scratch")
assert error_of(alice.head_bucket, Bucket="scratch") == ("404", 404)

print("s3 objects flow: OK")
