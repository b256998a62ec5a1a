"""A reference for bench row 10, not part of launch-local: the echo bundle served the way model-engine's
own sync worker serves it (`model_engine_server/inference/sync_inference/fastapi_server.py`): a
FastAPI app on uvicorn, `EndpointPredictV1Request` validated by pydantic, a fail-fast concurrency
limiter (429), the sync handler run in Starlette's thread pool, `{"result": json.dumps(output)}`
answered. Only the bundle loading is simplified (a cloudpickle dict bundle from a file, no S3 and no
user config), as it is outside the request path.

    python fastapi_worker.py BUNDLE_PATH CONCURRENCY    prints "ready on 127.0.0.1:PORT", serves until SIGTERM

Run in the bench-only virtualenv (fastapi, uvicorn, cloudpickle: scripts/bench/venvs.mjs).
"""
from __future__ import annotations

import asyncio
import json
import socket
import sys
import threading
import traceback
from typing import Any, Dict, Optional

import cloudpickle
import uvicorn
from fastapi import FastAPI, HTTPException, Response, status
from pydantic import BaseModel, RootModel


class RequestSchema(RootModel[Any]):
    root: Any


class CallbackAuth(RootModel[Any]):
    root: Any


class EndpointPredictV1Request(BaseModel):
    url: Optional[str] = None
    args: Optional[RequestSchema] = None
    cloudpickle: Optional[str] = None
    callback_url: Optional[str] = None
    callback_auth: Optional[CallbackAuth] = None
    return_pickled: bool = False
    destination_path: Optional[str] = None


def load_predict_fn(path: str) -> Any:
    with open(path, "rb") as bundle_file:
        bundle = cloudpickle.load(bundle_file)
    return bundle["load_predict_fn"](bundle["load_model_fn"]())


class ConcurrencyLimiter:
    """model-engine's MultiprocessingConcurrencyLimiter with FAIL_ON_CONCURRENCY_LIMIT = True."""

    def __init__(self, concurrency: int) -> None:
        self.semaphore = threading.BoundedSemaphore(concurrency)

    def __enter__(self) -> None:
        if not self.semaphore.acquire(blocking=False):
            raise HTTPException(status_code=429, detail="Too many requests")

    def __exit__(self, *exc: Any) -> None:
        self.semaphore.release()


def build_app(predict_fn: Any, concurrency: int) -> FastAPI:
    app = FastAPI(title="hosted-inference-sync-service")
    limiter = ConcurrencyLimiter(concurrency)

    @app.get("/healthcheck")
    @app.get("/healthz")
    @app.get("/readyz")
    def healthcheck() -> Response:
        return Response(status_code=status.HTTP_200_OK)

    @app.post("/predict")
    def predict(payload: EndpointPredictV1Request) -> Dict[str, str]:
        with limiter:
            try:
                if payload.args is None:
                    raise ValueError("Input needs either url or args.")
                return {"result": json.dumps(predict_fn(**payload.args.root))}
            except Exception:
                raise HTTPException(status_code=500, detail=dict(traceback=str(traceback.format_exc())))

    return app


def main() -> None:
    bundle_path, concurrency = sys.argv[1], int(sys.argv[2])
    app = build_app(load_predict_fn(bundle_path), concurrency)
    # As gunicorn's listener (model-engine runs uvicorn under gunicorn): TCP_NODELAY is set on the
    # listening socket and inherited by each connection; without it uvicorn's two writes per answer
    # (head, then body) meet delayed ACK and every answer waits about 40 ms.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    sys.stdout.write("ready on 127.0.0.1:%d\n" % sock.getsockname()[1])
    sys.stdout.flush()
    asyncio.run(server.serve(sockets=[sock]))


if __name__ == "__main__":
    main()
