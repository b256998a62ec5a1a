"""The official `openai` SDK against launch-local's /v2, unmodified (issue 14 item 6; llm-contract.md §4.3).

usage: openai_flow.py <launch-local url> <endpoint name>
Runs chat and completions, sync and streaming (with stream_options.include_usage), and log probs;
prints one line per check and `openai flow: OK` at the end. Any exception fails the run.
"""
import sys

from openai import BadRequestError, NotFoundError, OpenAI

base, endpoint = sys.argv[1], sys.argv[2]
client = OpenAI(base_url=f"{base}/v2", api_key="me", max_retries=0)
messages = [{"role": "user", "content": "Hi there"}]

chat = client.chat.completions.create(model=endpoint, messages=messages, max_tokens=8, temperature=0)
assert chat.model == endpoint, chat.model
assert chat.object == "chat.completion"
text = chat.choices[0].message.content
assert isinstance(text, str) and text, chat
assert chat.usage is not None and chat.usage.completion_tokens > 0
print("chat sync:", repr(text), chat.usage.completion_tokens, "tokens")

deltas, usage = [], None
for chunk in client.chat.completions.create(
    model=endpoint, messages=messages, max_tokens=8, temperature=0, stream=True, stream_options={"include_usage": True}
):
    assert chunk.model == endpoint
    if chunk.choices:
        deltas.append(chunk.choices[0].delta.content or "")
    if chunk.usage is not None:
        usage = chunk.usage
assert "".join(deltas) == text, (deltas, text)
assert usage is not None and usage.completion_tokens == chat.usage.completion_tokens, usage
print("chat stream: joined deltas equal the sync text; usage chunk", usage.completion_tokens)

logprobs = client.chat.completions.create(model=endpoint, messages=messages, max_tokens=4, temperature=0, logprobs=True, top_logprobs=2)
content = logprobs.choices[0].logprobs.content
assert content and all(item.logprob <= 0 and len(item.top_logprobs) == 2 for item in content), logprobs
print("chat logprobs:", [round(item.logprob, 3) for item in content])

completion = client.completions.create(model=endpoint, prompt="Hello, my name is", max_tokens=8, temperature=0, logprobs=1)
assert completion.model == endpoint and completion.object == "text_completion"
assert len(completion.choices[0].logprobs.token_logprobs) == completion.usage.completion_tokens
print("completion sync:", repr(completion.choices[0].text))

pieces, finish, usage = [], None, None
for chunk in client.completions.create(
    model=endpoint, prompt="Hello, my name is", max_tokens=8, temperature=0, stream=True, stream_options={"include_usage": True}, extra_body={"top_k": -1}
):
    if chunk.choices:
        pieces.append(chunk.choices[0].text)
        finish = chunk.choices[0].finish_reason or finish
    if chunk.usage is not None:
        usage = chunk.usage
assert "".join(pieces) == completion.choices[0].text, (pieces, completion.choices[0].text)
assert finish in ("length", "stop") and usage is not None
print("completion stream: joined text equals the sync text, finish_reason", finish)

try:
    client.chat.completions.create(model="no-such-endpoint", messages=messages, max_tokens=2)
    raise AssertionError("expected a 404")
except NotFoundError as error:
    print("unknown endpoint: 404", error.body)
try:
    client.completions.create(model=endpoint, prompt="Hello", max_tokens=100000)
    raise AssertionError("expected a 400")
except BadRequestError as error:
    print("engine 400 →", error.status_code)

print("openai flow: OK")
