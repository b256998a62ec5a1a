"""Terminals of a grammar as the guided lexer sees them.

`match(text, pos)`: where the longest match starting at `pos` ends (None: no complete match).
A terminal is committed only when the text goes on past that point (maximal munch).
`viable(rest)`: whether `rest` is a match or the start of one.
"""
from __future__ import annotations

from typing import Optional

import regex

# The text between a JSON string's quotes with no escapes and no control characters.
_PLAIN_STRING = regex.compile(r'"[^"\\\x00-\x1f]*"?')


class RegexTerminal:
    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._compiled = regex.compile(pattern)
        # Leftmost-longest, as a lexer needs: Python's alternation takes the first branch that fits.
        self._longest = regex.compile(pattern, flags=regex.POSIX)

    def match(self, text: str, pos: int) -> Optional[int]:
        found = self._longest.match(text, pos)
        return None if found is None else found.end()

    def viable(self, rest: str) -> bool:
        return self._compiled.fullmatch(rest, partial=True) is not None


class PatternStringTerminal:
    """A JSON string whose content must full-match `content_pattern` (JSON Schema `pattern`):
    the content is kept plain (no quote, backslash or control character), so that a pattern that
    could match those never breaks the JSON around it."""

    def __init__(self, content_pattern: str) -> None:
        self.pattern = '"(?:' + content_pattern + ')"'
        self._content = regex.compile("(?:" + content_pattern + ")")

    def match(self, text: str, pos: int) -> Optional[int]:
        plain = _PLAIN_STRING.match(text, pos)
        if plain is None or not plain.group().endswith('"') or len(plain.group()) < 2:
            return None
        end = plain.end()
        return end if self._content.fullmatch(text, pos + 1, end - 1) is not None else None

    def viable(self, rest: str) -> bool:
        plain = _PLAIN_STRING.fullmatch(rest)
        if plain is None:
            return False
        if len(rest) >= 2 and rest.endswith('"'):
            return self._content.fullmatch(rest[1:-1]) is not None
        return self._content.fullmatch(rest[1:], partial=True) is not None
