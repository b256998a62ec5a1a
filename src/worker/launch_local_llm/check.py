"""`python -m launch_local_llm.check [MODULE …]`: can this interpreter run the engine?

Exit 0 when every package the engine imports (and every extra MODULE named, e.g. `peft` for the
fine-tune trainer) is installed; else exit 4 with the engine's own one-line reason on stderr. Found
without importing anything, so it takes well under a second; the gateway runs it when it builds
an LLM endpoint's environment, so a missing package fails the build instead of every worker start.
"""
from __future__ import annotations

import importlib.util
import sys
from typing import List, Optional

from .deps import REQUIRED, missing_message

EXIT_MISSING = 4


def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a dotted name whose parent is missing
        return False


def main(argv: Optional[List[str]] = None) -> int:
    extra = list(sys.argv[1:] if argv is None else argv)
    names = [pip_name for _module, pip_name in REQUIRED]
    missing = [pip for module, pip in REQUIRED if not _has(module)]
    missing += [name for name in extra if name not in names and not _has(name)]
    if missing:
        sys.stderr.write(missing_message(missing) + "\n")
        return EXIT_MISSING
    return 0


if __name__ == "__main__":
    sys.exit(main())
