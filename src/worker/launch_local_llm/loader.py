"""Loads the model folder the command names: weights, tokenizer, chat template, generation defaults.

Everything is read from local files (HF_HUB_OFFLINE, local_files_only): the engine never fetches.
"""
from __future__ import annotations

import codecs
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

# Keys vLLM reads from the model's config to find its context length (first one present wins).
_MAX_LEN_KEYS = ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length", "max_sequence_length", "n_ctx")
# Sampling defaults vLLM takes from generation_config.json (`get_diff_sampling_param`).
_GENERATION_DEFAULT_KEYS = ("repetition_penalty", "temperature", "top_k", "top_p", "min_p")
_SMALL_MODEL_PARAMETERS = 100_000_000


class StartError(Exception):
    """A reason the engine cannot start, written as the one line the gateway reports."""


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    device: Any
    max_model_len: int
    served_names: List[str]
    root: str
    chat_template: Optional[str]
    eos_token_id: Optional[int]
    # generation_config.json's other EOS ids: stop tokens (stop_reason is the id), as vLLM.
    extra_stop_token_ids: List[int] = field(default_factory=list)
    default_sampling: Dict[str, Any] = field(default_factory=dict)
    default_max_tokens: Optional[int] = None
    vocab_size: int = 0
    special_ids: Set[int] = field(default_factory=set)


def load_chat_template(value: Optional[str]) -> Optional[str]:
    """vLLM's rule: a readable file's text; else text that looks like a template (escapes decoded)."""
    if value is None:
        return None
    try:
        with open(value, encoding="utf-8") as template_file:
            return template_file.read()
    except OSError as error:
        if not any(char in value for char in "{}\n"):
            raise StartError(
                f"The supplied chat template ({value}) looks like a file path, but it failed to be opened. Reason: {error}"
            ) from error
    # vLLM decodes escapes with unicode_escape; that mangles non-ASCII text, so only ASCII is decoded.
    return codecs.decode(value, "unicode_escape") if value.isascii() else value


def _derived_max_len(config: Any) -> int:
    for key in _MAX_LEN_KEYS:
        value = getattr(config, key, None)
        if isinstance(value, int) and value > 0:
            return value
    return 2048


def _pick_dtype(torch: Any, requested: str, config: Any, is_cuda: bool) -> Any:
    named = {"half": torch.float16, "float16": torch.float16, "bfloat16": torch.bfloat16, "float": torch.float32, "float32": torch.float32}
    if requested in named:
        return named[requested]
    # auto: vLLM serves FP32 checkpoints as FP16 on GPUs; on CPU float32 keeps results exact.
    if not is_cuda:
        return torch.float32
    stored = getattr(config, "torch_dtype", None) or getattr(config, "dtype", None)
    if isinstance(stored, str):
        stored = named.get(stored.replace("torch.", ""), torch.float16)
    return torch.float16 if stored in (None, torch.float32) else stored


def _generation_defaults(folder: Optional[str]) -> Dict[str, Any]:
    if folder is None:
        return {}
    path = os.path.join(folder, "generation_config.json")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as config_file:
        data = json.load(config_file)
    return data if isinstance(data, dict) else {}


def check_folder(root: str) -> None:
    """The cheap check, made before torch is imported: the folder looks like an HF model."""
    if not os.path.isdir(root):
        raise StartError(f"the model folder {os.path.abspath(root)} does not exist")
    if not os.path.isfile(os.path.join(root, "config.json")):
        raise StartError(f"the model folder {os.path.abspath(root)} has no config.json (an HF model folder is needed)")


def load(args: Any) -> LoadedModel:
    check_folder(args.model)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import torch
    import transformers
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    root = args.model
    trust = bool(args.trust_remote_code)
    try:
        config = AutoConfig.from_pretrained(root, trust_remote_code=trust, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(args.tokenizer or root, trust_remote_code=trust, local_files_only=True)
    except Exception as error:  # transformers raises many kinds; the message is what matters
        raise StartError(f"cannot read the model folder {os.path.abspath(root)}: {_one_line(error)}") from error

    is_cuda = torch.cuda.is_available()
    device = torch.device("cuda" if is_cuda else "cpu")
    dtype = _pick_dtype(torch, args.dtype, config, is_cuda)
    dtype_key = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"
    try:
        model = AutoModelForCausalLM.from_pretrained(root, trust_remote_code=trust, local_files_only=True, **{dtype_key: dtype})
    except Exception as error:
        raise StartError(f"cannot load the model in {os.path.abspath(root)}: {_one_line(error)}") from error
    model.to(device)
    model.eval()
    parameters = sum(parameter.numel() for parameter in model.parameters())
    if not is_cuda:
        threads = os.environ.get("LAUNCH_LOCAL_LLM_THREADS")
        if threads:
            torch.set_num_threads(max(1, int(threads)))
        elif parameters < _SMALL_MODEL_PARAMETERS:
            # A tiny model on 2 busy cores is several times faster on one thread (no contention).
            torch.set_num_threads(1)

    derived = _derived_max_len(config)
    max_model_len = derived
    if args.max_model_len is not None:
        if args.max_model_len > derived:
            raise StartError(
                f"User-specified max_model_len ({args.max_model_len}) is greater than the derived max_model_len "
                f"({derived}) of the model's config.json"
            )
        max_model_len = args.max_model_len

    generation_folder = {"auto": root, "vllm": None}.get(args.generation_config, args.generation_config)
    generation = _generation_defaults(generation_folder)
    eos_token_id = tokenizer.eos_token_id
    extra = generation.get("eos_token_id")
    extra_ids = [extra] if isinstance(extra, int) else list(extra or [])
    template = load_chat_template(args.chat_template)
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        device=device,
        max_model_len=max_model_len,
        served_names=list(args.served_model_name),
        root=root,
        chat_template=template,
        eos_token_id=eos_token_id,
        extra_stop_token_ids=[token for token in extra_ids if token != eos_token_id],
        default_sampling={key: generation[key] for key in _GENERATION_DEFAULT_KEYS if key in generation},
        default_max_tokens=generation.get("max_new_tokens"),
        vocab_size=int(model.get_output_embeddings().weight.shape[0]),
        special_ids=set(tokenizer.all_special_ids),
    )


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:300] if text else type(error).__name__
