"""Start-up: settings → bundle → listener → ready line; SIGTERM/SIGINT stop cleanly (exit 0)."""
from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
from typing import Any, List, Optional

from .app import WorkerApp
from .blobs import BlobStore
from .bundle import load_predict_fn
from .httpd import WorkerHTTPServer
from .settings import SettingsError, settings_from_environ

EXIT_OK = 0
EXIT_LOAD_FAILED = 1
EXIT_BAD_SETTINGS = 2
EXIT_LISTEN_FAILED = 3
SHUTDOWN_POLL_SECONDS = 0.1


class _Stopper:
    """Stops the worker on a signal: before serving, by unwinding the load; after, via shutdown()."""

    def __init__(self) -> None:
        self.server: Optional[WorkerHTTPServer] = None

    def __call__(self, signum: int, frame: Any) -> None:
        server = self.server
        if server is None:
            raise SystemExit(EXIT_OK)
        # shutdown() waits for serve_forever to return, so it must not run on the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()


def main() -> int:
    _line_buffer_output()
    _exit_with_parent(os.environ.get("LAUNCH_WORKER_PARENT_PID"))
    stopper = _Stopper()
    signal.signal(signal.SIGTERM, stopper)
    signal.signal(signal.SIGINT, stopper)

    try:
        settings = settings_from_environ()
    except SettingsError as error:
        sys.stderr.write("launch-worker: %s\n" % error)
        return EXIT_BAD_SETTINGS

    if settings.work_dir:
        # model-engine unpacks into the pod's working directory; relative paths in user code agree.
        os.makedirs(settings.work_dir, exist_ok=True)
        os.chdir(settings.work_dir)

    try:
        predict_fn = load_predict_fn(settings)
    except Exception:
        sys.stderr.write("launch-worker: the bundle failed to load\n")
        traceback.print_exc()
        return EXIT_LOAD_FAILED

    app = WorkerApp(predict_fn, BlobStore(settings.blob_root, settings.results_bucket, settings.blob_url, settings.blob_token), settings.concurrency)
    try:
        server = WorkerHTTPServer((settings.host, settings.port), app, settings.is_debug, settings.token)
    except OSError as error:
        sys.stderr.write("launch-worker: cannot listen on %s:%d: %s\n" % (settings.host, settings.port, error))
        return EXIT_LISTEN_FAILED

    stopper.server = server
    sys.stdout.write("launch-worker ready on %s:%d\n" % (settings.host, server.port))
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=SHUTDOWN_POLL_SECONDS)
    finally:
        server.server_close()
    return EXIT_OK


def _exit_with_parent(parent_pid: Optional[str]) -> None:
    """Ends this worker when launch-local dies (even by SIGKILL), so no orphan keeps a port or a GPU.

    Only the process runtime sets LAUNCH_WORKER_PARENT_PID; in a container the engine owns the lifecycle.
    """
    if not parent_pid or not parent_pid.isdigit():
        return
    expected = int(parent_pid)

    def watch() -> None:
        while os.getppid() == expected:
            threading.Event().wait(0.5)
        os._exit(EXIT_OK)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _line_buffer_output() -> None:
    # User code prints during predict; line buffering gets those lines to the runtime's log promptly.
    streams: List[Any] = [sys.stdout, sys.stderr]
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(line_buffering=True)
