"""What every route needs: the engine, the served names and the server-wide settings."""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .engine import Engine
from .errors import model_not_found


@dataclass
class ServerContext:
    engine: Engine
    served_names: List[str]
    max_logprobs: int = 20
    seed: Optional[int] = None
    response_role: str = "assistant"
    chat_template: Optional[str] = None
    force_include_usage: bool = False
    clock: Callable[[], float] = time.time
    new_id: Callable[[], str] = field(default=lambda: uuid.uuid4().hex)

    @property
    def model_name(self) -> str:
        """The name answers carry: the first --served-model-name."""
        return self.served_names[0]

    def check_model(self, name: Optional[str]) -> None:
        if name is not None and name not in self.served_names:
            raise model_not_found(name)

    def encode_plain(self, text: str) -> List[int]:
        """Token ids of `text` without special tokens (bad words)."""
        return self.engine.encode(text, add_special_tokens=False)

    def token_string_for(self, request: Any) -> Callable[[int], str]:
        """How log probs name a token: its string, or `token_id:<id>` (return_tokens_as_token_ids)."""
        if getattr(request, "return_tokens_as_token_ids", None):
            return lambda token: f"token_id:{token}"
        return self.engine.token_string

    def request_id(self, request: Any, header: Optional[str]) -> str:
        return header or getattr(request, "request_id", None) or self.new_id()

    def created(self) -> int:
        return int(self.clock())


def usage(prompt_tokens: int, completion_tokens: int) -> Dict[str, Any]:
    return {
        "prompt_tokens": prompt_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "completion_tokens": completion_tokens,
        "prompt_tokens_details": None,
    }


def stream_usage(prompt_tokens: int, completion_tokens: int) -> Dict[str, Any]:
    """The usage of stream chunks, dumped by vLLM with exclude_none."""
    return {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens + completion_tokens, "completion_tokens": completion_tokens}


def sse(payload: Dict[str, Any]) -> str:
    """One SSE event as vLLM writes it (compact JSON, UTF-8 kept)."""
    return "data: " + json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n\n"
