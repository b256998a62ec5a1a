"""`python -m launch_local_llm.server …`: launch-local's LLM engine, on the wire of vLLM's OpenAI
server (the command line model-engine writes for a vLLM bundle is accepted as it is).

The port is bound only once the model is loaded, so /health never answers before the engine can.
Exit codes: 2 bad arguments, 4 a Python package is missing, 1 the model cannot be loaded, 3 the
port cannot be bound. In each case the last stderr line says why, in one sentence.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any, List, Optional, Tuple

from .cli_args import parse_args
from .deps import missing_message, missing_packages

EXIT_LOAD = 1
EXIT_BIND = 3
EXIT_MISSING = 4


class StartFailure(Exception):
    """The engine cannot start: the exit code and the one line that says why."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def build_context(argv: List[str]) -> Tuple[Any, Any]:
    """(ServerContext, parsed args) for `argv` as the server's own: the model loaded, no port bound.

    Other entry points (batch completions) answer through the same context, so their answers are
    the server's. Raises StartFailure; bad arguments exit 2 as argparse does.
    """
    args = parse_args(argv)
    missing = missing_packages()
    if missing:
        raise StartFailure(EXIT_MISSING, missing_message(missing))
    from .loader import StartError, check_folder

    try:
        check_folder(args.model)
        from .loader import load

        loaded = load(args)
    except StartError as error:
        raise StartFailure(EXIT_LOAD, f"launch-local-llm: cannot start: {error}") from error
    from .context import ServerContext
    from .engine import Engine

    ctx = ServerContext(
        engine=Engine(loaded),
        served_names=loaded.served_names,
        max_logprobs=args.max_logprobs,
        seed=args.seed,
        response_role=args.response_role,
        chat_template=loaded.chat_template,
        force_include_usage=bool(args.enable_force_include_usage),
    )
    return ctx, args


def _fail(code: int, message: str) -> int:
    sys.stderr.write(message.rstrip() + "\n")
    sys.stderr.flush()
    return code


def main(argv: Optional[List[str]] = None) -> int:
    try:
        ctx, args = build_context(sys.argv[1:] if argv is None else argv)
    except StartFailure as failure:
        return _fail(failure.code, failure.message)
    from .app import make_dispatch
    from .http_server import bind

    loaded = ctx.engine.loaded
    host = os.environ.get("LAUNCH_WORKER_HOST") or args.host or "::"
    port = int(os.environ.get("LAUNCH_WORKER_PORT") or args.port)
    access_log = not args.disable_uvicorn_access_log
    try:
        server = bind(host, port, make_dispatch(ctx, args.api_key), access_log)
    except OSError as error:
        return _fail(EXIT_BIND, f"launch-local-llm: cannot start: cannot bind {host}:{port}: [Errno {error.errno}] {error.strerror}")

    stopping = threading.Event()

    def stop(_signum: int, _frame: object) -> None:
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bound_host = server.server_address[0]
    sys.stdout.write(f"launch-local-llm: serving {loaded.served_names[0]} ({loaded.device.type}); ready on {bound_host}:{server.port}\n")
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    sys.stdout.flush()
    sys.stderr.flush()
    # Nothing is left to save; tearing down torch's modules at exit takes seconds on a busy machine.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
