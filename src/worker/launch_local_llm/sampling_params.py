"""A request's sampling settings, with vLLM's defaults and the checks (and messages) of vLLM's
SamplingParams._verify_args and OpenAIServing._validate_input."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .errors import RequestError

# vLLM's request defaults (CompletionRequest/ChatCompletionRequest._DEFAULT_SAMPLING_PARAMS); the
# model's generation_config.json overrides them, a request's own value overrides both.
_OPENAI_DEFAULTS = {"repetition_penalty": 1.0, "temperature": 1.0, "top_p": 1.0, "top_k": 0, "min_p": 0.0}


@dataclass
class SamplingParams:
    n: int = 1
    max_tokens: int = 16
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    min_p: float = 0.0
    presence_penalty: float = 0.0
    frequency_penalty: float = 0.0
    repetition_penalty: float = 1.0
    seed: Optional[int] = None
    stop: List[str] = field(default_factory=list)
    stop_token_ids: List[int] = field(default_factory=list)
    include_stop_str_in_output: bool = False
    ignore_eos: bool = False
    min_tokens: int = 0
    logprobs: Optional[int] = None
    skip_special_tokens: bool = True
    logit_bias: Dict[int, float] = field(default_factory=dict)
    allowed_token_ids: Optional[List[int]] = None
    # Token sequences that must not be written (vLLM's bad_words, with and without a leading space).
    bad_words_ids: List[List[int]] = field(default_factory=list)
    guided: Any = None


def max_tokens_for(requested: Optional[int], prompt_len: int, max_model_len: int, default_max: Optional[int]) -> int:
    """vLLM's `_validate_input` then `get_max_tokens`: refuse what does not fit, else cap."""
    if requested is None:
        if prompt_len >= max_model_len:
            raise RequestError(
                f"This model's maximum context length is {max_model_len} tokens. However, you requested "
                f"{prompt_len} tokens in the messages, Please reduce the length of the messages."
            )
    elif prompt_len + requested > max_model_len:
        raise RequestError(
            f"This model's maximum context length is {max_model_len} tokens. However, you requested "
            f"{requested + prompt_len} tokens ({prompt_len} in the messages, {requested} in the completion). "
            f"Please reduce the length of the messages or completion."
        )
    candidates = [value for value in (max_model_len - prompt_len, requested, default_max) if value is not None]
    return min(candidates)


def bad_words_ids(words: List[str], encode: Callable[[str], List[int]]) -> List[List[int]]:
    """vLLM's SamplingParams.update_from_tokenizer: each word as written and, when that makes a
    different first token of the same length, with a leading space (a word inside a text)."""
    result: List[List[int]] = []
    for word in words:
        plain = encode(word.lstrip())
        if plain:
            result.append(plain)
        spaced = encode(" " + word.lstrip())
        if spaced and plain and spaced[0] != plain[0] and len(spaced) == len(plain):
            result.append(spaced)
    return result


def build(request: Any, max_tokens: int, logprobs: Optional[int], defaults: Dict[str, Any], max_logprobs: int, engine_seed: Optional[int], vocab_size: int = 0, encode: Optional[Callable[[str], List[int]]] = None) -> SamplingParams:
    """The settings of one request (completions or chat) once its prompt length is known."""

    def pick(name: str) -> Any:
        value = getattr(request, name, None)
        if value is not None:
            return value
        return defaults.get(name, _OPENAI_DEFAULTS[name])

    stop = request.stop
    stop_list = [stop] if isinstance(stop, str) else list(stop or [])
    params = SamplingParams(
        n=request.n,
        max_tokens=max_tokens,
        temperature=float(pick("temperature")),
        top_p=float(pick("top_p")),
        top_k=int(pick("top_k")),
        min_p=float(pick("min_p")),
        presence_penalty=float(request.presence_penalty or 0.0),
        frequency_penalty=float(request.frequency_penalty or 0.0),
        repetition_penalty=float(pick("repetition_penalty")),
        seed=request.seed if request.seed is not None else engine_seed,
        stop=stop_list,
        stop_token_ids=list(request.stop_token_ids or []),
        include_stop_str_in_output=request.include_stop_str_in_output,
        ignore_eos=request.ignore_eos,
        min_tokens=request.min_tokens,
        logprobs=logprobs,
        skip_special_tokens=request.skip_special_tokens,
        logit_bias={int(token): float(bias) for token, bias in (request.logit_bias or {}).items()},
        allowed_token_ids=request.allowed_token_ids,
    )
    if request.bad_words and encode is not None:
        params.bad_words_ids = bad_words_ids(list(request.bad_words), encode)
    verify(params, max_logprobs, request)
    if vocab_size:
        _check_token_ids(params, vocab_size)
    return params


def _check_token_ids(params: SamplingParams, vocab_size: int) -> None:
    if params.allowed_token_ids is not None:
        if not params.allowed_token_ids:
            raise RequestError("allowed_token_ids is not None and empty!")
        if any(not 0 <= token < vocab_size for token in params.allowed_token_ids):
            raise RequestError("allowed_token_ids contains out-of-vocab token id!")
    invalid = [token for token in params.logit_bias if not 0 <= token < vocab_size]
    if invalid:
        raise RequestError(f"token_id(s) {invalid} in logit_bias contain out-of-vocab token ids. Vocabulary size: {vocab_size}")


def verify(params: SamplingParams, max_logprobs: int, request: Any) -> None:
    def fail(message: str) -> None:
        raise RequestError(message)

    if params.n < 1:
        fail(f"n must be at least 1, got {params.n}.")
    if not -2.0 <= params.presence_penalty <= 2.0:
        fail(f"presence_penalty must be in [-2, 2], got {params.presence_penalty}.")
    if not -2.0 <= params.frequency_penalty <= 2.0:
        fail(f"frequency_penalty must be in [-2, 2], got {params.frequency_penalty}.")
    if params.repetition_penalty <= 0.0:
        fail(f"repetition_penalty must be greater than zero, got {params.repetition_penalty}.")
    if params.temperature < 0.0:
        fail(f"temperature must be non-negative, got {params.temperature}.")
    if not 0.0 < params.top_p <= 1.0:
        fail(f"top_p must be in (0, 1], got {params.top_p}.")
    if params.top_k < -1:
        fail(f"top_k must be 0 or -1 (disable), or at least 1, got {params.top_k}.")
    if not 0.0 <= params.min_p <= 1.0:
        fail(f"min_p must be in [0, 1], got {params.min_p}.")
    if params.max_tokens < 1:
        fail(f"max_tokens must be at least 1, got {params.max_tokens}.")
    if params.min_tokens < 0:
        fail(f"min_tokens must be greater than or equal to 0, got {params.min_tokens}.")
    if params.min_tokens > params.max_tokens:
        fail(f"min_tokens must be less than or equal to max_tokens={params.max_tokens}, got {params.min_tokens}.")
    if params.logprobs is not None and params.logprobs > max_logprobs:
        fail(f"Requested sample logprobs of {params.logprobs}, which is greater than max allowed: {max_logprobs}")
    if any(item == "" for item in params.stop):
        fail("stop cannot contain an empty string.")
    if request.use_beam_search:
        fail("use_beam_search is not supported by launch-local's engine.")
    if request.best_of is not None and request.best_of != params.n:
        fail("best_of is not supported by vLLM's v1 engine (only best_of == n).")
    if params.top_k == -1:
        params.top_k = 0
