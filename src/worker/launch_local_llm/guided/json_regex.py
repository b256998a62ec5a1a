"""Regular expressions for JSON leaves: strings (lengths, formats), integers in a range, numbers."""
from __future__ import annotations

import json
from typing import Any, List, Optional

import regex

STRING_CHAR = r'(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})'
STRING = f'"{STRING_CHAR}*"'
INTEGER = r"-?(?:0|[1-9][0-9]*)"
NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"

_DATE = r"[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
FORMATS = {
    "date": _DATE,
    "time": _TIME,
    "date-time": _DATE + "T" + _TIME,
    "uuid": r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
    "email": r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}",
    "ipv4": r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])",
}


def literal(value: Any) -> str:
    """A regex matching exactly `value` written as JSON (enum and const members)."""
    return regex.escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def string_with_length(min_length: int, max_length: Optional[int]) -> str:
    upper = "" if max_length is None else str(max_length)
    return f'"{STRING_CHAR}{{{min_length},{upper}}}"'


def _same_length(low: str, high: str) -> List[str]:
    """Alternatives matching the decimal strings from `low` to `high` (same length, low ≤ high)."""
    if not low:
        return [""]
    if low == high:
        return [low]
    if set(low) == {"0"} and set(high) == {"9"}:
        return [f"[0-9]{{{len(low)}}}"]
    if low[0] == high[0]:
        return [low[0] + rest for rest in _same_length(low[1:], high[1:])]
    width = len(low) - 1
    parts = [low[0] + rest for rest in _same_length(low[1:], "9" * width)]
    first, last = int(low[0]) + 1, int(high[0]) - 1
    if first <= last:
        digits = f"[{first}-{last}]" if first < last else str(first)
        parts.append(digits + (f"[0-9]{{{width}}}" if width else ""))
    parts += [high[0] + rest for rest in _same_length("0" * width, high[1:])]
    return parts


def _non_negative(low: int, high: Optional[int]) -> List[str]:
    """Alternatives for the integers in [low, high] (high None: unbounded), low ≥ 0."""
    parts: List[str] = []
    top = high if high is not None else 10 ** len(str(low)) - 1
    for width in range(len(str(low)), len(str(top)) + 1):
        start = low if width == len(str(low)) else 10 ** (width - 1)
        stop = top if width == len(str(top)) else 10**width - 1
        if start <= stop:
            parts += _same_length(str(start), str(stop))
    if high is None:
        parts.append(f"[1-9][0-9]{{{len(str(low))},}}")
    return parts


def integer_range(low: Optional[int], high: Optional[int]) -> str:
    """A regex for the JSON integers in [low, high] (either bound may be None)."""
    if low is None and high is None:
        return INTEGER
    parts: List[str] = []
    if low is None or low < 0:
        # Negative side: -m for m in [max(1, -high), -low].
        least = 1 if high is None or high >= 0 else -high
        parts += ["-(?:" + "|".join(_non_negative(least, None if low is None else -low)) + ")"]
    if high is None or high >= 0:
        parts += _non_negative(max(0, low if low is not None else 0), high)
    return "(?:" + "|".join(parts) + ")"


def bounded_number(low: float, high: float) -> Optional[str]:
    """Numbers in [low, high] for integral bounds 0 ≤ low < high; None for other bounds."""
    if not (float(low).is_integer() and float(high).is_integer() and 0 <= low < high):
        return None
    below = integer_range(int(low), int(high) - 1)
    return f"(?:{below}(?:\\.[0-9]+)?|{int(high)}(?:\\.0+)?)"


def at_least(low: float) -> Optional[str]:
    """Numbers ≥ low for an integral low ≥ 0; None for other bounds."""
    if not (float(low).is_integer() and low >= 0):
        return None
    return f"(?:{integer_range(int(low), None)}(?:\\.[0-9]+)?)"
