"""guided_regex and guided_choice: the output must full-match a regular expression.

A candidate is allowed while output + candidate is a prefix of some match (the `regex` module's
partial matching); the sequence may end once the output is a full match.
"""
from __future__ import annotations

from typing import Sequence

import regex

from ..errors import RequestError
from .base import ConstraintState
from .vocab import VocabIndex


class RegexSpec:
    def __init__(self, pattern: str) -> None:
        try:
            self._compiled = regex.compile(pattern)
        except regex.error as error:
            raise RequestError(f"Invalid regular expression for guided decoding: {error}") from error

    @classmethod
    def choice(cls, choices: Sequence[str]) -> "RegexSpec":
        if not choices or not all(isinstance(item, str) for item in choices):
            raise RequestError("guided_choice must be a non-empty list of strings.")
        return cls("(?:" + "|".join(regex.escape(item) for item in choices) + ")")

    def start(self, index: VocabIndex) -> "RegexState":
        return RegexState(index, self._compiled)


class RegexState(ConstraintState):
    def __init__(self, index: VocabIndex, compiled: "regex.Pattern") -> None:
        super().__init__(index)
        self._compiled = compiled
        self._text = ""

    def extends(self, piece: str) -> bool:
        return self._compiled.fullmatch(self._text + piece, partial=True) is not None

    def can_end(self) -> bool:
        return self._compiled.fullmatch(self._text) is not None

    def advance_text(self, piece: str) -> None:
        self._text += piece
