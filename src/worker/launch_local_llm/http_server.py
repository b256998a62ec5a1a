"""HTTP/1.1 on the standard library: keep-alive JSON answers and chunked SSE streams, one thread per
connection (a stream never blocks /health), and vLLM's address rules for `--host`.

Started by launch-local, the engine gets a per-worker token (LAUNCH_WORKER_TOKEN) that the gateway
sends in X-Launch-Worker-Token; every request, /health included, must carry it (compared in
constant time; 401 without it, 403 with another), as launch_worker/httpd.py does. Run by hand, there
is no token and no check."""
from __future__ import annotations

import errno
import hmac
import json
import os
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, Iterator, Optional, Tuple

from .errors import error_body

MAX_BODY_BYTES = 64 * 1024 * 1024
TOKEN_HEADER = "X-Launch-Worker-Token"


class Response:
    def __init__(self, status: int = 200, body: Any = None, stream: Optional[Iterator[str]] = None, empty: bool = False) -> None:
        self.status = status
        self.body = body
        self.stream = stream
        self.empty = empty


# (method, path, parsed JSON body or None, request headers) → Response
Dispatch = Callable[[str, str, Any, Dict[str, str]], Response]


class EngineHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: Tuple[str, int], dispatch: Dispatch, access_log: bool) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.dispatch = dispatch
        self.access_log = access_log
        self.token: Optional[bytes] = os.environ.get("LAUNCH_WORKER_TOKEN", "").strip().encode("latin-1") or None
        super().__init__(address, EngineRequestHandler, bind_and_activate=False)
        try:
            if self.address_family == socket.AF_INET6:
                # Dual stack: `::` also takes IPv4 (127.0.0.1), as uvicorn's `--host ::` does on Linux.
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            self.server_bind()
            self.server_activate()
        except BaseException:
            self.server_close()
            raise

    @property
    def port(self) -> int:
        return int(self.server_address[1])


def bind(host: str, port: int, dispatch: Dispatch, access_log: bool) -> EngineHTTPServer:
    """Binds `host`; an IPv6 address on a machine without IPv6 falls back to its IPv4 meaning."""
    try:
        return EngineHTTPServer((host, port), dispatch, access_log)
    except OSError as error:
        fallback = {"::": "0.0.0.0", "::1": "127.0.0.1"}.get(host)
        no_ipv6 = error.errno in (errno.EAFNOSUPPORT, errno.EADDRNOTAVAIL, errno.EPROTONOSUPPORT)
        if fallback is None or not no_ipv6:
            raise
        sys.stderr.write(f"launch-local-llm: IPv6 is not available ({error.strerror}); binding {fallback} instead of {host}\n")
        return EngineHTTPServer((fallback, port), dispatch, access_log)


class EngineRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # uvicorn (vLLM's server) sets TCP_NODELAY. Without it, a write that follows an unacknowledged
    # one (a JSON body after its head, a stream's first event after the head) waits for the
    # client's delayed ACK: about 40 ms per answer and on the first token of every stream.
    disable_nagle_algorithm = True
    server_version = "launch-local-llm"
    sys_version = ""
    server: EngineHTTPServer

    def do_GET(self) -> None:
        self._handle("GET", parse_body=False)

    def do_POST(self) -> None:
        self._handle("POST", parse_body=True)

    def do_DELETE(self) -> None:
        self._handle("DELETE", parse_body=False)

    def do_PUT(self) -> None:
        self._handle("PUT", parse_body=False)

    def _handle(self, method: str, parse_body: bool) -> None:
        token = self.server.token
        if token is not None:
            given = self.headers.get(TOKEN_HEADER)
            if given is None or not hmac.compare_digest(given.strip().encode("latin-1", "replace"), token):
                status = 401 if given is None else 403
                self.close_connection = True
                # A small declared body is read first: closing on unread bytes makes the kernel reset
                # the connection, and the client may lose the answer.
                length = self.headers.get("content-length") or ""
                if length.isdigit() and 0 < int(length) <= 65536:
                    self.rfile.read(int(length))
                self._send_json(status, error_body("No worker token" if given is None else "Invalid worker token", "AuthenticationError", status))
                return
        path = self.path.split("?", 1)[0]
        headers = {key.lower(): value for key, value in self.headers.items()}
        body: Any = None
        if parse_body:
            raw = self._read_body()
            if raw is None:
                return
            if raw:
                try:
                    body = json.loads(raw)
                except (ValueError, UnicodeDecodeError) as error:
                    self._send_json(400, error_body(f"Invalid JSON in the request body: {error}", "BadRequestError", 400))
                    return
        try:
            response = self.server.dispatch(method, path, body, headers)
        except Exception as error:  # the engine's own failure: vLLM's 500 envelope, logged
            sys.stderr.write(f"launch-local-llm: {method} {path} failed: {error!r}\n")
            response = Response(500, error_body(str(error) or type(error).__name__, "InternalServerError", 500))
        if response.stream is not None:
            self._send_stream(response.status, response.stream)
        elif response.empty:
            self._send_bytes(response.status, b"", None)
        else:
            self._send_json(response.status, response.body)

    def _read_body(self) -> Optional[bytes]:
        length = self.headers.get("content-length")
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0] or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        if length is None:
            return b""
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            self._send_json(413 if length.isdigit() else 400, error_body("Invalid or too large Content-Length", "BadRequestError", 400))
            self.close_connection = True
            return None
        return self.rfile.read(int(length))

    def _send_json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        self._send_bytes(status, data, "application/json")

    def _send_bytes(self, status: int, data: bytes, content_type: Optional[str]) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(data)))
        if self.close_connection:
            # Said, so a client does not send its next request on a connection about to close.
            self.send_header("connection", "close")
        if data and self.command != "HEAD":
            # Head and body in one write (end_headers() would send the head on its own).
            self._headers_buffer.append(b"\r\n" + data)
            self.flush_headers()
        else:
            self.end_headers()

    def _send_stream(self, status: int, stream: Iterator[str]) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", "text/event-stream; charset=utf-8")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for piece in stream:
                data = piece.encode("utf-8")
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client left: stop generating (closing the generator ends the engine's loop).
            self.close_connection = True
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (BaseHTTPRequestHandler's name)
        if self.server.access_log:
            sys.stderr.write("INFO: %s - %s\n" % (self.address_string(), format % args))
