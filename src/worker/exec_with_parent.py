"""Runs a runnable image's command on the host so that it ends when launch-local ends, even by SIGKILL.

Usage: python3 exec_with_parent.py COMMAND [ARGS...]. On Linux the parent-death signal set here
survives exec, so the user's server gets SIGKILL when launch-local disappears; elsewhere the command
simply runs. LAUNCH_WORKER_PARENT_PID closes the race where launch-local died before prctl ran.
"""
import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    if len(sys.argv) < 2:
        sys.stderr.write("exec_with_parent: no command\n")
        sys.exit(2)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    parent = os.environ.get("LAUNCH_WORKER_PARENT_PID", "")
    if parent.isdigit() and os.getppid() != int(parent):
        sys.exit(0)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    except OSError as error:
        sys.stderr.write("exec_with_parent: cannot run %s: %s\n" % (sys.argv[1], error))
        sys.exit(127)


if __name__ == "__main__":
    main()
