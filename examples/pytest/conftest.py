"""A pytest fixture that runs launch-local for a test session.

Copy into your repo's tests/ folder. It starts `npx launch-local` on a free port with throw-away state
and stops it (and every worker it started) at the end of the session.

npx runs launch-local through a shell and does not pass SIGTERM on to it, so the command is started in
a session of its own and the whole session is signalled at the end: npx, its shell and launch-local
all get SIGTERM, and launch-local stops its workers before it exits. (launch-local also stops by
itself once the process that started it is gone.)
"""
import os
import pathlib
import signal
import subprocess
import tempfile
import time

import pytest

LAUNCH_LOCAL = os.environ.get("LAUNCH_LOCAL_COMMAND", "npx launch-local").split()
STOP_TIMEOUT_SECONDS = 30


@pytest.fixture(scope="session")
def launch_url():
    with tempfile.TemporaryDirectory() as scratch:
        port_file = pathlib.Path(scratch) / "port"
        process = subprocess.Popen(
            [*LAUNCH_LOCAL, "--port", "0", "--port-file", str(port_file), "--ephemeral"],
            start_new_session=True,
        )
        try:
            deadline = time.time() + 30
            while not port_file.exists():
                if process.poll() is not None:
                    raise RuntimeError(f"launch-local exited with {process.returncode}")
                if time.time() > deadline:
                    raise RuntimeError("launch-local did not start in 30 s")
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port_file.read_text().strip()}"
        finally:
            _stop(process)


def _stop(process):
    """SIGTERM to the launcher's whole process group, then SIGKILL whatever is left after a grace period."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        pass
    # launch-local may still be closing after npx itself has exited: wait for the group to empty.
    deadline = time.time() + STOP_TIMEOUT_SECONDS
    while time.time() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
