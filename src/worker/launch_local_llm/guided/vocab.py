"""The vocabulary as text, for masking: each token's own string and a prefix walk over all of them.

A token's text is its bytes (byte-level BPE: GPT-2's byte↔unicode map; SentencePiece: `▁` for a
space and `<0xNN>` byte pieces) decoded as UTF-8. Special tokens, and tokens that hold only part of
a UTF-8 character, have no text: guided decoding never picks them (a character that the vocabulary
can spell only across tokens cannot be produced under a constraint).

`allowed(check)` walks the sorted texts as a trie: `check(s)` answers whether the current output
followed by `s` can still become valid, and a failing prefix prunes every token that starts with it.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left
from typing import Any, Callable, Dict, Iterable, List, Optional, Set

_BYTE_PIECE = re.compile(r"<0x([0-9A-Fa-f]{2})>")


def _bytes_to_unicode() -> Dict[int, str]:
    """GPT-2's reversible map from bytes to printable characters (tokenizers' ByteLevel)."""
    visible = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    codes = list(visible)
    extra = 0
    for byte in range(256):
        if byte not in visible:
            visible.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {byte: chr(code) for byte, code in zip(visible, codes)}


_BYTE_DECODER = {char: byte for byte, char in _bytes_to_unicode().items()}


def _decoder_types(tokenizer: Any) -> Set[str]:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return set()
    try:
        decoder = json.loads(backend.to_str()).get("decoder")
    except (ValueError, AttributeError):
        return set()
    found: Set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("type"), str):
                found.add(node["type"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(decoder)
    return found


def token_texts(tokenizer: Any, vocab_size: int, special_ids: Iterable[int]) -> List[Optional[str]]:
    special = set(special_ids)
    count = min(len(tokenizer), vocab_size)
    pieces = tokenizer.convert_ids_to_tokens(list(range(count)))
    kinds = _decoder_types(tokenizer)
    texts: List[Optional[str]] = [None] * vocab_size
    for token_id, piece in enumerate(pieces):
        if token_id in special or not piece:
            continue
        if "ByteLevel" in kinds and all(char in _BYTE_DECODER for char in piece):
            data = bytes(_BYTE_DECODER[char] for char in piece)
        elif kinds & {"Metaspace", "ByteFallback", "Replace"}:
            byte = _BYTE_PIECE.fullmatch(piece)
            data = bytes([int(byte.group(1), 16)]) if byte else piece.replace("\u2581", " ").encode("utf-8")
        else:
            data = tokenizer.decode([token_id]).encode("utf-8")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        texts[token_id] = text or None
    return texts


class VocabIndex:
    def __init__(self, tokenizer: Any, vocab_size: int, special_ids: Iterable[int]) -> None:
        self.vocab_size = vocab_size
        self._texts = token_texts(tokenizer, vocab_size, special_ids)
        pairs = sorted((text, token) for token, text in enumerate(self._texts) if text)
        self._keys = [text for text, _ in pairs]
        self._ids = [token for _, token in pairs]

    def text(self, token_id: int) -> Optional[str]:
        return self._texts[token_id] if 0 <= token_id < len(self._texts) else None

    def allowed(self, check: Callable[[str], bool]) -> List[int]:
        keys, ids = self._keys, self._ids
        result: List[int] = []

        def visit(low: int, high: int, depth: int) -> None:
            # keys[low:high] share one prefix of length `depth`, which passed `check`.
            index = low
            while index < high and len(keys[index]) == depth:
                result.append(ids[index])
                index += 1
            while index < high:
                prefix = keys[index][: depth + 1]
                end = bisect_left(keys, prefix[:-1] + chr(ord(prefix[-1]) + 1), index, high) if ord(prefix[-1]) < 0x10FFFF else high
                if end - index == 1:
                    if check(keys[index]):
                        result.append(ids[index])
                elif check(prefix):
                    visit(index, end, depth + 1)
                index = end

        visit(0, len(keys), 0)
        return result
