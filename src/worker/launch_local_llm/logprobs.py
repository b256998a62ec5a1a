"""Log probs in vLLM's two answer shapes.

vLLM keeps, per generated position, a dict of the sampled token first and then the request's top-N
(a token already there keeps its place). Completions report its first N + 1 entries keyed by token
string; chat reports its first `top_logprobs` entries as a list. Values are clamped at -9999.0.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

# (token id, logprob or None for a prompt's first token, rank, top-N pairs or None)
Entry = Tuple[int, Optional[float], int, Optional[List[Tuple[int, float]]]]

FLOOR = -9999.0


def _clamp(value: float) -> float:
    return max(value, FLOOR)


def step_items(entry: Entry) -> List[Tuple[int, float]]:
    token, logprob, _rank, top = entry
    items: Dict[int, float] = {}
    if logprob is not None:
        items[token] = logprob
    for candidate, value in top or []:
        items[candidate] = value
    return list(items.items())


def completion_logprobs(entries: Sequence[Entry], num_top: int, token_string: Callable[[int], str], decode_one: Callable[[int], str], initial_offset: int = 0) -> Dict[str, Any]:
    text_offset: List[int] = []
    token_logprobs: List[Optional[float]] = []
    tokens: List[str] = []
    top_logprobs: List[Optional[Dict[str, float]]] = []
    last_len = 0
    for entry in entries:
        token_id, logprob = entry[0], entry[1]
        if logprob is None:
            token = decode_one(token_id)
            tokens.append(token)
            token_logprobs.append(None)
            top_logprobs.append(None)
        else:
            token = token_string(token_id)
            tokens.append(token)
            token_logprobs.append(_clamp(logprob))
            top: Dict[str, float] = {}
            for index, (candidate, value) in enumerate(step_items(entry)):
                if index > num_top:
                    break
                top[token_string(candidate)] = _clamp(value)
            top_logprobs.append(top)
        text_offset.append(initial_offset if not text_offset else text_offset[-1] + last_len)
        last_len = len(token)
    return {"text_offset": text_offset, "token_logprobs": token_logprobs, "tokens": tokens, "top_logprobs": top_logprobs}


def chat_logprobs(entries: Sequence[Entry], num_top: int, token_string: Callable[[int], str]) -> Dict[str, Any]:
    content = []
    for entry in entries:
        token_id, logprob = entry[0], entry[1]
        token = token_string(token_id)
        tops = []
        if num_top:
            for candidate, value in step_items(entry)[:num_top]:
                text = token_string(candidate)
                tops.append({"token": text, "logprob": _clamp(value), "bytes": list(text.encode("utf-8", errors="replace"))})
        content.append(
            {
                "token": token,
                "logprob": _clamp(logprob if logprob is not None else FLOOR),
                "bytes": list(token.encode("utf-8", errors="replace")),
                "top_logprobs": tops,
            }
        )
    return {"content": content}


def prompt_logprobs_field(entries: Sequence[Optional[Entry]], token_string: Callable[[int], str]) -> List[Optional[Dict[str, Dict[str, Any]]]]:
    """`prompt_logprobs`: per prompt token, {id: {logprob, rank, decoded_token}} (the first: null)."""
    result: List[Optional[Dict[str, Dict[str, Any]]]] = []
    for entry in entries:
        if entry is None:
            result.append(None)
            continue
        token, logprob, rank, top = entry
        ranks = {candidate: index + 1 for index, (candidate, _value) in enumerate(top or [])}
        ranks[token] = rank
        result.append(
            {
                str(candidate): {"logprob": _clamp(value), "rank": ranks.get(candidate, rank), "decoded_token": token_string(candidate)}
                for candidate, value in step_items(entry)
            }
        )
    return result
