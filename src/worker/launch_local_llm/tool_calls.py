"""Forced tool calls, as vLLM serves them without a tool parser: `tool_choice` naming a function
(the output is guided by that function's parameters schema and returned as its `arguments`) or
"required" (guided by an array of {name, parameters} objects, one per call). "auto" needs a tool
parser (`--enable-auto-tool-choice --tool-call-parser`), which this engine has not: a 400, as vLLM.
"""
from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List, Optional

from .errors import RequestError

_EMPTY_PARAMETERS = {"type": "object", "properties": {}}


def _functions(request: Any) -> Dict[str, Dict[str, Any]]:
    functions = {}
    for tool in request.tools or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            raise RequestError("Every tool needs a `function` with a `name`.")
        functions[function["name"]] = function
    return functions


def forced_schema(request: Any) -> Optional[Dict[str, Any]]:
    """The JSON Schema the answer must follow, or None when no tool call is forced."""
    choice = request.tool_choice
    if choice in (None, "none"):
        return None
    if not request.tools:
        raise RequestError("When using `tool_choice`, `tools` must be set.")
    if choice == "auto":
        raise RequestError('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set')
    functions = _functions(request)
    if choice == "required":
        branches = [
            {"properties": {"name": {"type": "string", "enum": [name]}, "parameters": function.get("parameters") or _EMPTY_PARAMETERS}, "required": ["name", "parameters"]}
            for name, function in functions.items()
        ]
        return {"type": "array", "minItems": 1, "items": {"type": "object", "anyOf": branches}}
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        name = choice["function"].get("name")
        if name not in functions:
            raise RequestError(f"Tool '{name}' has not been passed in `tools`.")
        return functions[name].get("parameters") or _EMPTY_PARAMETERS
    raise RequestError(f"Invalid tool_choice: {json.dumps(choice)}")


def new_call_id() -> str:
    return "chatcmpl-tool-" + uuid.uuid4().hex


def calls_from_output(request: Any, text: str) -> List[Dict[str, Any]]:
    """The answer's `tool_calls`: the named function with `text` as its arguments, or each
    element of the "required" array."""
    choice = request.tool_choice
    if isinstance(choice, dict):
        return [{"id": new_call_id(), "type": "function", "function": {"name": choice["function"]["name"], "arguments": text}}]
    try:
        items = json.loads(text)
    except ValueError as error:
        raise RequestError(f"The forced tool calls did not finish as JSON (raise max_tokens): {error}") from error
    return [
        {"id": new_call_id(), "type": "function", "function": {"name": item["name"], "arguments": json.dumps(item["parameters"], ensure_ascii=False)}}
        for item in items
    ]


def is_named(request: Any) -> bool:
    return isinstance(request.tool_choice, dict)


def is_forced(request: Any) -> bool:
    return request.tools is not None and request.tool_choice not in (None, "none", "auto")
