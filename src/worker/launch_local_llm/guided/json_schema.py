"""A JSON Schema as an LALR grammar whose sentences are JSON documents that validate against it.

Supported: `type` (one or a list; object, array, string, number, integer, boolean, null),
`properties` / `required` (properties in schema order, optional ones may be left out),
`additionalProperties` (a schema for free keys when `properties` is absent), `items`,
`prefixItems`, `minItems` / `maxItems`, `enum`, `const`, `anyOf` / `oneOf` (as alternatives),
`allOf` of one schema, `$ref` to `#`, `#/$defs/…` or `#/definitions/…` (recursion included),
`minLength` / `maxLength`, `pattern`, `format` (date, time, date-time, uuid, email, ipv4; others
are annotations), integer `minimum` / `maximum` / `exclusiveMinimum` / `exclusiveMaximum`, number
`minimum` / `maximum` with integral bounds from 0 up, `nullable`. Whitespace between tokens
follows `guided_whitespace_pattern` (default `[\\n\\t ]*`). Anything else that restricts values is
refused with a 400 naming the keyword, never silently ignored.
"""
from __future__ import annotations

import json
import math
from typing import Any, Dict, List, Optional, Tuple

from ..errors import RequestError
from . import json_regex
from .terminals import PatternStringTerminal, RegexTerminal

_ANNOTATIONS = {
    "title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated",
    "readOnly", "writeOnly", "$defs", "definitions", "discriminator", "strict", "additionalProperties",
}
_HANDLED = {
    "type", "properties", "required", "items", "prefixItems", "minItems", "maxItems", "enum", "const",
    "anyOf", "oneOf", "allOf", "$ref", "minLength", "maxLength", "pattern", "format", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "nullable",
}
DEFAULT_WHITESPACE = r"[\n\t ]*"


def _unsupported(keyword: str) -> RequestError:
    return RequestError(f"guided_json: the JSON Schema keyword {keyword!r} is not supported by launch-local's engine.")


class SchemaGrammar:
    def __init__(self, root: Any) -> None:
        self._root = root
        self._rules: Dict[str, str] = {}
        self._terminals: Dict[str, Any] = {}
        self._by_pattern: Dict[str, str] = {}
        self._by_schema: Dict[str, str] = {}
        self._refs: Dict[str, str] = {}

    def compile(self) -> Tuple[str, Dict[str, Any]]:
        """(lark grammar with %declare'd terminals, terminal name → terminal)."""
        start = self._expr(self._root)
        lines = [f"start: {start}"] + [f"{name}: {body}" for name, body in self._rules.items()]
        if self._terminals:
            lines.append("%declare " + " ".join(self._terminals))
        return "\n".join(lines) + "\n", dict(self._terminals)

    # --- terminals and rules ------------------------------------------------------------------
    def _terminal(self, pattern: str, terminal: Any = None) -> str:
        name = self._by_pattern.get(pattern)
        if name is None:
            name = f"T{len(self._by_pattern)}"
            self._by_pattern[pattern] = name
            self._terminals[name] = terminal if terminal is not None else RegexTerminal(pattern)
        return name

    def _punct(self, char: str) -> str:
        return self._terminal("\\" + char)

    def _rule(self, schema: Any, build: Any) -> str:
        key = json.dumps(schema, sort_keys=True, default=str)
        name = self._by_schema.get(key)
        if name is None:
            name = f"r{len(self._by_schema)}"
            self._by_schema[key] = name
            self._rules[name] = ""  # reserved first, so recursion through $ref finds the name
            self._rules[name] = build()
        return name

    # --- schemas ------------------------------------------------------------------------------
    def _expr(self, schema: Any) -> str:
        if schema is True or schema == {}:
            return self._any_value()
        if schema is False or not isinstance(schema, dict):
            raise RequestError("guided_json: a schema must be an object (or true).")
        for keyword in schema:
            if keyword not in _HANDLED and keyword not in _ANNOTATIONS:
                raise _unsupported(keyword)
        if "$ref" in schema:
            return self._ref(schema["$ref"])
        if "const" in schema:
            return self._terminal(json_regex.literal(schema["const"]))
        if "enum" in schema:
            return _alternatives([self._terminal(json_regex.literal(value)) for value in schema["enum"]])
        for keyword in ("anyOf", "oneOf"):
            if keyword in schema:
                rest = {key: value for key, value in schema.items() if key != keyword}
                return _alternatives([self._expr({**rest, **branch} if isinstance(branch, dict) else branch) for branch in schema[keyword]])
        if "allOf" in schema:
            if len(schema["allOf"]) != 1:
                raise _unsupported("allOf (with more than one schema)")
            rest = {key: value for key, value in schema.items() if key != "allOf"}
            return self._expr({**rest, **schema["allOf"][0]})
        kind = schema.get("type", _infer_type(schema))
        if schema.get("nullable") is True:
            kind = list(kind) + ["null"] if isinstance(kind, list) else [kind, "null"]
        if isinstance(kind, list):
            return _alternatives([self._expr({**schema, "type": item, "nullable": False}) for item in kind])
        return self._typed(kind, schema)

    def _typed(self, kind: Optional[str], schema: Dict[str, Any]) -> str:
        if kind is None:
            return self._any_value()
        if kind == "null":
            return self._terminal("null")
        if kind == "boolean":
            return _alternatives([self._terminal("true"), self._terminal("false")])
        if kind == "string":
            return self._string(schema)
        if kind == "integer":
            return self._terminal(self._integer(schema))
        if kind == "number":
            return self._terminal(self._number(schema))
        if kind == "object":
            return self._rule(schema, lambda: self._object(schema))
        if kind == "array":
            return self._rule(schema, lambda: self._array(schema))
        raise RequestError(f"guided_json: unknown type {kind!r}.")

    def _ref(self, ref: Any) -> str:
        if ref not in self._refs:
            target = self._resolve(ref)
            name = f"d{len(self._refs)}"
            self._refs[ref] = name
            self._rules[name] = ""
            self._rules[name] = self._expr(target)
        return self._refs[ref]

    def _resolve(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise RequestError(f"guided_json: only local $ref (#/…) is supported, not {ref!r}.")
        node = self._root
        for part in [item for item in ref[1:].split("/") if item]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise RequestError(f"guided_json: $ref {ref!r} does not resolve.")
            node = node[part]
        return node

    def _string(self, schema: Dict[str, Any]) -> str:
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        has_length = "minLength" in schema or "maxLength" in schema
        if pattern is not None:
            if has_length:
                raise _unsupported("pattern together with minLength/maxLength")
            body = pattern[1:] if pattern.startswith("^") else pattern
            body = body[:-1] if body.endswith("$") and not body.endswith("\\$") else body
            return self._terminal('"(?:' + body + ')"', PatternStringTerminal(body))
        if fmt in json_regex.FORMATS and not has_length:
            return self._terminal('"' + json_regex.FORMATS[fmt] + '"')
        if has_length:
            return self._terminal(json_regex.string_with_length(int(schema.get("minLength", 0)), schema.get("maxLength")))
        return self._terminal(json_regex.STRING)

    def _integer(self, schema: Dict[str, Any]) -> str:
        low = _bound(schema, "minimum", "exclusiveMinimum", math.ceil, 1)
        high = _bound(schema, "maximum", "exclusiveMaximum", math.floor, -1)
        if low is not None and high is not None and low > high:
            raise RequestError("guided_json: an integer's minimum is above its maximum.")
        return json_regex.integer_range(low, high)

    def _number(self, schema: Dict[str, Any]) -> str:
        if "exclusiveMinimum" in schema or "exclusiveMaximum" in schema:
            raise _unsupported("exclusiveMinimum/exclusiveMaximum on a number")
        if "minimum" not in schema and "maximum" not in schema:
            return json_regex.NUMBER
        if "maximum" in schema:
            bounded = json_regex.bounded_number(schema.get("minimum", 0), schema["maximum"])
        else:
            bounded = json_regex.at_least(schema["minimum"])
        if bounded is None:
            raise _unsupported("minimum/maximum on a number (supported: integral bounds 0 ≤ minimum < maximum)")
        return bounded

    def _object(self, schema: Dict[str, Any]) -> str:
        properties = dict(schema.get("properties") or {})
        required = list(schema.get("required") or [])
        for name in required:
            properties.setdefault(name, {})
        open_brace, close_brace = self._punct("{"), self._punct("}")
        if not properties:
            extra = schema.get("additionalProperties", True)
            if extra is False:
                return f"{open_brace} {close_brace}"
            member = f"{self._terminal(json_regex.STRING)} {self._punct(':')} {self._expr(extra)}"
            return f"{open_brace} ({member} ({self._punct(',')} {member})*)? {close_brace}"
        members = [(f"{self._terminal(json_regex.literal(name))} {self._punct(':')} {self._expr(sub)}", name in required) for name, sub in properties.items()]
        comma = self._punct(",")
        after = ""  # the members from i on, once one has been written (each starts with a comma)
        first = ""  # the members from i on, when none has been written yet
        for member, is_required in reversed(members):
            tail_first = first
            if is_required:
                first = f"{member} {after}".strip()
                after = f"{comma} {member} {after}".strip()
            else:
                first = f"({member} {after}".strip() + (f" | {tail_first})" if tail_first else ")?")
                after = f"({comma} {member})? {after}".strip()
        return f"{open_brace} {first} {close_brace}".replace("  ", " ")

    def _array(self, schema: Dict[str, Any]) -> str:
        open_bracket, close_bracket, comma = self._punct("["), self._punct("]"), self._punct(",")
        prefix = [self._expr(item) for item in schema.get("prefixItems") or []]
        items = schema.get("items", True if not prefix else False)
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        if prefix:
            head = f" {comma} ".join(prefix)
            if items is False or (high is not None and high <= len(prefix)):
                return f"{open_bracket} {head} {close_bracket}"
            extra = self._expr(items)
            more = f"({comma} {extra})*" if high is None else f"({comma} {extra})~0..{int(high) - len(prefix)}"
            return f"{open_bracket} {head} {more} {close_bracket}"
        if high is not None and int(high) == 0:
            return f"{open_bracket} {close_bracket}"
        item = self._expr(items)
        repeat = f"({comma} {item})*" if high is None else f"({comma} {item})~{max(low - 1, 0)}..{int(high) - 1}"
        if high is None and low > 1:
            repeat = f"({comma} {item})~{low - 1} ({comma} {item})*"
        listed = f"{item} {repeat}"
        return f"{open_bracket} {listed} {close_bracket}" if low > 0 else f"{open_bracket} ({listed})? {close_bracket}"

    def _any_value(self) -> str:
        """Any JSON value (the generic grammar, defined once)."""
        if "json_value" not in self._rules:
            self._rules["json_value"] = ""
            string, number = self._terminal(json_regex.STRING), self._terminal(json_regex.NUMBER)
            literals = " | ".join(self._terminal(word) for word in ("true", "false", "null"))
            comma, colon = self._punct(","), self._punct(":")
            self._rules["json_object"] = f"{self._punct('{')} ({string} {colon} json_value ({comma} {string} {colon} json_value)*)? {self._punct('}')}"
            self._rules["json_array"] = f"{self._punct('[')} (json_value ({comma} json_value)*)? {self._punct(']')}"
            self._rules["json_value"] = f"json_object | json_array | {string} | {number} | {literals}"
        return "json_value"


def _infer_type(schema: Dict[str, Any]) -> Optional[str]:
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if any(key in schema for key in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(key in schema for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        return "number"
    return None


def _bound(schema: Dict[str, Any], inclusive: str, exclusive: str, rounding: Any, step: int) -> Optional[int]:
    values = []
    if _is_number(schema.get(inclusive)):
        values.append(int(rounding(schema[inclusive])))
    if _is_number(schema.get(exclusive)):
        value = schema[exclusive]
        values.append(int(rounding(value)) + step if float(value).is_integer() else int(rounding(value)))
    if not values:
        return None
    return max(values) if step > 0 else min(values)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _alternatives(items: List[str]) -> str:
    unique = list(dict.fromkeys(items))
    return unique[0] if len(unique) == 1 else "(" + " | ".join(unique) + ")"


def object_grammar() -> Tuple[str, Dict[str, Any]]:
    """response_format json_object: any JSON object."""
    return SchemaGrammar({"type": "object"}).compile()
