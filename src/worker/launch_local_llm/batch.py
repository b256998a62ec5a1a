"""`python -m launch_local_llm.batch`: launch-local's batch-completions runner (llm-contract.md §1.6).

It runs as the docker-image batch job of `POST /v1/llm/batch-completions` or `/v2/batch-completions`
and does what model-engine's `vllm_batch.py` does: reads the engine request from the job's config
(`CreateBatchCompletionsEngineRequest`), takes the prompts from `content` or from the JSON file at
`input_data_path`, runs them through the engine, and writes `json.dumps([...])` to
`output_data_path`: v1 content gives one CompletionOutput per prompt
(`{"text", "num_prompt_tokens", "num_completion_tokens", "tokens": [{"token", "log_prob"}]}`), v2
content one OpenAI answer per request, or the engine's error object for a request it refuses. The
engine is launch-local's own, called in-process through the functions that answer its HTTP routes
(`server.build_context`), so a batch answer is the answer the endpoint's sync route would give.
Files are read and written over HTTP with the job's own credentials (job_client.py).
"""
from __future__ import annotations

import json
import os
import sys
import time
from typing import Any, Dict, List, Optional

from .job_client import JobClient

# VLLMModelConfig fields the engine's command line takes (the others are GPU knobs it ignores).
ENGINE_FLAGS = ("max_model_len", "dtype", "tokenizer", "revision", "tokenizer_revision", "chat_template")


def engine_argv(model_dir: str, model_cfg: Dict[str, Any]) -> List[str]:
    """The engine's command line for the run: served as `model_cfg.model` (and `model_files`), as vllm_batch.py serves it."""
    argv = ["--model", model_dir, "--served-model-name", model_cfg["model"], "model_files"]
    for field in ENGINE_FLAGS:
        value = model_cfg.get(field)
        if field == "max_model_len" and value is None:
            value = model_cfg.get("max_context_length")
        if value is not None:
            argv += ["--" + field.replace("_", "-"), str(value)]
    argv += ["--seed", str(model_cfg.get("seed") or 0)]
    if model_cfg.get("trust_remote_code"):
        argv.append("--trust-remote-code")
    if model_cfg.get("response_role"):
        argv += ["--response-role", model_cfg["response_role"]]
    return argv


def v1_request(content: Dict[str, Any], model: str, prompt: str) -> Dict[str, Any]:
    """`generate_v1_completions`' SamplingParams, as an engine completions request."""
    request: Dict[str, Any] = {
        "model": model,
        "prompt": prompt,
        "max_tokens": content["max_new_tokens"],
        "temperature": content["temperature"],
        "presence_penalty": content.get("presence_penalty") or 0.0,
        "frequency_penalty": content.get("frequency_penalty") or 0.0,
        "top_k": content.get("top_k") or -1,
        "top_p": content.get("top_p") or 1.0,
        "skip_special_tokens": content.get("skip_special_tokens") if content.get("skip_special_tokens") is not None else True,
    }
    if content.get("stop_sequences") is not None:
        request["stop"] = content["stop_sequences"]
    if content.get("return_token_log_probs"):
        request["logprobs"] = 1
    return request


def completion_output(answer: Dict[str, Any]) -> Dict[str, Any]:
    """CompletionOutput from the engine's answer: the text, the counts, and each token's log prob."""
    choice = answer["choices"][0]
    logprobs = choice.get("logprobs") or {}
    tokens = [{"token": token, "log_prob": log_prob} for token, log_prob in zip(logprobs.get("tokens") or [], logprobs.get("token_logprobs") or [])]
    usage = answer.get("usage") or {}
    return {"text": choice["text"], "num_prompt_tokens": usage.get("prompt_tokens"), "num_completion_tokens": usage.get("completion_tokens"), "tokens": tokens}


def run_requests(ctx: Any, content: Any, model: str) -> List[Optional[Dict[str, Any]]]:
    from . import serving_chat, serving_completion
    from .errors import RequestError
    from .protocol import ChatCompletionRequest, CompletionRequest, parse_request

    if isinstance(content, dict):
        outputs: List[Optional[Dict[str, Any]]] = []
        for prompt in content["prompts"]:
            _, answer = serving_completion.create(ctx, parse_request(CompletionRequest, v1_request(content, model, prompt)), None)
            outputs.append(completion_output(answer))
        return outputs
    outputs = []
    for item in content:
        # `overwrite_request`: the served model, never a stream.
        request = {**item, "model": model, "stream": False}
        try:
            if "messages" in request:
                _, answer = serving_chat.create(ctx, parse_request(ChatCompletionRequest, request), None)
            else:
                _, answer = serving_completion.create(ctx, parse_request(CompletionRequest, request), None)
        except RequestError as error:
            answer = error.body()
        outputs.append(answer)
    return outputs


def main() -> int:
    config_path = os.environ.get("LAUNCH_JOB_CONFIG_PATH") or os.environ.get("CONFIG_FILE")
    if not config_path or not os.path.isfile(config_path):
        print(f"batch: config file {config_path} not found", file=sys.stderr, flush=True)
        return 1
    with open(config_path, encoding="utf-8") as config_file:
        request = json.load(config_file)
    client = JobClient.from_env()
    model_cfg = request["model_config"]
    content = request.get("content")
    if content is None:
        content = json.loads(client.read_blob(request["input_data_path"]).decode("utf-8"))
    model_dir = os.environ.get("LAUNCH_LOCAL_MODEL_DIR")
    if not model_dir:
        print("batch: the model's weights were not found on this machine (LAUNCH_LOCAL_MODEL_DIR)", file=sys.stderr, flush=True)
        return 1
    from .server import StartFailure, build_context

    try:
        ctx, _ = build_context(engine_argv(model_dir, model_cfg))
    except StartFailure as failure:
        print(failure.message, file=sys.stderr, flush=True)
        return failure.code
    began = time.monotonic()
    outputs = run_requests(ctx, content, model_cfg["model"])
    # The run alone, the model loaded: what the bench compares with the sync route (README "Performance").
    print(f"batch: {len(outputs)} requests run in {time.monotonic() - began:.3f} s", flush=True)
    client.write_blob(request["output_data_path"], json.dumps(outputs).encode("utf-8"))
    print(f"batch: {len(outputs)} outputs written to {request['output_data_path']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
