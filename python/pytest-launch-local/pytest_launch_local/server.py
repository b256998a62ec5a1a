"""Starting, resetting and stopping one launch-local server."""
import base64
import json
import os
import pathlib
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

START_TIMEOUT_S = 60
STOP_GRACE_S = 30


class LaunchLocalError(RuntimeError):
    """launch-local could not be started, reached or reset."""


def default_command():
    """`$LAUNCH_LOCAL_COMMAND`, else `launch-local` on PATH, else npx."""
    if os.environ.get("LAUNCH_LOCAL_COMMAND"):
        return shlex.split(os.environ["LAUNCH_LOCAL_COMMAND"])
    if shutil.which("launch-local"):
        return ["launch-local"]
    return ["npx", "--no-install", "launch-local"]


class LaunchLocal:
    """A running launch-local: its `url`, and `reset()` between tests."""

    def __init__(self, url, api_key="pytest", process=None, scratch=None):
        self.url = url.rstrip("/")
        self.api_key = api_key
        self._process = process
        self._scratch = scratch

    @classmethod
    def start(cls, command, extra_args=(), api_key="pytest"):
        scratch = tempfile.mkdtemp(prefix="pytest-launch-local-")
        port_file = pathlib.Path(scratch) / "port"
        argv = [*command, "--port", "0", "--port-file", str(port_file), "--ephemeral", *extra_args]
        try:
            # Its own session, so stop() can signal the whole group (npx does not pass signals on).
            process = subprocess.Popen(argv, start_new_session=True)
        except OSError as error:
            shutil.rmtree(scratch, ignore_errors=True)
            raise LaunchLocalError(f"cannot start {shlex.join(argv)}: {error}") from error
        server = cls("http://127.0.0.1", api_key, process, scratch)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None:
                server.stop()
                raise LaunchLocalError(f"{shlex.join(argv)} exited with {process.returncode} before it was ready")
            if time.monotonic() > deadline:
                server.stop()
                raise LaunchLocalError(f"{shlex.join(argv)} was not ready after {START_TIMEOUT_S} s")
            time.sleep(0.05)
        server.url = f"http://127.0.0.1:{port_file.read_text().strip()}"
        return server

    def _request(self, method, path):
        token = base64.b64encode(f"{self.api_key}:".encode()).decode()
        request = urllib.request.Request(f"{self.url}{path}", method=method, headers={"Authorization": f"Basic {token}"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raise LaunchLocalError(f"{method} {path}: HTTP {error.code} {error.read().decode(errors='replace')}") from error
        except urllib.error.URLError as error:
            raise LaunchLocalError(f"{method} {path}: {error.reason}") from error

    def reset(self, keep_bundles=False):
        """Stops every worker and drops every bundle (unless kept), endpoint, task, blob and log."""
        return self._request("POST", "/_launch_local/reset" + ("?keep=bundles" if keep_bundles else ""))

    def info(self):
        return self._request("GET", "/_launch_local/info")

    def stop(self):
        """Stops the server's whole process group; safe to call twice."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            self._signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self._signal_group(process, signal.SIGKILL)
                process.wait()
        # launch-local may still be closing after npx itself has exited: wait for the group to empty.
        if process is not None:
            deadline = time.monotonic() + STOP_GRACE_S
            while self._signal_group(process, 0) and time.monotonic() < deadline:
                time.sleep(0.05)
            self._signal_group(process, signal.SIGKILL)
        if self._scratch:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    @staticmethod
    def _signal_group(process, sig):
        """Signals the server's process group; False once the group is gone."""
        try:
            os.killpg(process.pid, sig)
            return True
        except ProcessLookupError:
            return False
