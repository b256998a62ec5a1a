"""POST /predict semantics: request fields, input precedence and output shapes (§4.3)."""
from __future__ import annotations

import json
import traceback
from typing import Any, Dict, List, Optional

import cloudpickle

from .blobs import BlobStore
from .bundle import PredictFn

# pydantic's lax bool parsing, which `return_pickled: bool = False` gets in model-engine.
_TRUE_WORDS = ("1", "on", "t", "true", "y", "yes")
_FALSE_WORDS = ("0", "off", "f", "false", "n", "no")
# What json.dumps(value) uses with no options; called directly to skip the wrapper.
_ENCODER = json.JSONEncoder()


class RequestError(Exception):
    """The body does not match EndpointPredictV1Request; `issues` are pydantic-style entries."""

    def __init__(self, issues: List[Dict[str, Any]]) -> None:
        super().__init__("invalid request")
        self.issues = issues


class PredictRequest:
    __slots__ = ("url", "args", "cloudpickle_url", "return_pickled")

    def __init__(
        self, url: Optional[str], args: Any, cloudpickle_url: Optional[str], return_pickled: bool
    ) -> None:
        self.url = url
        self.args = args
        self.cloudpickle_url = cloudpickle_url
        self.return_pickled = return_pickled


def parse_request(body: Any) -> PredictRequest:
    if not isinstance(body, dict):
        message = "Input should be a valid dictionary or object to extract fields from"
        raise RequestError([_issue("model_attributes_type", [], message, body)])
    size = len(body)
    if "args" in body and (size == 1 or (size == 2 and body.get("return_pickled") is False)):
        # What the gateway sends for an args request: nothing else to check.
        return PredictRequest(None, body["args"], None, False)
    issues: List[Dict[str, Any]] = []
    url = _optional_str(body, "url", issues)
    cloudpickle_url = _optional_str(body, "cloudpickle", issues)
    return_pickled = _lax_bool(body, "return_pickled", issues)
    if issues:
        raise RequestError(issues)
    return PredictRequest(url, body.get("args"), cloudpickle_url, return_pickled)


def run_predict(predict_fn: PredictFn, request: PredictRequest, blobs: BlobStore) -> Dict[str, str]:
    """Runs user code; every exception propagates so the caller answers 500 with its traceback."""
    if request.url is not None:
        output = predict_fn(blobs.read_url(request.url))
        return _shape(output, request.return_pickled, blobs)
    if request.args is not None:
        output = predict_fn(**request.args)
        return _shape(output, request.return_pickled, blobs)
    if request.cloudpickle_url is not None:
        # Pipeline form: {"args": [...], "kwargs": {...}} pickled; the result is always pickled.
        inputs = cloudpickle.loads(blobs.read_url(request.cloudpickle_url))
        output = predict_fn(*inputs["args"], **inputs["kwargs"])
        return {"result_url": blobs.write_result(output)}
    raise ValueError("Input needs either url or args.")


def traceback_detail() -> Dict[str, Any]:
    return {"detail": {"traceback": traceback.format_exc()}}


def _shape(output: Any, return_pickled: bool, blobs: BlobStore) -> Dict[str, str]:
    if return_pickled:
        return {"result_url": blobs.write_result(output)}
    # Python's default formatting (", " and ": ", ASCII escapes) is part of the contract.
    return {"result": _ENCODER.encode(output)}


def _optional_str(body: Dict[str, Any], field: str, issues: List[Dict[str, Any]]) -> Optional[str]:
    value = body.get(field)
    if value is None or isinstance(value, str):
        return value
    issues.append(_issue("string_type", [field], "Input should be a valid string", value))
    return None


def _lax_bool(body: Dict[str, Any], field: str, issues: List[Dict[str, Any]]) -> bool:
    if field not in body:
        return False
    value = body[field]
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE_WORDS + _FALSE_WORDS:
        return value.lower() in _TRUE_WORDS
    issues.append(_issue("bool_type", [field], "Input should be a valid boolean", value))
    return False


def _issue(kind: str, location: List[str], message: str, value: Any) -> Dict[str, Any]:
    return {"type": kind, "loc": ["body"] + location, "msg": message, "input": value}
