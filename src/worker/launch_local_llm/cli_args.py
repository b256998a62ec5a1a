"""The command line of vLLM's OpenAI server, as far as an LLM bundle's command can use it.

model-engine writes the command (`_create_vllm_bundle_command`): `--model`, `--served-model-name`,
`--port`, `--host` and a `--kebab-case` flag for every field of `VLLMEndpointAdditionalArgs` that
is set. Every such flag is accepted here. The ones that mean something on this engine are honoured;
the GPU and scheduler knobs are accepted and ignored (listed in IGNORED_*); anything else is an
error, as vLLM's argparse would answer (exit 2, `unrecognized arguments`).
"""
from __future__ import annotations

import argparse
from typing import List, Optional, Sequence

# Flags with a value that only tune vLLM's GPU memory, scheduling or parallelism.
IGNORED_VALUE_FLAGS = [
    "--tensor-parallel-size", "-tp", "--pipeline-parallel-size", "-pp", "--data-parallel-size",
    "--gpu-memory-utilization", "--max-gpu-memory-utilization", "--max-num-seqs",
    "--max-num-batched-tokens", "--block-size", "--swap-space", "--cache-dtype", "--kv-cache-dtype",
    "--num-gpu-blocks-override", "--max-seq-len-to-capture", "--attention-backend",
    "--load-format", "--config-format", "--tokenizer-mode", "--limit-mm-per-prompt",
    "--mm-processor-kwargs", "--override-neuron-config", "--quantization-param-path",
    "--code-revision", "--rope-scaling", "--hf-overrides", "--tool-call-parser", "--reasoning-parser",
    "--distributed-executor-backend", "--uvicorn-log-level", "--guided-decoding-backend",
    "--structured-outputs-config", "--compilation-config", "-O", "--cpu-offload-gb",
    "--max-parallel-loading-workers", "--download-dir", "--root-path", "--allowed-origins",
    "--allowed-methods", "--allowed-headers", "--chat-template-content-format", "--lora-modules",
    "--max-cpu-loras", "--max-loras", "--max-lora-rank", "--speculative-config", "--kv-transfer-config",
    "--long-prefill-token-threshold", "--scheduling-policy", "--max-log-len", "--middleware",
    "--ssl-keyfile", "--ssl-certfile", "--ssl-ca-certs", "--uds", "--api-server-count",
]

# Switches of the same kind; vLLM spells several as BooleanOptionalAction (`--no-…` too).
IGNORED_SWITCHES = [
    "--enforce-eager", "--disable-log-requests", "--enable-log-requests", "--disable-log-stats",
    "--enable-prefix-caching", "--disable-sliding-window", "--skip-tokenizer-init",
    "--enable-auto-tool-choice", "--enable-chunked-prefill", "--disable-custom-all-reduce",
    "--disable-frontend-multiprocessing", "--enable-lora", "--enable-prompt-tokens-details",
    "--enable-server-load-tracking", "--disable-fastapi-docs", "--enable-request-id-headers",
    "--disable-uvicorn-access-log", "--enable-force-include-usage", "--return-tokens-as-token-ids",
    "--enable-sleep-mode", "--async-scheduling",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m launch_local_llm.server",
        description="launch-local's LLM engine: vLLM's OpenAI-compatible server on transformers + torch.",
    )
    parser.add_argument("model_tag", nargs="?", default=None, help="the model folder (as `vllm serve MODEL`)")
    parser.add_argument("--model", default=None, help="folder of the Hugging Face model (config.json, safetensors, tokenizer)")
    parser.add_argument("--served-model-name", nargs="+", default=None, help="names accepted in `model`; the first is reported")
    parser.add_argument("--host", default=None, help="address to bind (default ::, falling back to 0.0.0.0 without IPv6)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (0: any free port)")
    parser.add_argument("--tokenizer", default=None, help="folder of the tokenizer (default: the model's)")
    parser.add_argument("--revision", default=None, help="accepted; a local folder has one revision")
    parser.add_argument("--tokenizer-revision", default=None, help="accepted; a local folder has one revision")
    parser.add_argument("--max-model-len", type=_model_len, default=None, help="context length (default: the model's)")
    parser.add_argument("--chat-template", default=None, help="a Jinja chat template, or a file holding one")
    parser.add_argument("--response-role", default="assistant", help="role of the answer when add_generation_prompt is true")
    parser.add_argument("--seed", type=int, default=None, help="seed of requests that carry none")
    parser.add_argument("--dtype", default="auto", choices=["auto", "half", "float16", "bfloat16", "float", "float32"])
    parser.add_argument("--quantization", "-q", default=None, help="only none is supported here")
    parser.add_argument("--trust-remote-code", action="store_true", help="allow a model folder's own modelling code")
    parser.add_argument("--max-logprobs", type=int, default=20, help="most log probs a request may ask for")
    parser.add_argument("--generation-config", default="auto", help="auto (the model's generation_config.json), vllm (none), or a folder")
    parser.add_argument("--api-key", default=None, help="require `Authorization: Bearer <key>` on /v1 routes")
    parser.add_argument("--served-model-root", default=None, help=argparse.SUPPRESS)
    for flag in IGNORED_VALUE_FLAGS:
        parser.add_argument(flag, default=None, help=argparse.SUPPRESS)
    for flag in IGNORED_SWITCHES:
        parser.add_argument(flag, nargs="?", const=True, default=None, help=argparse.SUPPRESS)
        parser.add_argument("--no-" + flag[2:], action="store_true", default=None, help=argparse.SUPPRESS)
    return parser


def _model_len(text: str) -> int:
    """vLLM reads 1k / 1K / 1m as human sizes; plain integers are the common case."""
    multipliers = {"k": 1000, "K": 1024, "m": 1000 ** 2, "M": 1024 ** 2}
    if text and text[-1] in multipliers:
        return int(float(text[:-1]) * multipliers[text[-1]])
    return int(text)


def normalize_flags(argv: Sequence[str]) -> List[str]:
    """vLLM's FlexibleArgumentParser also takes `--max_model_len`: underscores become dashes."""
    normalized = []
    for arg in argv:
        if arg.startswith("--") and "_" in arg.split("=", 1)[0]:
            key, sep, value = arg.partition("=")
            arg = key.replace("_", "-") + sep + value
        normalized.append(arg)
    return normalized


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(normalize_flags(list(argv) if argv is not None else []))
    if args.model is None:
        args.model = args.model_tag
    if args.model is None:
        parser.error("the model folder is required (--model DIR)")
    if args.quantization not in (None, "", "none", "None"):
        parser.error(f"--quantization {args.quantization} is not supported by launch-local's engine (transformers + torch, unquantized weights)")
    if not args.served_model_name:
        args.served_model_name = [args.model]
    return args
