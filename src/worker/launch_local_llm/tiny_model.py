"""Builds a tiny random-weight causal LM as a Hugging Face folder, for offline demos and tests.

    python -m launch_local_llm.tiny_model OUT_DIR [--arch llama|gpt2] [--seed N] [--vocab-size N]

A byte-level BPE tokenizer is trained on the text shipped beside this file (tiny_corpus.txt), so any
string can be encoded, then a model of a few layers is initialised from `--seed` and saved with
model.safetensors, config.json, generation_config.json, tokenizer.json, tokenizer_config.json and
chat_template.jinja (ChatML). The same seed and arguments give the same tokenizer and weights. The
weights are random: the text it writes is gibberish, but every token, log prob and stop is real.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from typing import List, Optional

CORPUS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_corpus.txt")

BOS_EOS = "<|endoftext|>"
IM_START = "<|im_start|>"
IM_END = "<|im_end|>"
SPECIAL_TOKENS = [BOS_EOS, IM_START, IM_END]

CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

MAX_POSITIONS = 1024


def _train_tokenizer(vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=1,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    with open(CORPUS_PATH, encoding="utf-8") as corpus:
        lines = corpus.read().splitlines(keepends=True)
    tokenizer.train_from_iterator(lines, trainer=trainer)
    return tokenizer


def _model_config(arch: str, vocab_size: int, token_ids: dict):
    common = dict(
        vocab_size=vocab_size,
        bos_token_id=token_ids[BOS_EOS],
        eos_token_id=token_ids[BOS_EOS],
        pad_token_id=token_ids[BOS_EOS],
        # Wider than the usual 0.02 so that a random model has a distinct favourite token: greedy
        # output is stable and sampling visibly depends on the seed.
        initializer_range=0.2,
        tie_word_embeddings=True,
    )
    if arch == "llama":
        from transformers import LlamaConfig

        return LlamaConfig(
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=MAX_POSITIONS,
            **common,
        )
    from transformers import GPT2Config

    return GPT2Config(n_embd=64, n_layer=2, n_head=2, n_positions=MAX_POSITIONS, **common)


def build(out_dir: str, arch: str = "llama", seed: int = 0, vocab_size: int = 512) -> str:
    """Writes the model folder to `out_dir` (replacing it) and returns its path."""
    import torch
    from transformers import AutoModelForCausalLM, GenerationConfig, PreTrainedTokenizerFast
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    if arch not in ("llama", "gpt2"):
        raise ValueError(f"unknown --arch {arch!r} (known: llama, gpt2)")
    backend = _train_tokenizer(vocab_size)
    token_ids = {token: backend.token_to_id(token) for token in SPECIAL_TOKENS}
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=BOS_EOS,
        eos_token=BOS_EOS,
        pad_token=BOS_EOS,
        additional_special_tokens=[IM_START, IM_END],
        model_max_length=MAX_POSITIONS,
        clean_up_tokenization_spaces=False,
    )
    tokenizer.chat_template = CHAT_TEMPLATE

    config = _model_config(arch, backend.get_vocab_size(), token_ids)
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    model.eval()
    generation = GenerationConfig(
        bos_token_id=token_ids[BOS_EOS],
        # A chat turn ends with <|im_end|>; plain text ends with <|endoftext|>.
        eos_token_id=[token_ids[BOS_EOS], token_ids[IM_END]],
        pad_token_id=token_ids[BOS_EOS],
    )

    parent = os.path.dirname(os.path.abspath(out_dir)) or "."
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".tiny-model-", dir=parent)
    try:
        model.save_pretrained(staging, safe_serialization=True)
        generation.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        _ensure_chat_template_file(staging)
        _portable_tokenizer_config(staging)
        with open(os.path.join(staging, "launch_local_tiny_model.json"), "w", encoding="utf-8") as info:
            json.dump({"arch": arch, "seed": seed, "vocab_size": vocab_size}, info)
            info.write("\n")
        _make_readable(staging)
        if os.path.isdir(out_dir):
            shutil.rmtree(out_dir)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _ensure_chat_template_file(folder: str) -> None:
    """Older transformers keep the template only in tokenizer_config.json; write the .jinja too."""
    path = os.path.join(folder, "chat_template.jinja")
    if not os.path.exists(path):
        with open(path, "w", encoding="utf-8") as template:
            template.write(CHAT_TEMPLATE)


def _portable_tokenizer_config(folder: str) -> None:
    """transformers 5 names its own backend class; name the class every 4.x and 5.x release loads."""
    path = os.path.join(folder, "tokenizer_config.json")
    with open(path, encoding="utf-8") as config_file:
        config = json.load(config_file)
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    extra = config.pop("extra_special_tokens", None)
    if isinstance(extra, list):
        config["additional_special_tokens"] = extra
    with open(path, "w", encoding="utf-8") as config_file:
        json.dump(config, config_file, indent=2, sort_keys=True)
        config_file.write("\n")


def _make_readable(folder: str) -> None:
    """mkdtemp makes a private folder; the model is meant to be shared (e.g. a machine-wide cache)."""
    os.chmod(folder, 0o755)
    for name in os.listdir(folder):
        os.chmod(os.path.join(folder, name), 0o644)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m launch_local_llm.tiny_model", description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", help="folder to write (replaced if it exists)")
    parser.add_argument("--arch", choices=["llama", "gpt2"], default="llama")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vocab-size", type=int, default=512)
    args = parser.parse_args(argv)
    build(args.out_dir, arch=args.arch, seed=args.seed, vocab_size=args.vocab_size)
    print(os.path.abspath(args.out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
