"""The routes of vLLM's OpenAI server that launch-local's engine serves."""
from __future__ import annotations

from typing import Any, Dict

from . import __version__, serving_chat, serving_completion
from .context import ServerContext
from .errors import RequestError
from .http_server import Response
from .protocol import ChatCompletionRequest, CompletionRequest, parse_request

_NOT_FOUND = {"detail": "Not Found"}
_NOT_ALLOWED = {"detail": "Method Not Allowed"}


def make_dispatch(ctx: ServerContext, api_key: Any = None):
    routes = {
        "/health": ("GET", lambda body, headers: Response(200, empty=True)),
        "/ping": ("GET", lambda body, headers: Response(200, empty=True)),
        "/version": ("GET", lambda body, headers: Response(200, {"version": __version__})),
        "/v1/models": ("GET", lambda body, headers: Response(200, _models(ctx))),
        "/v1/completions": ("POST", lambda body, headers: _completions(ctx, body, headers)),
        "/v1/chat/completions": ("POST", lambda body, headers: _chat(ctx, body, headers)),
        "/tokenize": ("POST", lambda body, headers: Response(200, _tokenize(ctx, body))),
        "/detokenize": ("POST", lambda body, headers: Response(200, _detokenize(ctx, body))),
    }

    def dispatch(method: str, path: str, body: Any, headers: Dict[str, str]) -> Response:
        route = routes.get(path.rstrip("/") or "/")
        if route is None:
            return Response(404, _NOT_FOUND)
        expected, handler = route
        if method != expected and not (path == "/ping" and method == "POST"):
            return Response(405, _NOT_ALLOWED)
        if api_key and path.startswith("/v1/") and headers.get("authorization") != f"Bearer {api_key}":
            return Response(401, {"error": "Unauthorized"})
        try:
            return handler(body, headers)
        except RequestError as error:
            return Response(error.status, error.body())

    return dispatch


def _completions(ctx: ServerContext, body: Any, headers: Dict[str, str]) -> Response:
    request = parse_request(CompletionRequest, body)
    is_stream, answer = serving_completion.create(ctx, request, headers.get("x-request-id"))
    return Response(200, stream=answer) if is_stream else Response(200, answer)


def _chat(ctx: ServerContext, body: Any, headers: Dict[str, str]) -> Response:
    request = parse_request(ChatCompletionRequest, body)
    is_stream, answer = serving_chat.create(ctx, request, headers.get("x-request-id"))
    return Response(200, stream=answer) if is_stream else Response(200, answer)


def _models(ctx: ServerContext) -> Dict[str, Any]:
    created = ctx.created()
    cards = []
    for name in ctx.served_names:
        cards.append(
            {
                "id": name,
                "object": "model",
                "created": created,
                "owned_by": "vllm",
                "root": ctx.engine.loaded.root,
                "parent": None,
                "max_model_len": ctx.engine.loaded.max_model_len,
                "permission": [
                    {
                        "id": "modelperm-" + ctx.new_id(),
                        "object": "model_permission",
                        "created": created,
                        "allow_create_engine": False,
                        "allow_sampling": True,
                        "allow_logprobs": True,
                        "allow_search_indices": False,
                        "allow_view": True,
                        "allow_fine_tuning": False,
                        "organization": "*",
                        "group": None,
                        "is_blocking": False,
                    }
                ],
            }
        )
    return {"object": "list", "data": cards}


def _tokenize(ctx: ServerContext, body: Any) -> Dict[str, Any]:
    if not isinstance(body, dict):
        raise RequestError("The request body must be a JSON object.")
    ctx.check_model(body.get("model"))
    if "messages" in body:
        request = parse_request(ChatCompletionRequest, body)
        ids = serving_chat.prompt_ids(ctx, request)
    elif isinstance(body.get("prompt"), str):
        ids = ctx.engine.encode(body["prompt"], bool(body.get("add_special_tokens", True)))
    else:
        raise RequestError("prompt: a string is required (or messages)")
    strings = [ctx.engine.tokenizer.convert_ids_to_tokens(token) for token in ids] if body.get("return_token_strs") else None
    return {"count": len(ids), "max_model_len": ctx.engine.loaded.max_model_len, "tokens": ids, "token_strs": strings}


def _detokenize(ctx: ServerContext, body: Any) -> Dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("tokens"), list):
        raise RequestError("tokens: a list of token ids is required")
    ctx.check_model(body.get("model"))
    return {"prompt": ctx.engine.decode([int(token) for token in body["tokens"]], skip_special_tokens=False)}
