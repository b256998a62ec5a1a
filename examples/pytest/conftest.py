"""A pytest fixture that runs launch-local for a test session.

Copy into your repo's tests/ folder. It starts `npx launch-local` on a free port with throw-away state
and stops it (and every worker it started) at the end of the session.
"""
import os
import pathlib
import subprocess
import tempfile
import time

import pytest

LAUNCH_LOCAL = os.environ.get("LAUNCH_LOCAL_COMMAND", "npx launch-local").split()


@pytest.fixture(scope="session")
def launch_url():
    with tempfile.TemporaryDirectory() as scratch:
        port_file = pathlib.Path(scratch) / "port"
        process = subprocess.Popen([*LAUNCH_LOCAL, "--port", "0", "--port-file", str(port_file), "--ephemeral"])
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
            process.terminate()
            process.wait(timeout=30)
