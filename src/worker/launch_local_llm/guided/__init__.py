"""Guided decoding: the request's constraint, which masks the vocabulary at every step.

guided_regex / guided_choice → a regular expression (regex_constraint.py); guided_json,
response_format json_schema / json_object → a grammar built from the schema (json_schema.py);
guided_grammar → lark's syntax as it is, or GBNF-style EBNF (ebnf.py). vLLM 0.13's
`structured_outputs` object ({json, regex, choice, grammar}) is read the same way.
Compiled constraints are kept per engine, so a repeated schema is compiled once.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, Optional, Tuple

from ..errors import RequestError
from .ebnf import is_ebnf, to_lark
from .grammar_constraint import GrammarSpec
from .json_schema import DEFAULT_WHITESPACE, SchemaGrammar, object_grammar
from .regex_constraint import RegexSpec
from .terminals import RegexTerminal

_CACHE_SIZE = 64


def _requested(request: Any) -> Optional[Tuple[str, Any]]:
    """(kind, value) of the one constraint the request asks for, if any."""
    for kind in ("json", "regex", "choice", "grammar"):
        value = getattr(request, "guided_" + kind, None)
        if value is not None:
            return kind, value
    outputs = getattr(request, "structured_outputs", None) or {}
    for kind in ("json", "regex", "choice", "grammar"):
        if outputs.get(kind) is not None:
            return kind, outputs[kind]
    if outputs.get("json_object"):
        return "json_object", None
    response_format = getattr(request, "response_format", None)
    if response_format is not None and response_format.type == "json_object":
        return "json_object", None
    if response_format is not None and response_format.type == "json_schema":
        schema = response_format.json_schema.json_schema if response_format.json_schema is not None else None
        if schema is None:
            raise RequestError("response_format json_schema needs json_schema.schema.")
        return "json", schema
    return None


def _schema(value: Any) -> Dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise RequestError(f"guided_json is not valid JSON: {error}") from error
    if not isinstance(value, dict):
        raise RequestError("guided_json must be a JSON Schema object.")
    from jsonschema import validators
    from jsonschema.exceptions import SchemaError

    try:
        validators.validator_for(value).check_schema(value)
    except SchemaError as error:
        raise RequestError(f"guided_json is not a valid JSON Schema: {error.message}") from error
    return value


def _build(kind: str, value: Any, whitespace: str) -> Any:
    ignore = [RegexTerminal(whitespace)]
    if kind == "regex":
        if not isinstance(value, str):
            raise RequestError("guided_regex must be a string.")
        return RegexSpec(value)
    if kind == "choice":
        return RegexSpec.choice(value)
    if kind == "json_object":
        grammar, terminals = object_grammar()
        return GrammarSpec(grammar, terminals, ignore)
    if kind == "json":
        grammar, terminals = SchemaGrammar(_schema(value)).compile()
        return GrammarSpec(grammar, terminals, ignore)
    if not isinstance(value, str) or not value.strip():
        raise RequestError("guided_grammar must be a non-empty string.")
    if is_ebnf(value):
        grammar, terminals = to_lark(value)
        return GrammarSpec(grammar, terminals)
    start = "start" if re.search(r"^\s*\??start\s*:", value, re.M) or not re.search(r"^\s*\??root\s*:", value, re.M) else "root"
    return GrammarSpec(value, start=start)


def guided_spec(request: Any, engine: Any, forced_schema: Optional[Dict[str, Any]] = None) -> Optional[Any]:
    """The request's compiled constraint, or None when it asks for none (400s for bad ones).
    `forced_schema`: the JSON Schema a forced tool call must follow (tool_calls.py)."""
    asked = _requested(request)
    if forced_schema is not None:
        if asked is not None:
            raise RequestError("Guided decoding cannot be combined with a forced tool_choice.")
        asked = ("json", forced_schema)
    if asked is None:
        return None
    kind, value = asked
    whitespace = getattr(request, "guided_whitespace_pattern", None) or DEFAULT_WHITESPACE
    key = json.dumps([kind, value, whitespace], sort_keys=True, default=str)
    cache: Dict[str, Any] = engine.guided_cache
    spec = cache.get(key)
    if spec is None:
        spec = _build(kind, value, whitespace)
        if len(cache) >= _CACHE_SIZE:
            cache.pop(next(iter(cache)))
        cache[key] = spec
    return spec
