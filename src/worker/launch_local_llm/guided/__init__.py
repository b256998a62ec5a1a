"""Guided decoding: constraints that mask the vocabulary at every step (see guided/build.py)."""
from __future__ import annotations

from typing import Any, Optional

from ..errors import RequestError

_FIELDS = ("guided_json", "guided_regex", "guided_choice", "guided_grammar", "structured_outputs")


def guided_spec(request: Any, engine: Any) -> Optional[Any]:
    """The request's constraint, or None when it asks for none."""
    asked = [name for name in _FIELDS if getattr(request, name, None) is not None]
    response_format = getattr(request, "response_format", None)
    if response_format is not None and response_format.type != "text":
        asked.append("response_format")
    if asked:
        raise RequestError(f"{asked[0]} is not supported by launch-local's engine yet.")
    return None
