"""Reads request inputs by URL and writes pickled results into the local blob store.

The emulator's blob store keeps s3://bucket/key at <LAUNCH_BLOB_ROOT>/<bucket>/<key>.
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
    def __init__(self, root: Optional[str], results_bucket: str) -> None:
        self._root = root
        self._results_bucket = results_bucket
        self._results_dir_ready = False

    def read_url(self, url: str) -> bytes:
        parsed = urllib.parse.urlparse(url)
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
        path = self._s3_path(self._results_bucket, key)
        if not self._results_dir_ready:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self._results_dir_ready = True
        payload = cloudpickle.dumps(output)
        with open(path, "wb") as result:
            result.write(payload)
        return "s3://%s/%s" % (self._results_bucket, key)

    def _s3_path(self, bucket: str, key: str) -> str:
        if self._root is None:
            raise ValueError("LAUNCH_BLOB_ROOT is not set, so s3:// urls cannot be used")
        if not bucket or not key:
            raise ValueError("Malformed s3 url: bucket %r, key %r" % (bucket, key))
        path = os.path.normpath(os.path.join(self._root, bucket, key))
        if not path.startswith(os.path.join(self._root, "")):
            raise ValueError("s3 key %r escapes the blob store" % key)
        return path
