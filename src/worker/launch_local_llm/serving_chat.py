"""POST /v1/chat/completions: vLLM's OpenAIServingChat without tool parsers or reasoning parsers
(chat template, roles, echo, chat log probs, the stream's role chunk and its delta chunks)."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import sampling_params
from .chat_template import render_prompt
from .choices import collect, step_entry
from .context import ServerContext, sse, stream_usage, unsupported, usage
from .errors import RequestError, error_body
from .guided import guided_spec
from .logprobs import chat_logprobs
from .protocol import ChatCompletionRequest


def prompt_ids(ctx: ServerContext, request: ChatCompletionRequest) -> List[int]:
    text, _ = render_prompt(ctx, request)
    return ctx.engine.encode(text, request.add_special_tokens)


def _check_tools(request: ChatCompletionRequest) -> None:
    choice = request.tool_choice
    if request.tools and choice == "auto":
        raise RequestError('"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set')
    if request.tools and choice not in (None, "none"):
        raise unsupported("tool_choice other than \"none\"")


def _role(ctx: ServerContext, request: ChatCompletionRequest) -> str:
    if request.add_generation_prompt:
        return ctx.response_role
    return str(request.messages[-1].get("role", ctx.response_role))


def create(ctx: ServerContext, request: ChatCompletionRequest, request_id_header: Optional[str]) -> Tuple[bool, Any]:
    ctx.check_model(request.model)
    _check_tools(request)
    text, conversation = render_prompt(ctx, request)
    ids = ctx.engine.encode(text, request.add_special_tokens)
    loaded = ctx.engine.loaded
    requested = request.max_completion_tokens or request.max_tokens
    max_tokens = sampling_params.max_tokens_for(requested, len(ids), loaded.max_model_len, loaded.default_max_tokens)
    top = request.top_logprobs or 0
    params = sampling_params.build(request, max_tokens, top if request.logprobs else None, loaded.default_sampling, ctx.max_logprobs, ctx.seed)
    params.guided = guided_spec(request, ctx.engine)
    generator = ctx.engine.new_generator(params.seed)
    request_id = "chatcmpl-" + ctx.request_id(request, request_id_header)
    role = _role(ctx, request)
    echo_text = _echo_text(conversation, role) if request.echo else ""
    if request.stream:
        return True, _stream(ctx, request, ids, params, generator, request_id, role, echo_text)
    return False, _answer(ctx, request, ids, params, generator, request_id, role, echo_text)


def _echo_text(conversation: List[Dict[str, Any]], role: str) -> str:
    if conversation and conversation[-1].get("role") == role:
        content = conversation[-1].get("content")
        return content if isinstance(content, str) else ""
    return ""


def _message(role: str, content: str) -> Dict[str, Any]:
    return {
        "role": role,
        "content": content,
        "refusal": None,
        "annotations": None,
        "audio": None,
        "function_call": None,
        "tool_calls": [],
        "reasoning_content": None,
    }


def _answer(ctx, request, ids, params, generator, request_id, role, echo_text) -> Dict[str, Any]:
    engine = ctx.engine
    choices = []
    completion_tokens = 0
    for index in range(params.n):
        result = collect(engine, ids, params, generator)
        logprobs = chat_logprobs(result.entries, request.top_logprobs or 0, engine.token_string) if request.logprobs else None
        choices.append(
            {
                "index": index,
                "message": _message(role, echo_text + result.text),
                "logprobs": logprobs,
                "finish_reason": result.finish_reason or "stop",
                "stop_reason": result.stop_reason,
                "token_ids": result.token_ids if request.return_token_ids else None,
            }
        )
        completion_tokens += len(result.token_ids)
    return {
        "id": request_id,
        "object": "chat.completion",
        "created": ctx.created(),
        "model": ctx.model_name,
        "choices": choices,
        "service_tier": None,
        "system_fingerprint": None,
        "usage": usage(len(ids), completion_tokens),
        "prompt_logprobs": None,
        "prompt_token_ids": ids if request.return_token_ids else None,
        "kv_transfer_params": None,
    }


def _stream(ctx, request, ids, params, generator, request_id, role, echo_text) -> Iterator[str]:
    engine = ctx.engine
    created = ctx.created()
    options = request.stream_options
    include_usage = ctx.force_include_usage or bool(options and options.include_usage)
    continuous = include_usage and bool(options and options.continuous_usage_stats)

    def chunk(choice: Dict[str, Any], counted: Optional[int], extra: Optional[Dict[str, Any]] = None) -> str:
        payload: Dict[str, Any] = {"id": request_id, "object": "chat.completion.chunk", "created": created, "model": ctx.model_name, "choices": [choice]}
        if continuous and counted is not None:
            payload["usage"] = stream_usage(len(ids), counted)
        payload.update(extra or {})
        return sse(payload)

    total = 0
    try:
        for index in range(params.n):
            first = {"index": index, "delta": {"role": role, "content": ""}, "logprobs": None, "finish_reason": None}
            yield chunk(first, 0, {"prompt_token_ids": ids if request.return_token_ids else None})
            if echo_text:
                yield chunk({"index": index, "delta": {"content": echo_text}, "logprobs": None, "finish_reason": None}, 0)
        for index in range(params.n):
            count = 0
            for step in engine.generate(ids, params, generator):
                entry = step_entry(step)
                count += 1 if entry is not None else 0
                logprobs = chat_logprobs([entry] if entry else [], request.top_logprobs or 0, engine.token_string) if request.logprobs else None
                choice: Dict[str, Any] = {"index": index, "delta": {"content": step.text}, "logprobs": logprobs}
                if step.finish_reason is None:
                    choice["finish_reason"] = None
                else:
                    choice["finish_reason"] = step.finish_reason
                    choice["stop_reason"] = step.stop_reason
                choice["token_ids"] = [entry[0]] if request.return_token_ids and entry else None
                yield chunk(choice, count)
            total += count
        if include_usage:
            final = {"id": request_id, "object": "chat.completion.chunk", "created": created, "model": ctx.model_name, "choices": [], "usage": stream_usage(len(ids), total)}
            yield sse(final)
    except RequestError as error:
        yield sse({"error": error_body(error.message, error.kind, error.status)})
    yield "data: [DONE]\n\n"
