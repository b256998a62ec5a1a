"""EBNF in the GBNF style (llama.cpp, xgrammar: `root ::= "a" b | [0-9]+`) rewritten as a lark
grammar whose terminals are this package's own regexes (%declare'd), so lark only builds the LALR
tables. Supported: rules `name ::= …` (root is the start), "strings" with \\n \\t \\" \\\\ \\xNN
\\uNNNN escapes, [character classes] and [^negated] ones, `.`, grouping, `|`, `*`, `+`, `?`,
`{m}`, `{m,}`, `{m,n}`, and `#` comments.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Tuple

import regex

from ..errors import RequestError
from .terminals import RegexTerminal

_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<comment>\#[^\n]*)|(?P<define>::=)|(?P<string>"(?:[^"\\]|\\.)*")"""
    r"""|(?P<cls>\[(?:[^\]\\]|\\.)*\])|(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)|(?P<repeat>\{\s*\d+\s*(?:,\s*\d*\s*)?\})"""
    r"""|(?P<op>[()|*+?])|(?P<dot>\.)""",
)


def is_ebnf(grammar: str) -> bool:
    return "::=" in grammar


def _decode_string(literal: str) -> str:
    body = literal[1:-1]
    # JSON's escapes plus \xNN; anything else escaped stands for itself.
    body = re.sub(r"\\x([0-9A-Fa-f]{2})", lambda match: "\\u00" + match.group(1), body)
    body = re.sub(r'\\([^"\\/bfnrtu])', lambda match: match.group(1).replace('"', '\\"'), body)
    try:
        return json.loads('"' + body + '"')
    except ValueError as error:
        raise RequestError(f"Invalid string {literal} in the grammar: {error}") from error


def to_lark(grammar: str) -> Tuple[str, Dict[str, Any]]:
    """(lark grammar, terminal name → terminal); raises RequestError for text it cannot read."""
    tokens: List[Tuple[str, str]] = []
    position = 0
    while position < len(grammar):
        match = _TOKEN.match(grammar, position)
        if match is None:
            raise RequestError(f"Cannot read the grammar at {grammar[position:position + 20]!r}.")
        kind = match.lastgroup or ""
        if kind not in ("space", "comment"):
            tokens.append((kind, match.group()))
        position = match.end()

    names: Dict[str, str] = {}
    terminals: Dict[str, Any] = {}
    by_pattern: Dict[str, str] = {}

    def rule_name(name: str) -> str:
        if name == "root":
            return "start"
        if name not in names:
            names[name] = f"g{len(names)}_" + re.sub(r"[^a-z0-9_]", "_", name.lower())
        return names[name]

    def terminal(pattern: str) -> str:
        if pattern not in by_pattern:
            by_pattern[pattern] = f"E{len(by_pattern)}"
            terminals[by_pattern[pattern]] = RegexTerminal(pattern)
        return by_pattern[pattern]

    rules: Dict[str, List[str]] = {}
    current = None
    for index, (kind, text) in enumerate(tokens):
        is_rule_start = kind == "name" and index + 1 < len(tokens) and tokens[index + 1][0] == "define"
        if is_rule_start:
            current = rule_name(text)
            rules.setdefault(current, [])
            continue
        if kind == "define":
            continue
        if current is None:
            raise RequestError("The grammar must start with a rule (`root ::= …`).")
        parts = rules[current]
        if kind == "string":
            value = _decode_string(text)
            if value:
                parts.append(terminal(regex.escape(value)))
        elif kind == "cls":
            parts.append(terminal(text))
        elif kind == "dot":
            parts.append(terminal(r"[\s\S]"))
        elif kind == "name":
            parts.append(rule_name(text))
        elif kind == "repeat":
            numbers = text.strip("{} ").split(",")
            low = int(numbers[0])
            if len(numbers) == 1:
                parts.append(f"~ {low}")
            elif numbers[1].strip() == "":
                parts.append(f"~ {low} ({_last_item(parts)})*" if low else "*")
            else:
                parts.append(f"~ {low}..{int(numbers[1])}")
        else:
            parts.append(text)
    if "start" not in rules:
        raise RequestError("The grammar has no `root` rule.")
    for name in names.values():
        if name not in rules:
            raise RequestError(f"The grammar uses a rule it does not define ({name.split('_', 1)[1]}).")
    lines = [f"{name}: {' '.join(parts)}" for name, parts in rules.items()]
    if terminals:
        lines.append("%declare " + " ".join(terminals))
    return "\n".join(lines) + "\n", terminals


def _last_item(parts: List[str]) -> str:
    """The item a `{m,}` repeats: the last atom, or the last parenthesised group."""
    if not parts:
        raise RequestError("A repetition {m,} must follow something.")
    if parts[-1] != ")":
        return parts[-1]
    depth = 0
    for index in range(len(parts) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(parts[index], 0)
        if depth == 0:
            return " ".join(parts[index:])
    raise RequestError("Unbalanced parentheses in the grammar.")
