"""Reads request inputs by URL and writes pickled results into the emulator's blob store.

The blob store keeps s3://bucket/key at <LAUNCH_BLOB_ROOT>/<bucket>/<key>. A worker on another
machine (a Ray node) has no such folder: it reaches the same objects over HTTP at
<LAUNCH_BLOB_URL>/<bucket>/<key> with the bearer token it was given (GET any object of the bucket,
PUT only under the results prefix).
"""
from __future__ import annotations

import os
import urllib.parse
import urllib.request
import uuid
from typing import Any, Optional

import cloudpickle

# model-engine's results prefix (`inference/common.py` _write_to_s3, §4.3).
RESULTS_PREFIX = "tmp/hosted-model-inference-outputs"
HTTP_TIMEOUT_SECONDS = 60


class BlobStore:
    def __init__(
        self, root: Optional[str], results_bucket: str, url: Optional[str] = None, token: Optional[str] = None
    ) -> None:
        self._root = root
        self._results_bucket = results_bucket
        self._results_dir_ready = False
        self._url = url.rstrip("/") if url else None
        self._token = token

    def read_url(self, url: str) -> bytes:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme == "s3" and self._url is not None:
            return self._remote("GET", parsed.netloc, parsed.path.lstrip("/"), None)
        if parsed.scheme == "s3":
            with open(self._s3_path(parsed.netloc, parsed.path.lstrip("/")), "rb") as blob:
                return blob.read()
        if parsed.scheme in ("http", "https"):
            with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_SECONDS) as response:
                return response.read()
        if parsed.scheme == "file":
            path = urllib.request.url2pathname(parsed.path)
        elif parsed.scheme == "":
            path = url  # a plain local path, as smart_open accepts
        else:
            raise ValueError("Unsupported url scheme %r in %r" % (parsed.scheme, url))
        with open(path, "rb") as local:
            return local.read()

    def write_result(self, output: Any) -> str:
        """Cloudpickles `output` and returns its s3:// url (model-engine's `_write_to_s3`)."""
        key = "%s/%s.pkl" % (RESULTS_PREFIX, uuid.uuid4())
        if self._url is not None:
            self._remote("PUT", self._results_bucket, key, cloudpickle.dumps(output))
            return "s3://%s/%s" % (self._results_bucket, key)
        path = self._s3_path(self._results_bucket, key)
        if not self._results_dir_ready:
            os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
            self._results_dir_ready = True
        payload = cloudpickle.dumps(output)
        # Private to the instance, as the server's own blobs are (README "Trust model").
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as result:
            result.write(payload)
        return "s3://%s/%s" % (self._results_bucket, key)

    def _remote(self, method: str, bucket: str, key: str, data: Optional[bytes]) -> bytes:
        if not bucket or not key:
            raise ValueError("Malformed s3 url: bucket %r, key %r" % (bucket, key))
        quoted = "/".join(urllib.parse.quote(part, safe="") for part in [bucket] + key.split("/"))
        request = urllib.request.Request("%s/%s" % (self._url, quoted), data=data, method=method)
        request.add_header("Authorization", "Bearer %s" % (self._token or ""))
        if data is not None:
            request.add_header("Content-Type", "application/octet-stream")
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
            return response.read()

    def _s3_path(self, bucket: str, key: str) -> str:
        if self._root is None:
            raise ValueError("LAUNCH_BLOB_ROOT is not set, so s3:// urls cannot be used")
        if not bucket or not key:
            raise ValueError("Malformed s3 url: bucket %r, key %r" % (bucket, key))
        path = os.path.normpath(os.path.join(self._root, bucket, key))
        if not path.startswith(os.path.join(self._root, "")):
            raise ValueError("s3 key %r escapes the blob store" % key)
        return path
