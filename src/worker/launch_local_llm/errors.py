"""vLLM's error answers: `{"object":"error","message","type","param","code"}` with the HTTP status."""
from __future__ import annotations

from typing import Any, Dict, Optional


class RequestError(Exception):
    """A request the engine refuses; `status` and `kind` are what vLLM answers for it."""

    def __init__(self, message: str, status: int = 400, kind: str = "BadRequestError", param: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.kind = kind
        self.param = param

    def body(self) -> Dict[str, Any]:
        return error_body(self.message, self.kind, self.status, self.param)


def error_body(message: str, kind: str, code: int, param: Optional[str] = None) -> Dict[str, Any]:
    return {"object": "error", "message": message, "type": kind, "param": param, "code": code}


def model_not_found(name: Optional[str]) -> RequestError:
    return RequestError(f"The model `{name}` does not exist.", status=404, kind="NotFoundError", param="model")
