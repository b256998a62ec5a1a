"""Token ids to text the way vLLM's v1 output processor does it.

- IncrementalDetokenizer: one token at a time, primed with the end of the prompt so that a
  tokenizer's start-of-text rules (e.g. SentencePiece dropping a leading space) do not fire in the
  middle of a sequence; a character split across tokens appears once it is complete.
- OutputText: vLLM's stop-string handling on top of it (`check_stop_strings`, the hold-back buffer
  that keeps a possible stop string out of a stream until it is decided).
- TokenStrings: the string of one token as vLLM reports it in log probs (`decode([id])`).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

REPLACEMENT = "\ufffd"


class IncrementalDetokenizer:
    def __init__(self, tokenizer: Any, prompt_ids: Sequence[int], skip_special_tokens: bool) -> None:
        self._tokenizer = tokenizer
        self._skip = skip_special_tokens
        backend = getattr(tokenizer, "backend_tokenizer", None) or getattr(tokenizer, "_tokenizer", None)
        self._stream = None
        try:
            from tokenizers.decoders import DecodeStream

            if backend is not None:
                self._backend = backend
                self._stream = DecodeStream(skip_special_tokens=skip_special_tokens)
        except ImportError:
            pass
        # Slow tokenizers: decode a window of ids and emit what grew (vLLM's offsets method).
        self._ids: List[int] = []
        self._prefix_offset = 0
        self._read_offset = 0
        for token_id in _prompt_suffix(tokenizer, prompt_ids):
            self._next(token_id)

    def step(self, token_id: int) -> str:
        return self._next(token_id)

    def _next(self, token_id: int) -> str:
        if self._stream is not None:
            try:
                return self._stream.step(self._backend, token_id) or ""
            except Exception:
                # An id the stream cannot follow (e.g. out of the tokenizer's range): start again.
                from tokenizers.decoders import DecodeStream

                self._stream = DecodeStream(skip_special_tokens=self._skip)
                return ""
        self._ids.append(token_id)
        prefix = self._tokenizer.decode(self._ids[self._prefix_offset:self._read_offset], skip_special_tokens=self._skip)
        full = self._tokenizer.decode(self._ids[self._prefix_offset:], skip_special_tokens=self._skip)
        if len(full) > len(prefix) and not full.endswith(REPLACEMENT):
            self._prefix_offset = self._read_offset
            self._read_offset = len(self._ids)
            return full[len(prefix):]
        return ""


def _prompt_suffix(tokenizer: Any, prompt_ids: Sequence[int]) -> Sequence[int]:
    """The last few prompt ids that decode to whole characters (vLLM primes its stream with them)."""
    ids = list(prompt_ids)
    if len(ids) <= 4:
        return ids
    for size in range(4, min(len(ids) + 1, 24)):
        suffix = ids[-size:]
        if REPLACEMENT not in tokenizer.decode(suffix):
            return suffix
    return ids[-4:]


class OutputText:
    """The output text of one choice, with stop strings applied and a stream's hold-back buffer."""

    def __init__(self, stop: Sequence[str], include_stop: bool, min_tokens: int) -> None:
        self.text = ""
        self._stop = list(stop)
        self._include_stop = include_stop
        self._min_tokens = min_tokens
        self._buffer = max((len(item) for item in stop), default=1) - 1 if stop and not include_stop else 0
        self._released = 0

    def add(self, piece: str, num_output_tokens: int) -> Optional[str]:
        """Appends a token's text; returns the stop string that ends the output, if one now does."""
        check_from = len(self.text)
        self.text += piece
        if self._min_tokens and num_output_tokens <= self._min_tokens:
            return None
        if not self._stop or len(self.text) == check_from:
            return None
        found = _find_stop(self.text, len(self.text) - check_from, self._stop, self._include_stop)
        if found is None:
            return None
        stop_string, truncate_to = found
        if truncate_to != -1:
            self.text = self.text[:truncate_to]
        return stop_string

    def delta(self, finished: bool) -> str:
        """Text not yet released; while unfinished, the last len(longest stop) - 1 chars wait."""
        end = len(self.text) - (0 if finished else self._buffer)
        if end <= self._released:
            return ""
        piece = self.text[self._released:end]
        self._released = end
        return piece


def _find_stop(text: str, new_chars: int, stop: Sequence[str], include: bool) -> Optional[Tuple[str, int]]:
    """vLLM's StopChecker.check_stop_strings: the first stop string (in request order) now present."""
    for stop_string in stop:
        index = text.find(stop_string, max(0, len(text) + 1 - new_chars - len(stop_string)))
        if index == -1:
            continue
        if include:
            index += len(stop_string)
            if index >= len(text):
                return stop_string, -1
        return stop_string, index
    return None


class TokenStrings:
    """`tokenizer.decode([id])` per id, remembered: the token strings of vLLM's log probs."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._cache: Dict[int, str] = {}

    def __call__(self, token_id: int) -> str:
        text = self._cache.get(token_id)
        if text is None:
            text = self._tokenizer.decode([token_id]) or ""
            self._cache[token_id] = text
        return text
