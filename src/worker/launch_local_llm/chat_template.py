"""Chat messages to a prompt string through a Jinja chat template, as vLLM's _preprocess_chat does.

The template is the request's `chat_template`, else the server's `--chat-template`, else the
tokenizer's own (`chat_template.jinja` or tokenizer_config.json). Message content may be a string or
a list of text parts (joined with newlines, vLLM's "string" content format).
"""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from .errors import RequestError

_NO_TEMPLATE = (
    "As of transformers v4.44, default chat template is no longer allowed, so you must provide a chat "
    "template if the tokenizer does not define one."
)


def _text_content(content: Any, role: str) -> Any:
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and part.get("type") in ("text", "input_text", "refusal"):
                texts.append(str(part.get("text", part.get("refusal", ""))))
            elif isinstance(part, dict):
                raise RequestError(f"Unsupported content part type {part.get('type')!r} in a {role} message: the model takes text only.")
        return "\n".join(texts)
    raise RequestError(f"The content of a {role} message must be a string or a list of parts.")


def conversation(messages: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    result = []
    for message in messages:
        role = message.get("role")
        if not isinstance(role, str):
            raise RequestError("Every message needs a string `role`.")
        item = dict(message)
        item["content"] = _text_content(message.get("content"), role)
        result.append(item)
    return result


def render_prompt(ctx: Any, request: Any) -> Tuple[str, List[Dict[str, Any]]]:
    """(prompt text, the conversation as the template saw it)."""
    tokenizer = ctx.engine.tokenizer
    template = request.chat_template or ctx.chat_template or getattr(tokenizer, "chat_template", None)
    if not template:
        raise RequestError(_NO_TEMPLATE)
    messages = conversation(request.messages)
    kwargs: Dict[str, Any] = dict(
        chat_template=template,
        add_generation_prompt=request.add_generation_prompt,
        continue_final_message=request.continue_final_message,
        tools=request.tools,
        documents=request.documents,
    )
    kwargs.update(request.chat_template_kwargs or {})
    try:
        text = tokenizer.apply_chat_template(messages, tokenize=False, **kwargs)
    except Exception as error:  # jinja2 TemplateError, ValueError, TypeError: vLLM answers 400
        raise RequestError(f"{error} {error.__cause__}") from error
    if not isinstance(text, str):
        raise RequestError("The chat template did not render to a string.")
    return text, messages
