"""The engine's Python dependencies, checked before anything heavy is imported.

A missing package must end the start with one clear line naming it (the gateway turns the last
stderr line into the endpoint's status_reason), never with a traceback or a fake answer.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from typing import List

REQUIREMENTS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "requirements.txt")

# Import name → the name pip installs it under.
REQUIRED = [
    ("torch", "torch"),
    ("transformers", "transformers"),
    ("tokenizers", "tokenizers"),
    ("safetensors", "safetensors"),
    ("jinja2", "jinja2"),
    ("pydantic", "pydantic"),
    ("regex", "regex"),
    ("lark", "lark"),
    ("jsonschema", "jsonschema"),
]


def missing_packages() -> List[str]:
    """pip names of the required packages this interpreter cannot import."""
    return [pip_name for module, pip_name in REQUIRED if importlib.util.find_spec(module) is None]


def missing_message(missing: List[str]) -> str:
    names = ", ".join(f'"{name}"' for name in missing)
    noun = "package" if len(missing) == 1 else "packages"
    verb = "is" if len(missing) == 1 else "are"
    return (
        f"launch-local-llm: cannot start: Python {noun} {names} {verb} not installed for {sys.executable} "
        f"(pip install -r {REQUIREMENTS_PATH})"
    )
