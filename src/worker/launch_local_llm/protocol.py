"""Request bodies of vLLM's /v1/completions and /v1/chat/completions (vLLM 0.13's fields and defaults).

Unknown fields are accepted and ignored, as vLLM's OpenAIBaseModel does (`extra="allow"`). Checks
that vLLM makes in its request validators or in SamplingParams happen in sampling_params.py, with
vLLM's messages.
"""
from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import RequestError


class OpenAIBaseModel(BaseModel):
    model_config = ConfigDict(extra="allow")


class StreamOptions(OpenAIBaseModel):
    include_usage: Optional[bool] = True
    continuous_usage_stats: Optional[bool] = False


class JsonSchemaFormat(OpenAIBaseModel):
    name: str = "response"
    description: Optional[str] = None
    # `schema` shadows a BaseModel attribute, so it is read through its alias.
    json_schema: Optional[Dict[str, Any]] = Field(default=None, alias="schema")
    strict: Optional[bool] = None


class ResponseFormat(OpenAIBaseModel):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: Optional[JsonSchemaFormat] = None


class SamplingFields(OpenAIBaseModel):
    """Fields both routes share (vLLM's sampling extras included)."""

    model: Optional[str] = None
    frequency_penalty: Optional[float] = None
    presence_penalty: Optional[float] = None
    repetition_penalty: Optional[float] = None
    logit_bias: Optional[Dict[str, float]] = None
    n: int = 1
    seed: Optional[int] = None
    stop: Optional[Union[str, List[str]]] = Field(default_factory=list)
    stream: Optional[bool] = False
    stream_options: Optional[StreamOptions] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    top_k: Optional[int] = None
    min_p: Optional[float] = None
    user: Optional[str] = None
    use_beam_search: bool = False
    best_of: Optional[int] = None
    length_penalty: float = 1.0
    stop_token_ids: Optional[List[int]] = Field(default_factory=list)
    include_stop_str_in_output: bool = False
    ignore_eos: bool = False
    min_tokens: int = 0
    skip_special_tokens: bool = True
    spaces_between_special_tokens: bool = True
    truncate_prompt_tokens: Optional[int] = None
    prompt_logprobs: Optional[int] = None
    allowed_token_ids: Optional[List[int]] = None
    bad_words: List[str] = Field(default_factory=list)
    response_format: Optional[ResponseFormat] = None
    guided_json: Optional[Union[str, Dict[str, Any]]] = None
    guided_regex: Optional[str] = None
    guided_choice: Optional[List[str]] = None
    guided_grammar: Optional[str] = None
    structured_outputs: Optional[Dict[str, Any]] = None
    guided_decoding_backend: Optional[str] = None
    guided_whitespace_pattern: Optional[str] = None
    priority: int = 0
    request_id: Optional[str] = None
    return_tokens_as_token_ids: Optional[bool] = None
    return_token_ids: Optional[bool] = None

    @model_validator(mode="before")
    @classmethod
    def _check_stream_options(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("stream_options") is not None and not data.get("stream"):
            raise ValueError("Stream options can only be defined when `stream=True`.")
        return data

    @model_validator(mode="before")
    @classmethod
    def _check_guided_count(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        kinds = [key for key in ("guided_json", "guided_regex", "guided_choice", "guided_grammar") if data.get(key) is not None]
        if len(kinds) > 1:
            raise ValueError(
                "You can only use one kind of guided decoding ('guided_json', 'guided_regex', 'guided_choice' or 'guided_grammar')."
            )
        if kinds and isinstance(data.get("response_format"), dict) and data["response_format"].get("type") != "text":
            raise ValueError("You can only either use guided decoding or response_format, not both.")
        return data


class CompletionRequest(SamplingFields):
    prompt: Optional[Union[List[int], List[List[int]], str, List[str]]] = None
    echo: Optional[bool] = False
    logprobs: Optional[int] = None
    max_tokens: Optional[int] = 16
    suffix: Optional[str] = None
    add_special_tokens: bool = True

    @model_validator(mode="before")
    @classmethod
    def _check_logprobs(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        prompt_logprobs = data.get("prompt_logprobs")
        if prompt_logprobs is not None and data.get("stream") and prompt_logprobs > 0:
            raise ValueError("`prompt_logprobs` are not available when `stream=True`.")
        logprobs = data.get("logprobs")
        if isinstance(logprobs, (int, float)) and not isinstance(logprobs, bool) and logprobs < 0:
            raise ValueError("`logprobs` must be a positive value.")
        if data.get("prompt") is None:
            raise ValueError("Either prompt or prompt_embeds must be provided and non-empty.")
        return data


class ChatCompletionRequest(SamplingFields):
    messages: List[Dict[str, Any]] = Field(min_length=1)
    logprobs: Optional[bool] = False
    top_logprobs: Optional[int] = 0
    max_tokens: Optional[int] = None
    max_completion_tokens: Optional[int] = None
    tools: Optional[List[Dict[str, Any]]] = None
    tool_choice: Optional[Union[str, Dict[str, Any]]] = "none"
    parallel_tool_calls: Optional[bool] = False
    echo: bool = False
    add_generation_prompt: bool = True
    continue_final_message: bool = False
    add_special_tokens: bool = False
    documents: Optional[List[Dict[str, str]]] = None
    chat_template: Optional[str] = None
    chat_template_kwargs: Optional[Dict[str, Any]] = None
    include_reasoning: bool = True

    @model_validator(mode="before")
    @classmethod
    def _check_chat_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        prompt_logprobs = data.get("prompt_logprobs")
        if prompt_logprobs is not None and data.get("stream") and prompt_logprobs > 0:
            raise ValueError("`prompt_logprobs` are not available when `stream=True`.")
        top = data.get("top_logprobs")
        if top is not None:
            if isinstance(top, (int, float)) and top < 0:
                raise ValueError("`top_logprobs` must be a positive value.")
            if top > 0 and not data.get("logprobs"):
                raise ValueError("when using `top_logprobs`, `logprobs` must be set to true.")
        if data.get("continue_final_message") and data.get("add_generation_prompt"):
            raise ValueError("Cannot set both `continue_final_message` and `add_generation_prompt` to True.")
        if "tool_choice" not in data and data.get("tools"):
            data = {**data, "tool_choice": "auto"}
        return data


def parse_request(model_class: type, body: Any) -> Any:
    """The request as `model_class`, or a RequestError whose message names every problem."""
    if not isinstance(body, dict):
        raise RequestError("The request body must be a JSON object.")
    try:
        return model_class.model_validate(body)
    except ValidationError as error:
        raise RequestError(_validation_message(error)) from error


def _validation_message(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        message = str(item.get("msg", ""))
        if message.startswith("Value error, "):
            parts.append(message[len("Value error, "):])
            continue
        location = ".".join(str(part) for part in item.get("loc", ()))
        parts.append(f"{location}: {message}" if location else message)
    return "; ".join(parts) or str(error)
