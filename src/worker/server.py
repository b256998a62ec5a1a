"""Entry point of the launch-local Python worker: `python3 <repo>/src/worker/server.py`.

The worker is model-engine's generic server (`inference/sync_inference/fastapi_server.py` with
`inference/common.py`, server-contract.md §4.3) rebuilt on the standard library plus cloudpickle, so
that it runs in any interpreter a bundle brings (process runtime venvs, framework Docker images).
Configuration comes only from LAUNCH_* environment variables; see launch_worker/settings.py.

Exit codes: 0 after SIGTERM/SIGINT, 1 when the bundle fails to load, 2 for a bad configuration,
3 when the listening socket cannot be opened.
"""
import os
import sys

# Run by path from any cwd: make the sibling package importable without touching the user's
# modules, which a zip bundle puts at the front of sys.path later.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from launch_worker.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
