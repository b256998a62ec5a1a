"""launch-local's Ray driver: the one process through which launch-local (Node) talks to a Ray cluster.

Usage: python driver.py ADDRESS NAMESPACE WORKER_PACKAGE_DIR [ENGINE_PACKAGE_DIR]. Reads one JSON command per line on stdin, writes one JSON
message per line on stdout (protocol.md beside this file). It owns every actor it creates: they are
non-detached, so when this process ends, even by SIGKILL, Ray removes them. stdin closing (launch-local
gone) shuts everything down.

Why a driver and not Ray's job submission REST API: that API lives in the dashboard (ray[default]),
runs every job as a driver of its own, and has no notion of an actor that must die with its owner.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, Optional

_out_lock = threading.Lock()
_real_stdout = sys.stdout


def emit(message: Dict[str, Any]) -> None:
    line = json.dumps(message, separators=(",", ":"))
    with _out_lock:
        _real_stdout.write(line + "\n")
        _real_stdout.flush()


def fatal(message: str) -> None:
    emit({"event": "fatal", "message": message})
    sys.exit(3)


try:
    import ray
    from ray.exceptions import ActorUnavailableError, RayActorError
except ImportError as import_error:
    fatal(
        "Ray is not installed in %s (%s). Install it with: %s -m pip install 'ray==<the cluster's version>'"
        % (sys.executable, import_error, sys.executable)
    )

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import node_process  # noqa: E402

# Nodes do not have this module: its code travels with the actor class.
ray.cloudpickle.register_pickle_by_value(node_process)

OUTPUT_WAIT_SECONDS = 5.0


class Driver:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.actors: Dict[str, Any] = {}
        self.followed: set = set()  # keys whose exit a follower thread reports
        self.placed: set = set()  # keys whose actor Ray has placed (stop can ask the actor itself)
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=64)
        self.actor_class = ray.remote(node_process.NodeProcess)
        self.probe_task = ray.remote(node_process.probe)

    # ------------------------------------------------------------------ commands (one thread each)

    def place(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        key = cmd["key"]
        options = dict(cmd["options"])
        options.update(name=cmd["name"], namespace=self.namespace, lifetime=None, max_restarts=0, max_concurrency=8)
        actor = self.actor_class.options(**options).remote(key)
        with self.lock:
            self.actors[key] = actor
        try:
            where = ray.get(actor.where.remote(bool(cmd.get("wants_port")), list(cmd.get("requirements") or []), bool(cmd.get("system_site_packages"))))
        except BaseException:
            self._forget(key, kill=True)
            raise
        with self.lock:
            self.placed.add(key)
        return where

    def run(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        key = cmd["key"]
        actor = self._actor(key)
        pid = ray.get(actor.run.remote(cmd["plan"]))
        with self.lock:
            self.followed.add(key)
        threading.Thread(target=self._follow, args=(key, actor), name="follow-" + key, daemon=True).start()
        return {"pid": pid}

    def stop(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        key = cmd["key"]
        with self.lock:
            actor = self.actors.get(key)
            is_placed = key in self.placed
        if actor is None:
            return {"stopped": False}
        if not is_placed:  # still waiting for a node: nothing runs yet
            self._forget(key, kill=True)
            return {"stopped": True}
        try:
            ray.get(actor.stop.remote(cmd.get("grace_ms", 2000) / 1000.0), timeout=cmd.get("grace_ms", 2000) / 1000.0 + 10)
        except Exception:
            pass  # already dead, or unreachable: the kill below settles it
        self._forget(key, kill=True)
        return {"stopped": True}

    def kill(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        return {"killed": self._forget(cmd["key"], kill=True)}

    def probe(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        task = self.probe_task.options(num_cpus=0)
        return ray.get(task.remote(list(cmd.get("requirements") or []), cmd.get("executable")))

    def nodes(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        alive = [
            {"node_id": node["NodeID"], "node_ip": node["NodeManagerAddress"], "resources": node["Resources"]}
            for node in ray.nodes()
            if node.get("Alive")
        ]
        return {"nodes": alive, "available": ray.available_resources(), "total": ray.cluster_resources()}

    def named(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        prefix = cmd.get("prefix", "")
        names = [entry["name"] for entry in ray.util.list_named_actors(all_namespaces=True)
                 if entry.get("namespace") == self.namespace and entry["name"].startswith(prefix)]
        return {"names": sorted(names)}

    def sweep(self, cmd: Dict[str, Any]) -> Dict[str, Any]:
        """Kills this namespace's named actors under `prefix` whose names do not start with `keep`."""
        removed = []
        for name in self.named({"prefix": cmd["prefix"]})["names"]:
            if name.startswith(cmd["keep"]):
                continue
            try:
                ray.kill(ray.get_actor(name, namespace=self.namespace), no_restart=True)
                removed.append(name)
            except ValueError:
                pass  # gone meanwhile
        return {"removed": removed}

    def shutdown(self) -> None:
        with self.lock:
            keys = list(self.actors)
        list(self.pool.map(lambda key: self.stop({"key": key, "grace_ms": 2000}), keys))

    # ------------------------------------------------------------------ helpers

    def _actor(self, key: str) -> Any:
        with self.lock:
            actor = self.actors.get(key)
        if actor is None:
            raise KeyError("no actor for %s" % key)
        return actor

    def _forget(self, key: str, kill: bool) -> bool:
        with self.lock:
            actor = self.actors.pop(key, None)
            was_followed = key in self.followed
            self.followed.discard(key)
            self.placed.discard(key)
        if actor is None:
            return False
        if not was_followed:
            # No follower will report this actor's end: its child never started.
            emit({"event": "exit", "key": key, "code": None, "signal": None, "reason": "stopped before its process started"})
        if kill:
            try:
                ray.kill(actor, no_restart=True)
            except Exception:
                pass
        return True

    def _follow(self, key: str, actor: Any) -> None:
        """Relays the child's output and, at the end, its exit (or the actor's death)."""
        seq = 0
        while True:
            try:
                answer = ray.get(actor.output.remote(seq, OUTPUT_WAIT_SECONDS))
            except ActorUnavailableError:
                continue  # transient: the actor's node is unreachable for now; Ray says when it is dead
            except RayActorError as error:
                emit({"event": "exit", "key": key, "code": None, "signal": "SIGKILL", "reason": _death_reason(error)})
                self._forget(key, kill=False)
                return
            if answer["lines"]:
                emit({"event": "output", "key": key, "lines": answer["lines"]})
            seq = answer["next"]
            exit_info = answer["exit"]
            if exit_info is not None:
                emit({"event": "exit", "key": key, "code": exit_info["code"], "signal": exit_info["signal"], "reason": exit_info["error"]})
                self._forget(key, kill=True)
                return


def _death_reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    detail = next((line.strip() for line in text if "died" in line or "node" in line.lower()), text[0] if text else "")
    return "the Ray actor died: %s" % detail[:300]


def _describe(error: BaseException) -> str:
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    return (" | ".join(lines[-6:]) or type(error).__name__)[:1500]


def main() -> int:
    if len(sys.argv) not in (4, 5):
        fatal("usage: driver.py ADDRESS NAMESPACE WORKER_PACKAGE_DIR [ENGINE_PACKAGE_DIR]")
    address, namespace = sys.argv[1], sys.argv[2]
    # The worker server, and the LLM engine for engine-image jobs (fine-tunes, batch completions).
    packages = sys.argv[3:]
    # A cluster started with --node-ip-address on a loopback alias (127.0.0.2 …) is joined there.
    host = address.rsplit(":", 1)[0]
    init_args: Dict[str, Any] = {"address": address, "namespace": namespace, "log_to_driver": False,
                                 "logging_level": "warning", "configure_logging": True,
                                 # The worker server (and the engine) reach every node through Ray's package
                                 # store: no shared filesystem. Actors inherit it and add their own pip list.
                                 "runtime_env": {"py_modules": packages, "excludes": ["__pycache__"]}}
    if host.startswith("127.") and host != "127.0.0.1":
        init_args["_node_ip_address"] = host
    # Ray's own prints go to stderr: stdout carries the protocol only.
    sys.stdout = sys.stderr
    try:
        ray.init(**init_args)
    except Exception as error:  # ConnectionError, RuntimeError …: all mean "no cluster there"
        fatal("Could not connect to the Ray cluster at %s: %s" % (address, _describe(error)))
    driver = Driver(namespace)
    emit({"event": "connected", "ray_version": ray.__version__, "python": "%d.%d" % sys.version_info[:2],
          "node_ip": ray.util.get_node_ip_address()})

    handlers: Dict[str, Callable[[Dict[str, Any]], Dict[str, Any]]] = {
        "place": driver.place, "run": driver.run, "stop": driver.stop, "kill": driver.kill,
        "probe": driver.probe, "nodes": driver.nodes, "named": driver.named, "sweep": driver.sweep,
    }

    def handle(cmd: Dict[str, Any]) -> None:
        reply: Dict[str, Any] = {"reply": cmd.get("id")}
        try:
            handler = handlers.get(cmd.get("op", ""))
            if handler is None:
                raise ValueError("unknown op %r" % cmd.get("op"))
            reply["ok"] = handler(cmd)
        except BaseException as error:  # every failure becomes an answer; the driver keeps serving
            reply["error"] = _describe(error)
            reply["kind"] = type(error).__name__
            if not isinstance(error, (RayActorError, KeyError, ValueError)) and "TaskError" not in type(error).__name__:
                traceback.print_exc(file=sys.stderr)
        emit(reply)

    for raw in sys.stdin:
        raw = raw.strip()
        if not raw:
            continue
        cmd = json.loads(raw)
        if cmd.get("op") == "shutdown":
            break
        driver.pool.submit(handle, cmd)
    driver.shutdown()
    emit({"event": "closed"})
    ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
