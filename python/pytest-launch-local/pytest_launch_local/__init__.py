"""launch-local for pytest: the `launch_local` session fixture (see README.md)."""
from .server import LaunchLocal, LaunchLocalError

__all__ = ["LaunchLocal", "LaunchLocalError"]
