"""A small HTTP/1.1 keep-alive server on socketserver, tuned for loopback latency.

Written on socketserver rather than http.server because BaseHTTPRequestHandler parses headers with
the email package, which was about half of the worker's time per request. What it keeps:
- each response (status line, headers, body) goes out in ONE send: split writes meet Nagle plus
  delayed ACK and cost 40 ms per request on loopback; TCP_NODELAY is set as well;
- Content-Length on every response; keep-alive unless the client asks to close (HTTP/1.0: unless
  it asks to keep alive); `Expect: 100-continue` and chunked request bodies;
- with a token (LAUNCH_WORKER_TOKEN), every request, health routes included, must carry it in
  X-Launch-Worker-Token (compared in constant time): 401 without it, 403 with another. The port is
  on loopback, where any user of the machine could otherwise call it (README "Trust model").
"""
from __future__ import annotations

import hmac
import json
import socket
import socketserver
import sys
import time
import traceback
from http import HTTPStatus
from typing import Any, Dict, Optional, Tuple

from .app import WorkerApp

MAX_LINE_BYTES = 65536
MAX_HEADERS = 100
_REASONS = {status.value: status.phrase for status in HTTPStatus}
_OK_JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Type: application/json\r\n\r\n"
TOKEN_HEADER = b"x-launch-worker-token"


class BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class WorkerHTTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True  # idle keep-alive connections must not block shutdown
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: Tuple[str, int], app: WorkerApp, is_debug: bool, token: Optional[bytes] = None) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app = app
        self.is_debug = is_debug
        self.token = token
        super().__init__(address, WorkerRequestHandler)

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class WorkerRequestHandler(socketserver.StreamRequestHandler):
    disable_nagle_algorithm = True
    server: WorkerHTTPServer

    def handle(self) -> None:
        try:
            while self._handle_one():
                pass
        except (ConnectionError, socket.timeout):
            pass  # the client went away; nothing to answer

    def _handle_one(self) -> bool:
        """Serves one request; returns whether the connection stays open."""
        rfile = self.rfile
        line = rfile.readline(MAX_LINE_BYTES + 1)
        if line == b"\r\n" or line == b"\n":  # a stray CRLF between requests is allowed (RFC 9112 §2.2)
            line = rfile.readline(MAX_LINE_BYTES + 1)
        if not line:
            return False
        server = self.server
        started = time.perf_counter() if server.is_debug else 0.0
        try:
            method, target, version = _parse_request_line(line)
            headers = _read_headers(rfile)
        except BadRequest as error:
            self._reply(error.status, _detail(str(error)), is_head=False, keep_alive=False)
            return False

        token = server.token
        if token is not None:
            given = headers.get(TOKEN_HEADER)
            if given is None or not hmac.compare_digest(given, token):
                # The connection closes after the answer. A small declared body is read first: closing
                # on unread bytes makes the kernel reset the connection, and the client may lose the answer.
                _drain_small_body(rfile, headers.get(b"content-length"))
                status = 401 if given is None else 403
                message = "No worker token" if given is None else "Invalid worker token"
                self._reply(status, _detail(message), is_head=method == "HEAD", keep_alive=False)
                return False

        connection = headers.get(b"connection")
        keep_alive = version != b"HTTP/1.0" if connection is None else _wants_keep_alive(version, connection)
        try:
            expect = headers.get(b"expect")
            if expect is not None and expect.lower() == b"100-continue" and version == b"HTTP/1.1":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            body = _read_body(rfile, headers)
        except BadRequest as error:
            self._reply(error.status, _detail(str(error)), is_head=False, keep_alive=False)
            return False

        try:
            status, payload = server.app.dispatch(method, target, body)
        except Exception:
            # Whatever escapes the app (say, a RecursionError encoding a deep 422) is answered, so
            # the gateway never mistakes one bad request for a crashed worker.
            status, payload = 500, _traceback_payload()
        if status == 200 and keep_alive and payload and version == b"HTTP/1.1" and method != "HEAD":
            # The hot path: one formatting step and one send.
            self.wfile.write(_OK_JSON_HEAD % len(payload) + payload)
        else:
            self._reply(status, payload, method == "HEAD", keep_alive, version == b"HTTP/1.0")
        if server.is_debug:
            elapsed_ms = (time.perf_counter() - started) * 1000
            sys.stderr.write("launch-worker: %s %s -> %d in %.2f ms\n" % (method, target, status, elapsed_ms))
        return keep_alive

    def _reply(
        self, status: int, payload: bytes, is_head: bool, keep_alive: bool, is_http10: bool = False
    ) -> None:
        head = "HTTP/1.1 %d %s\r\nContent-Length: %d\r\n" % (status, _REASONS.get(status, ""), len(payload))
        if payload:
            head += "Content-Type: application/json\r\n"
        if not keep_alive:
            head += "Connection: close\r\n"
        elif is_http10:
            head += "Connection: keep-alive\r\n"
        message = head.encode("latin-1") + b"\r\n"
        self.wfile.write(message if is_head else message + payload)


def _read_headers(rfile: Any) -> Dict[bytes, bytes]:
    """Header names lower-cased, values stripped, repeats joined with ", " (as bytes: most are never read)."""
    headers: Dict[bytes, bytes] = {}
    for _ in range(MAX_HEADERS + 1):
        line = rfile.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise BadRequest(431, "Header line too long")
        if line == b"\r\n" or line == b"\n" or not line:
            return headers
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip():
            raise BadRequest(400, "Malformed header line")
        key = name.lower()
        value = value.strip()
        previous = headers.get(key)
        headers[key] = value if previous is None else previous + b", " + value
    raise BadRequest(431, "Too many headers")


def _read_body(rfile: Any, headers: Dict[bytes, bytes]) -> bytes:
    coding = headers.get(b"transfer-encoding")
    if coding is not None and b"chunked" in coding.lower():
        return _read_chunked(rfile)
    length = headers.get(b"content-length")
    if length is None:
        return b""
    if not length.isdigit():
        raise BadRequest(400, "Invalid Content-Length")
    size = int(length)
    data = rfile.read(size)
    if len(data) != size:
        raise ConnectionResetError("the body ended early")
    return data


def _read_chunked(rfile: Any) -> bytes:
    parts = []
    while True:
        line = rfile.readline(MAX_LINE_BYTES + 1)
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BadRequest(400, "Invalid chunk size")
        if size == 0:
            # Trailers, if any, end with a blank line.
            while rfile.readline(MAX_LINE_BYTES + 1) not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        parts.append(rfile.read(size))
        rfile.readline(MAX_LINE_BYTES + 1)  # the CRLF after the chunk data


def _parse_request_line(line: bytes) -> Tuple[str, str, bytes]:
    if len(line) > MAX_LINE_BYTES:
        raise BadRequest(414, "Request line too long")
    parts = line.split()
    if len(parts) != 3 or not parts[2].startswith(b"HTTP/1."):
        raise BadRequest(400, "Malformed request line")
    method, target, version = parts
    return method.decode("latin-1"), target.decode("latin-1"), version


def _wants_keep_alive(version: bytes, connection: bytes) -> bool:
    tokens = [token.strip() for token in connection.lower().split(b",")]
    if version == b"HTTP/1.0":
        return b"keep-alive" in tokens
    return b"close" not in tokens


def _traceback_payload() -> bytes:
    return json.dumps({"detail": {"traceback": traceback.format_exc()}}).encode("utf-8")


def _detail(message: str) -> bytes:
    return ('{"detail": "%s"}' % message).encode("utf-8")


def _drain_small_body(rfile, length: Optional[bytes]) -> None:
    """Reads and drops a declared body of at most 64 KiB (a refused request's), so the close is clean."""
    try:
        size = int(length) if length is not None else 0
    except ValueError:
        return
    if 0 < size <= 65536:
        rfile.read(size)
