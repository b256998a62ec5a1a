"""The actor launch-local places on a Ray node: it owns one child process there (a worker server or a
job's command) and reports the child's output and exit to the driver.

Ray picks the node by the actor's resources; the child inherits what Ray set for the actor
(CUDA_VISIBLE_DEVICES for num_gpus, the runtime environment's interpreter). The child is bound to
the actor's life twice: PR_SET_PDEATHSIG (Linux) kills it when the actor process dies, and artifact
workers also watch their parent pid (LAUNCH_WORKER_PARENT_PID). So ray.kill(actor), a crashed
raylet or a lost node never leave a child behind.

Stdlib only (plus ray on the node), Python 3.7+ syntax: this module is shipped by value to nodes.
"""
from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from typing import Any, Callable, Dict, List, Optional

MAX_BUFFERED_LINES = 5000
DOWNLOAD_TIMEOUT_SECONDS = 300
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _scratch_dir() -> str:
    """A folder for this actor under <tmp>/launch-local-ray/, named by its pid; the folders of actors
    that are gone (killed before they could clean up) are removed first."""
    root = os.path.join(tempfile.gettempdir(), "launch-local-ray")
    os.makedirs(root, exist_ok=True)
    for name in os.listdir(root):
        pid = name.split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _is_alive(int(pid)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
    return tempfile.mkdtemp(prefix="%d-" % os.getpid(), dir=root)


def environment_for(requirements: List[str], log: Callable[[str], None], system_site_packages: bool = False) -> str:
    """The interpreter to run a bundle with on this node: this one for no requirements, else a
    virtualenv cached under <tmp>/launch-local-ray/venvs/<hash of interpreter and requirements>,
    built once per node (a lock file keeps concurrent actors to one build; a marker written last
    tells a finished build from an interrupted one). The venv sees this interpreter's packages
    (cloudpickle, pip) through a .pth file, as process-runtime venvs see the host's.
    `system_site_packages` (the LLM engine's jobs) also lets it see the base Python's own
    site-packages, so a torch installed there satisfies the requirements and pip downloads nothing."""
    if not requirements:
        return sys.executable
    identity = "%s %s%s" % (sys.executable, sys.version, " system-site-packages" if system_site_packages else "")
    key = hashlib.sha256("\n".join([identity] + sorted(set(requirements))).encode("utf-8")).hexdigest()
    root = os.path.join(tempfile.gettempdir(), "launch-local-ray", "venvs")
    os.makedirs(root, exist_ok=True)
    venv = os.path.join(root, key)
    python = os.path.join(venv, "bin", "python")
    marker = os.path.join(venv, ".launch-local-ready")
    with open(venv + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if os.path.exists(marker):
            log("Reusing this node's environment %s for %s" % (key[:12], ", ".join(requirements)))
            return python
        shutil.rmtree(venv, ignore_errors=True)
        log("Building an environment on this node for %s" % ", ".join(requirements))
        venv_args = ["--system-site-packages"] if system_site_packages else []
        _run_logged([sys.executable, "-m", "venv", "--without-pip"] + venv_args + [venv], log, "python -m venv")
        site = subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip()
        with open(os.path.join(site, "launch-local-parent.pth"), "w") as pth:
            pth.write("\n".join(p for p in sys.path if p.endswith("-packages")) + "\n")
        requirements_file = os.path.join(venv, "requirements.txt")
        with open(requirements_file, "w") as listing:
            listing.write("\n".join(requirements) + "\n")
        _run_logged([python, "-m", "pip", "install", "--disable-pip-version-check", "-r", requirements_file], log, "pip")
        open(marker, "w").close()
        log("Environment ready.")
        return python


def _run_logged(argv: List[str], log: Callable[[str], None], what: str) -> None:
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    tail: List[str] = []
    for line in child.stdout:
        line = line.rstrip("\n")
        log(line)
        tail = (tail + [line])[-5:]
    if child.wait() != 0:
        raise RuntimeError("%s exited with code %d: %s" % (what, child.returncode, " | ".join(t for t in tail if t.strip())))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_name(returncode: int) -> Optional[str]:
    if returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:
        return "SIG%d" % -returncode


class NodeProcess:
    """One child process on the node this actor was placed on."""

    def __init__(self, key: str) -> None:
        self._key = key
        self._child: Optional[subprocess.Popen] = None
        self._lines: List[str] = []
        self._first_seq = 0  # sequence number of self._lines[0]
        self._exit: Optional[Dict[str, Any]] = None
        self._changed = threading.Condition()
        self._scratch = _scratch_dir()
        self._reserved: Optional[socket.socket] = None

    def __repr__(self) -> str:
        # Ray names the actor by this in its own logs.
        return "NodeProcess(%s)" % self._key

    def where(self, wants_port: bool, requirements: List[str], system_site_packages: bool = False) -> Dict[str, Any]:
        """The node's address, a free port on it (held until run), the bundle's interpreter (its
        environment built or reused first; the build's lines go to the output), and paths."""
        import importlib.util

        import ray  # the actor runs inside Ray; the driver imports it too

        python = environment_for(requirements, self._append, system_site_packages)

        node_ip = ray.util.get_node_ip_address()
        port = None
        if wants_port:
            reserved = socket.socket(socket.AF_INET6 if ":" in node_ip else socket.AF_INET)
            reserved.bind((node_ip, 0))
            port = reserved.getsockname()[1]
            self._reserved = reserved
        worker_path = None
        try:
            import launch_worker  # shipped with the runtime environment's py_modules

            worker_path = os.path.dirname(os.path.dirname(os.path.abspath(launch_worker.__file__)))
        except ImportError:
            pass
        # The LLM engine's package, shipped like launch_worker; found without importing it.
        engine = importlib.util.find_spec("launch_local_llm")
        engine_path = None
        if engine is not None and engine.origin:
            engine_path = os.path.dirname(os.path.dirname(os.path.abspath(engine.origin)))
        return {
            "node_ip": node_ip,
            "node_id": ray.get_runtime_context().get_node_id(),
            "port": port,
            "pid": os.getpid(),
            "scratch": self._scratch,
            "python": python,
            "worker_path": worker_path,
            "engine_path": engine_path,
        }

    def run(self, plan: Dict[str, Any]) -> int:
        """Writes the plan's files, downloads its artifacts, starts the child; returns its pid."""
        for item in plan.get("write", []):
            os.makedirs(os.path.dirname(item["path"]), exist_ok=True)
            with open(item["path"], "w", encoding="utf-8") as target:
                target.write(item["text"])
        for item in plan.get("download", []):
            os.makedirs(os.path.dirname(item["path"]), exist_ok=True)
            with urllib.request.urlopen(item["url"], timeout=DOWNLOAD_TIMEOUT_SECONDS) as source:
                with open(item["path"], "wb") as target:
                    shutil.copyfileobj(source, target)
        for folder in plan.get("mkdir", []):
            os.makedirs(folder, exist_ok=True)
        env = dict(os.environ)
        env.update(plan["env"])
        if self._reserved is not None:
            self._reserved.close()  # the child binds it next
            self._reserved = None
        argv = plan["argv"]
        try:
            self._child = subprocess.Popen(
                argv,
                env=env,
                cwd=plan.get("cwd") or self._scratch,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        except OSError as error:
            self._finish({"code": None, "signal": None, "error": "could not start %r: %s" % (argv[0] if argv else "", error)})
            return 0
        threading.Thread(target=self._pump, name="output", daemon=True).start()
        return self._child.pid

    def output(self, after: int, wait_seconds: float) -> Dict[str, Any]:
        """Lines numbered `after` and later (waiting up to `wait_seconds` for some), and the exit once known."""
        deadline = time.monotonic() + wait_seconds
        with self._changed:
            while self._first_seq + len(self._lines) <= after and self._exit is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            start = max(after, self._first_seq)
            lines = self._lines[start - self._first_seq:]
            next_seq = self._first_seq + len(self._lines)
            # The exit is reported only once every line before it has been read.
            exit_info = self._exit if not lines else None
            return {"lines": lines, "next": next_seq, "exit": exit_info}

    def stop(self, grace_seconds: float) -> None:
        """SIGTERM to the child's group, SIGKILL after the grace period; returns once it is gone."""
        child = self._child
        if child is None or child.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            child.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            child.wait()

    def _signal_group(self, signum: int) -> None:
        child = self._child
        if child is None:
            return
        try:
            os.killpg(child.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def _pump(self) -> None:
        child = self._child
        assert child is not None and child.stdout is not None
        for raw in child.stdout:
            self._append(raw.decode("utf-8", "replace").rstrip("\r\n"))
        code = child.wait()
        # Whatever the leader left in its group goes with it.
        self._signal_group(signal.SIGKILL)
        shutil.rmtree(self._scratch, ignore_errors=True)
        self._finish({"code": code if code >= 0 else None, "signal": _signal_name(code), "error": None})

    def _append(self, line: str) -> None:
        with self._changed:
            self._lines.append(line)
            if len(self._lines) > MAX_BUFFERED_LINES:
                drop = len(self._lines) - MAX_BUFFERED_LINES
                del self._lines[:drop]
                self._first_seq += drop
            self._changed.notify_all()

    def _finish(self, exit_info: Dict[str, Any]) -> None:
        with self._changed:
            self._exit = exit_info
            self._changed.notify_all()


def probe(requirements: List[str], executable: Optional[str]) -> Dict[str, Any]:
    """Runs on a node: builds (or reuses) the bundle's environment there and reports what a worker would find."""
    import ray

    lines: List[str] = []
    python = environment_for(requirements, lines.append)
    found = None
    if executable:
        found = shutil.which(executable) if "/" not in executable else (executable if os.access(executable, os.X_OK) else None)
    has_cloudpickle = subprocess.call([python, "-c", "import cloudpickle"], stderr=subprocess.DEVNULL) == 0
    return {
        "node_ip": ray.util.get_node_ip_address(),
        "python": python,
        "lines": lines[-50:],
        "python_version": "%d.%d" % sys.version_info[:2],
        "executable_found": found is not None,
        "has_cloudpickle": has_cloudpickle,
    }
