"""How a job launch-local starts talks back to it: over HTTP, as the job's owner, with the job's
own token (LAUNCH_LOCAL_URL, LAUNCH_LOCAL_JOB_TOKEN). The token allows only what the job needs
(reading its input files, writing its outputs, creating its one endpoint) and ends with the job.
Standard library only, so a job needs nothing beyond the engine's own requirements.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, BinaryIO, Dict, Optional, Union

TIMEOUT_SECONDS = 300


class GatewayError(Exception):
    """launch-local answered with an error status."""

    def __init__(self, method: str, path: str, status: int, body: str) -> None:
        super().__init__(f"{method} {path} → HTTP {status}: {body[:500]}")
        self.status = status
        self.body = body


class JobClient:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token

    @classmethod
    def from_env(cls, fallback_url: Optional[str] = None) -> "JobClient":
        url = os.environ.get("LAUNCH_LOCAL_URL") or fallback_url
        token = os.environ.get("LAUNCH_LOCAL_JOB_TOKEN")
        if not url or not token:
            raise RuntimeError("LAUNCH_LOCAL_URL and LAUNCH_LOCAL_JOB_TOKEN must be set: this job is meant to be started by launch-local")
        return cls(url, token)

    def _request(self, method: str, path: str, params: Optional[Dict[str, str]] = None, data: Union[bytes, BinaryIO, None] = None,
                 headers: Optional[Dict[str, str]] = None) -> bytes:
        url = self.base_url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {self.token}", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            raise GatewayError(method, path, error.code, error.read().decode("utf-8", "replace")) from None

    def get_json(self, path: str) -> Any:
        return json.loads(self._request("GET", path))

    def post_json(self, path: str, body: Any) -> Any:
        data = json.dumps(body).encode("utf-8")
        return json.loads(self._request("POST", path, data=data, headers={"Content-Type": "application/json"}))

    def read_blob(self, location: str) -> bytes:
        return self._request("GET", "/_launch_local/blobs", {"location": location})

    def write_blob(self, location: str, data: bytes) -> None:
        self._request("PUT", "/_launch_local/blobs", {"location": location}, data=data, headers={"Content-Type": "application/octet-stream"})

    def write_blob_file(self, location: str, path: str) -> None:
        """Streams a file (a weights shard can be large) with its length up front."""
        size = os.path.getsize(path)
        with open(path, "rb") as source:
            headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
            self._request("PUT", "/_launch_local/blobs", {"location": location}, data=source, headers=headers)

    def read_dataset(self, value: str) -> str:
        """A training or validation file as the fine-tune names it: an s3:// location, else a Files-API id."""
        if value.startswith("s3://"):
            return self.read_blob(value).decode("utf-8")
        return self.get_json("/v1/files/" + urllib.parse.quote(value, safe="") + "/content")["content"]
