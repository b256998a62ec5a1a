"""POST /v1/chat/completions: vLLM's OpenAIServingChat without tool parsers or reasoning parsers
(chat template, roles, echo, chat log probs, the stream's role chunk and its delta chunks)."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import sampling_params
from .chat_template import render_prompt
from .choices import collect, step_entry
from . import tool_calls
from .context import ServerContext, sse, stream_usage, usage
from .errors import RequestError, error_body
from .guided import guided_spec
from .logprobs import chat_logprobs, prompt_logprobs_field
from .protocol import ChatCompletionRequest


def prompt_ids(ctx: ServerContext, request: ChatCompletionRequest) -> List[int]:
    text, _ = render_prompt(ctx, request)
    return ctx.engine.encode(text, request.add_special_tokens)


def _role(ctx: ServerContext, request: ChatCompletionRequest) -> str:
    if request.add_generation_prompt:
        return ctx.response_role
    return str(request.messages[-1].get("role", ctx.response_role))


def create(ctx: ServerContext, request: ChatCompletionRequest, request_id_header: Optional[str]) -> Tuple[bool, Any]:
    ctx.check_model(request.model)
    forced = tool_calls.forced_schema(request)
    text, conversation = render_prompt(ctx, request)
    ids = ctx.engine.encode(text, request.add_special_tokens)
    loaded = ctx.engine.loaded
    requested = request.max_completion_tokens or request.max_tokens
    max_tokens = sampling_params.max_tokens_for(requested, len(ids), loaded.max_model_len, loaded.default_max_tokens)
    top = request.top_logprobs or 0
    params = sampling_params.build(
        request, max_tokens, top if request.logprobs else None, loaded.default_sampling, ctx.max_logprobs, ctx.seed, loaded.vocab_size, ctx.encode_plain
    )
    params.guided = guided_spec(request, ctx.engine, forced)
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
        logprobs = chat_logprobs(result.entries, request.top_logprobs or 0, ctx.token_string_for(request)) if request.logprobs else None
        message = _message(role, echo_text + result.text)
        if tool_calls.is_forced(request):
            message["content"] = ""
            message["tool_calls"] = tool_calls.calls_from_output(request, result.text)
        choices.append(
            {
                "index": index,
                "message": message,
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
        "prompt_logprobs": prompt_logprobs_field(engine.prompt_logprobs(ids, request.prompt_logprobs), engine.token_string) if request.prompt_logprobs is not None else None,
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
            calls = _ToolCallDeltas(request, index)
            for step in engine.generate(ids, params, generator):
                entry = step_entry(step)
                count += 1 if entry is not None else 0
                logprobs = chat_logprobs([entry] if entry else [], request.top_logprobs or 0, ctx.token_string_for(request)) if request.logprobs else None
                choice: Dict[str, Any] = {"index": index, "delta": calls.delta(step.text, step.finish_reason is not None), "logprobs": logprobs}
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


class _ToolCallDeltas:
    """A stream's deltas: content, or for a forced tool call vLLM's tool_calls deltas (the named
    function's arguments as they come; the "required" array once complete, one call each)."""

    def __init__(self, request: ChatCompletionRequest, index: int) -> None:
        self._request = request
        self._index = index
        self._is_forced = tool_calls.is_forced(request)
        self._started = False
        self._text = ""

    def delta(self, piece: str, finished: bool) -> Dict[str, Any]:
        if not self._is_forced:
            return {"content": piece}
        self._text += piece
        if tool_calls.is_named(self._request):
            if self._started:
                return {"tool_calls": [{"index": self._index, "function": {"arguments": piece}}]}
            self._started = True
            name = self._request.tool_choice["function"]["name"]
            return {"tool_calls": [{"id": tool_calls.new_call_id(), "type": "function", "index": self._index, "function": {"name": name, "arguments": piece}}]}
        if not finished:
            return {}
        calls = tool_calls.calls_from_output(self._request, self._text)
        return {"tool_calls": [{"id": call["id"], "type": "function", "index": number, "function": call["function"]} for number, call in enumerate(calls)]}
