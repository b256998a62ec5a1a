"""POST /v1/completions: vLLM's OpenAIServingCompletion (answer and stream chunk shapes, echo,
log probs, several prompts × n choices, usage)."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple

from . import sampling_params
from .choices import collect, step_entry
from .context import ServerContext, sse, stream_usage, usage
from .errors import RequestError, error_body
from .guided import guided_spec
from .logprobs import completion_logprobs, prompt_logprobs_field
from .protocol import CompletionRequest

Prompt = Tuple[str, List[int]]


def _prompts(ctx: ServerContext, request: CompletionRequest) -> List[Prompt]:
    prompt = request.prompt
    engine = ctx.engine
    if isinstance(prompt, str):
        items: List[Any] = [prompt]
    elif isinstance(prompt, list) and prompt and all(isinstance(item, int) for item in prompt):
        items = [prompt]
    else:
        items = list(prompt or [])
    if not items:
        raise RequestError("Either prompt or prompt_embeds must be provided and non-empty.")
    prompts: List[Prompt] = []
    for item in items:
        if isinstance(item, str):
            ids = engine.encode(item, request.add_special_tokens)
            text = item
        else:
            ids = [int(token) for token in item]
            text = engine.decode(ids, skip_special_tokens=False)
        if request.truncate_prompt_tokens is not None and request.truncate_prompt_tokens >= 0:
            ids = ids[-request.truncate_prompt_tokens:] if request.truncate_prompt_tokens else []
        if not ids:
            raise RequestError("The prompt encodes to no tokens; a completion needs at least one.")
        prompts.append((text, ids))
    return prompts


def _check(request: CompletionRequest) -> None:
    if request.suffix is not None:
        raise RequestError("suffix is not currently supported")


def create(ctx: ServerContext, request: CompletionRequest, request_id_header: Optional[str]) -> Tuple[bool, Any]:
    """(is_stream, answer): a JSON-ready dict, or an iterator of SSE lines."""
    ctx.check_model(request.model)
    _check(request)
    prompts = _prompts(ctx, request)
    request_id = "cmpl-" + ctx.request_id(request, request_id_header)
    created = ctx.created()
    guided = guided_spec(request, ctx.engine)
    echo_only = bool(request.echo) and request.max_tokens == 0
    plans = []
    for text, ids in prompts:
        max_tokens = sampling_params.max_tokens_for(
            None if echo_only else request.max_tokens, len(ids), ctx.engine.loaded.max_model_len, ctx.engine.loaded.default_max_tokens
        )
        loaded = ctx.engine.loaded
        params = sampling_params.build(
            request, max(max_tokens, 1), request.logprobs, loaded.default_sampling, ctx.max_logprobs, ctx.seed, loaded.vocab_size, ctx.encode_plain
        )
        params.guided = guided
        plans.append((text, ids, params))
    if request.stream:
        return True, _stream(ctx, request, plans, request_id, created)
    return False, _answer(ctx, request, plans, request_id, created, echo_only)


def _answer(ctx, request, plans, request_id, created, echo_only) -> Dict[str, Any]:
    engine = ctx.engine
    choices = []
    prompt_tokens = 0
    completion_tokens = 0
    for text, ids, params in plans:
        # Each prompt is a request of its own in vLLM, seeded alike: a prompt samples the same text
        # alone or in a list; the n choices of one prompt share its generator.
        generator = engine.new_generator(params.seed)
        prompt_entries = _prompt_entries(engine, ids, request)
        for _ in range(params.n):
            if echo_only:
                result_text, entries, token_ids, finish, stop_reason = text, [], [], "length", None
            else:
                result = collect(engine, ids, params, generator)
                result_text, entries, token_ids = result.text, result.entries, result.token_ids
                finish, stop_reason = result.finish_reason, result.stop_reason
                if request.echo:
                    result_text = text + result_text
            logprobs = None
            if request.logprobs is not None:
                all_entries = (_echo_entries(ids, prompt_entries) if request.echo else []) + entries
                logprobs = completion_logprobs(all_entries, request.logprobs, ctx.token_string_for(request), _decode_one(ctx, request))
            choices.append(
                {
                    "index": len(choices),
                    "text": result_text,
                    "logprobs": logprobs,
                    "finish_reason": finish,
                    "stop_reason": stop_reason,
                    "token_ids": token_ids if request.return_token_ids else None,
                    "prompt_logprobs": prompt_logprobs_field(prompt_entries, engine.token_string) if request.prompt_logprobs is not None else None,
                    "prompt_token_ids": ids if request.return_token_ids else None,
                }
            )
            completion_tokens += len(token_ids)
        prompt_tokens += len(ids)
    return {
        "id": request_id,
        "object": "text_completion",
        "created": created,
        "model": ctx.model_name,
        "choices": choices,
        "service_tier": None,
        "system_fingerprint": None,
        "usage": usage(prompt_tokens, completion_tokens),
        "kv_transfer_params": None,
    }


def _prompt_entries(engine, ids: List[int], request: CompletionRequest):
    """Prompt log probs when the request asks for them (prompt_logprobs, or echo with logprobs)."""
    wanted = request.prompt_logprobs
    if wanted is None and request.echo and request.logprobs is not None:
        wanted = request.logprobs
    if wanted is None:
        return None
    return engine.prompt_logprobs(ids, wanted)


def _echo_entries(ids: List[int], prompt_entries) -> list:
    entries = []
    for position, token in enumerate(ids):
        entry = prompt_entries[position] if prompt_entries else None
        entries.append(entry if entry is not None else (token, None, 0, None))
    return entries


def _decode_one(ctx, request):
    """A prompt's first token, which has no log prob: vLLM names it with tokenizer.decode."""
    if request.return_tokens_as_token_ids:
        return ctx.token_string_for(request)
    return lambda token: ctx.engine.decode([token], skip_special_tokens=False)


def _stream(ctx, request, plans, request_id, created) -> Iterator[str]:
    engine = ctx.engine
    options = request.stream_options
    include_usage = ctx.force_include_usage or bool(options and options.include_usage)
    continuous = include_usage and bool(options and options.continuous_usage_stats)
    prompt_tokens = 0
    completion_tokens = 0
    try:
        for prompt_index, (text, ids, params) in enumerate(plans):
            prompt_tokens += len(ids)
            generator = engine.new_generator(params.seed)
            prompt_entries = _prompt_entries(engine, ids, request)
            for choice in range(params.n):
                index = prompt_index * params.n + choice
                offset = 0
                count = 0
                for step_number, step in enumerate(engine.generate(ids, params, generator)):
                    entry = step_entry(step)
                    delta_text, entries = step.text, ([entry] if entry is not None else [])
                    if step_number == 0 and request.echo:
                        delta_text = text + delta_text
                        entries = _echo_entries(ids, prompt_entries) + entries
                    count += 1 if entry is not None else 0
                    logprobs = None
                    if request.logprobs is not None:
                        logprobs = completion_logprobs(entries, request.logprobs, ctx.token_string_for(request), _decode_one(ctx, request), offset)
                    offset += len(delta_text)
                    chunk = {
                        "id": request_id,
                        "object": "text_completion",
                        "created": created,
                        "model": ctx.model_name,
                        "choices": [
                            {
                                "index": index,
                                "text": delta_text,
                                "logprobs": logprobs,
                                "finish_reason": step.finish_reason,
                                "stop_reason": step.stop_reason,
                                "prompt_token_ids": ids if request.return_token_ids and step_number == 0 else None,
                                "token_ids": [entry[0]] if request.return_token_ids and entry is not None else None,
                            }
                        ],
                        "usage": stream_usage(len(ids), count) if continuous else None,
                    }
                    yield sse(chunk)
                completion_tokens += count
        if include_usage:
            final = {"id": request_id, "object": "text_completion", "created": created, "model": ctx.model_name, "choices": [], "usage": stream_usage(prompt_tokens, completion_tokens)}
            yield sse(final)
    except RequestError as error:
        yield sse({"error": error_body(error.message, error.kind, error.status)})
    yield "data: [DONE]\n\n"
