"""Routing of the generic server: health probes and POST /predict (fastapi_server.py, §4.3)."""
from __future__ import annotations

import json
import threading
from json.encoder import encode_basestring_ascii
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

# json.loads with no options uses this decoder; calling it directly skips the wrapper.
_DECODER = json.JSONDecoder()


def _json(value: object) -> bytes:
    return json.dumps(value).encode("utf-8")


def _loads(body: bytes) -> object:
    """json.loads(body), with its UTF-8 case (a body opening with `{` and no NUL after it) decoded here."""
    if body[:1] == b"{" and body[1:2] != b"\x00":
        return _DECODER.decode(body.decode("utf-8", "surrogatepass"))
    return json.loads(body)


class _Slots:
    """A fail-fast counter of requests in predict (a BoundedSemaphore's Condition is several times dearer)."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._in_use = 0
        self._lock = threading.Lock()

    def try_take(self) -> bool:
        with self._lock:
            if self._in_use >= self._limit:
                return False
            self._in_use += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self._in_use -= 1


class WorkerApp:
    def __init__(self, predict_fn: PredictFn, blobs: BlobStore, concurrency: int) -> None:
        self._predict_fn = predict_fn
        self._blobs = blobs
        # model-engine's limiter fails fast instead of queueing: the gateway retries a 429.
        self._slots = _Slots(concurrency)

    def dispatch(self, method: str, target: str, body: bytes) -> Reply:
        path = target if "?" not in target else target.split("?", 1)[0]
        if path in HEALTH_PATHS:
            return (200, b"") if method == "GET" else (405, METHOD_NOT_ALLOWED)
        if path == "/predict":
            return self._predict(body) if method == "POST" else (405, METHOD_NOT_ALLOWED)
        return 404, NOT_FOUND

    def _predict(self, body: bytes) -> Reply:
        try:
            payload = _loads(body)
        except RecursionError:
            return 400, BODY_PARSE_ERROR
        except ValueError as error:
            return 400, _json({"detail": "Invalid JSON body: %s" % error})
        try:
            request = parse_request(payload)
        except RequestError as error:
            return 422, _json({"detail": error.issues})

        # Validation happens before the limiter, as FastAPI validates before the decorated handler.
        if not self._slots.try_take():
            return 429, TOO_MANY_REQUESTS
        try:
            # A RecursionError in user code, or in encoding what it returned, is the user's error
            # like any other (FAILURE with its traceback), never a dead worker.
            answer = run_predict(self._predict_fn, request, self._blobs)
            text = answer.get("result")
            if text is not None and len(answer) == 1:
                # json.dumps({"result": text}) without building the dict's encoder: the same bytes.
                return 200, b'{"result": ' + encode_basestring_ascii(text).encode("ascii") + b"}"
            return 200, _json(answer)
        except Exception:
            return 500, _json(traceback_detail())
        finally:
            self._slots.give_back()
