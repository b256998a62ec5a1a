"""Routing of the generic server: health probes and POST /predict (fastapi_server.py, §4.3)."""
from __future__ import annotations

import json
import threading
from typing import Tuple

from .blobs import BlobStore
from .bundle import PredictFn
from .predict import RequestError, parse_request, run_predict, traceback_detail

HEALTH_PATHS = frozenset(("/readyz", "/healthz", "/healthcheck"))

# FastAPI's own bodies for these statuses.
NOT_FOUND = b'{"detail": "Not Found"}'
METHOD_NOT_ALLOWED = b'{"detail": "Method Not Allowed"}'
TOO_MANY_REQUESTS = b'{"detail": "Too many requests"}'
# What FastAPI answers when its JSON parser fails other than on syntax (e.g. nesting past the
# recursion limit): the body never reaches the model.
BODY_PARSE_ERROR = b'{"detail": "There was an error parsing the body"}'

Reply = Tuple[int, bytes]


def _json(value: object) -> bytes:
    return json.dumps(value).encode("utf-8")


class WorkerApp:
    def __init__(self, predict_fn: PredictFn, blobs: BlobStore, concurrency: int) -> None:
        self._predict_fn = predict_fn
        self._blobs = blobs
        # model-engine's limiter fails fast instead of queueing: the gateway retries a 429.
        self._slots = threading.BoundedSemaphore(concurrency)

    def dispatch(self, method: str, target: str, body: bytes) -> Reply:
        path = target.split("?", 1)[0]
        if path in HEALTH_PATHS:
            return (200, b"") if method == "GET" else (405, METHOD_NOT_ALLOWED)
        if path == "/predict":
            return self._predict(body) if method == "POST" else (405, METHOD_NOT_ALLOWED)
        return 404, NOT_FOUND

    def _predict(self, body: bytes) -> Reply:
        try:
            payload = json.loads(body)
        except RecursionError:
            return 400, BODY_PARSE_ERROR
        except ValueError as error:
            return 400, _json({"detail": "Invalid JSON body: %s" % error})
        try:
            request = parse_request(payload)
        except RequestError as error:
            return 422, _json({"detail": error.issues})

        # Validation happens before the limiter, as FastAPI validates before the decorated handler.
        if not self._slots.acquire(blocking=False):
            return 429, TOO_MANY_REQUESTS
        try:
            # A RecursionError in user code, or in encoding what it returned, is the user's error
            # like any other (FAILURE with its traceback), never a dead worker.
            return 200, _json(run_predict(self._predict_fn, request, self._blobs))
        except Exception:
            return 500, _json(traceback_detail())
        finally:
            self._slots.release()
