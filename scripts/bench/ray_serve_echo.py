"""A peer for bench row 11, not part of launch-local: the echo bundle as a Ray Serve deployment.

    python ray_serve_echo.py BUNDLE_PATH REPLICAS SLOTS TEMP_DIR

Starts a private single-node Ray (its own temp dir, 2 logical CPUs, no dashboard), Serve's HTTP proxy
on a free loopback port, then deploys `Echo` with REPLICAS replicas of SLOTS concurrent requests
each; every replica loads the cloudpickle bundle and answers `{"result": json.dumps(predict(**args))}`,
the launch-local worker's wire. Prints "deployed in S s" (serve.run called → first 200 over HTTP,
the deploy-to-first-answer figure) and "ready on 127.0.0.1:PORT", then serves until SIGTERM, when
it stops its Ray (a SIGKILL takes the cluster down too: Ray's processes follow their driver). Run in the bench-only virtualenv (scripts/bench/venvs.mjs).
"""
from __future__ import annotations

import json
import signal
import socket
import sys
import threading
import time
import urllib.request
from typing import Any

import cloudpickle
import ray
from ray import serve
from starlette.requests import Request
from starlette.responses import Response


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build(bundle_path: str, replicas: int, slots: int) -> Any:
    @serve.deployment(num_replicas=replicas, max_ongoing_requests=slots, ray_actor_options={"num_cpus": 0.1})
    class Echo:
        def __init__(self) -> None:
            with open(bundle_path, "rb") as bundle_file:
                bundle = cloudpickle.load(bundle_file)
            self.predict = bundle["load_predict_fn"](bundle["load_model_fn"]())

        async def __call__(self, request: Request) -> Response:
            payload = await request.json()
            body = json.dumps({"result": json.dumps(self.predict(**payload["args"]))})
            return Response(body, media_type="application/json")

    return Echo.bind()


def first_answer(url: str, deadline: float) -> None:
    body = json.dumps({"args": {"x": 1}, "return_pickled": False}).encode()
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.01)
    raise TimeoutError("no answer from the deployment")


def main() -> None:
    bundle_path, replicas, slots, temp_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=temp_dir, object_store_memory=80 * 1024 * 1024, configure_logging=False, log_to_driver=False)
    port = free_port()
    serve.start(http_options={"host": "127.0.0.1", "port": port})
    stopped = threading.Event()
    try:
        started = time.monotonic()
        serve.run(build(bundle_path, replicas, slots), name="echo", route_prefix="/predict")
        first_answer("http://127.0.0.1:%d/predict" % port, started + 300)
        # Set after Ray's own start-up, which installs handlers of its own.
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        sys.stdout.write("deployed in %.3f s\n" % (time.monotonic() - started))
        sys.stdout.write("ready on 127.0.0.1:%d\n" % port)
        sys.stdout.flush()
        while not stopped.wait(0.2):
            pass
    finally:
        # The cluster is this driver's own: ray.shutdown() stops its processes, Serve's actors with
        # them (serve.shutdown() first would wait up to 30 s for the controller on a busy machine).
        ray.shutdown()


if __name__ == "__main__":
    main()
