"""The generation loop: prefill, then one token at a time over the model's KV cache.

Each request (each choice of it) keeps its own cache; forward passes take the engine's lock one
step at a time, so concurrent requests interleave and never share state. Stopping follows vLLM's
v1 `check_stop` (length first, then EOS unless ignore_eos, then stop_token_ids) and its output
processor (stop strings on the detokenized text, a stop token's text left out unless
include_stop_str_in_output).
"""
from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from typing import Callable, Iterator, List, Optional, Sequence, Tuple, Union

import torch

from .detokenize import IncrementalDetokenizer, OutputText, TokenStrings
from .loader import LoadedModel
from .sampler import AllowedTokens, pick_token, process_logits
from .sampling_params import SamplingParams

TopLogprobs = List[Tuple[int, float]]


@dataclass
class Step:
    """One generated token and what it changed."""

    token_id: Optional[int]  # None: guided decoding ended the choice without a token
    logprob: float
    rank: int
    top: Optional[TopLogprobs]  # the request's top-N (id, logprob), highest first
    text: str  # the text released to a stream at this step (may be empty)
    finish_reason: Optional[str]
    stop_reason: Optional[Union[int, str]]


class Engine:
    def __init__(self, loaded: LoadedModel) -> None:
        self.loaded = loaded
        self.tokenizer = loaded.tokenizer
        self.token_string = TokenStrings(loaded.tokenizer)
        self._lock = threading.Lock()
        self._vocab_index = None
        self._vocab_lock = threading.Lock()
        # Compiled guided-decoding constraints by request text (guided/__init__.py).
        self.guided_cache: dict = {}

    # --- prompts -------------------------------------------------------------------------------
    def encode(self, text: str, add_special_tokens: bool) -> List[int]:
        return list(self.tokenizer.encode(text, add_special_tokens=add_special_tokens))

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        return self.tokenizer.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def new_generator(self, seed: Optional[int]) -> torch.Generator:
        generator = torch.Generator(device="cpu")
        generator.manual_seed(seed if seed is not None else random.SystemRandom().randrange(2**63))
        return generator

    def vocab_index(self):
        """The vocabulary as text, for guided decoding (built on first use)."""
        with self._vocab_lock:
            if self._vocab_index is None:
                from .guided.vocab import VocabIndex

                self._vocab_index = VocabIndex(self.tokenizer, self.loaded.vocab_size, self.loaded.special_ids)
            return self._vocab_index

    def _forward(self, ids: Sequence[int], past: object) -> Tuple[torch.Tensor, object]:
        with self._lock, torch.inference_mode():
            tensor = torch.tensor([list(ids)], dtype=torch.long, device=self.loaded.device)
            out = self.loaded.model(input_ids=tensor, past_key_values=past, use_cache=True)
            return out.logits[0].float().cpu(), out.past_key_values

    def prompt_logprobs(self, prompt_ids: Sequence[int], top_n: int) -> List[Optional[Tuple[int, float, int, TopLogprobs]]]:
        """Per prompt token (the first has none): (id, logprob, rank, top-N) under the model."""
        logits, _ = self._forward(prompt_ids, None)
        logprobs = torch.log_softmax(logits, dim=-1)
        result: List[Optional[Tuple[int, float, int, TopLogprobs]]] = [None]
        for position in range(1, len(prompt_ids)):
            row = logprobs[position - 1]
            token = prompt_ids[position]
            result.append((token, float(row[token]), _rank(row, token), _top(row, top_n)))
        return result

    # --- generation ----------------------------------------------------------------------------
    def generate(self, prompt_ids: Sequence[int], params: SamplingParams, generator: torch.Generator, is_cancelled: Callable[[], bool] = lambda: False) -> Iterator[Step]:
        loaded = self.loaded
        eos = None if params.ignore_eos else loaded.eos_token_id
        stop_ids = set(params.stop_token_ids)
        if not params.ignore_eos:
            stop_ids.update(loaded.extra_stop_token_ids)
        # Tokens that end a sequence: min_tokens holds them back, guided decoding allows them only
        # where the constraint is complete.
        enders = set(stop_ids) | ({eos} if eos is not None else set())
        detokenizer = IncrementalDetokenizer(self.tokenizer, prompt_ids, params.skip_special_tokens)
        output = OutputText(params.stop, params.include_stop_str_in_output, params.min_tokens)
        guided = params.guided.start(self.vocab_index()) if params.guided is not None else None
        output_ids: List[int] = []

        logits, past = self._forward(prompt_ids, None)
        logits = logits[-1]
        while True:
            if is_cancelled():
                return
            raw = torch.log_softmax(logits, dim=-1)
            processed = process_logits(logits.clone(), params, prompt_ids, output_ids, enders)
            allowed = None
            if guided is not None:
                allowed = AllowedTokens(guided.allows_token_fn(enders, loaded.special_ids), guided.allowed_ids_fn(enders))
            token = pick_token(processed, params, generator, allowed)
            if token is None:
                # Guided decoding left no token (nothing valid, no end token): end as a stop.
                yield Step(None, 0.0, 0, None, output.delta(True), "stop", None)
                return
            output_ids.append(token)
            finish_reason, stop_reason = _check_stop(token, len(output_ids), len(prompt_ids), params, loaded.max_model_len, eos, stop_ids)
            if guided is not None and token not in enders:
                guided.advance(token)
            is_stop_token = finish_reason == "stop"
            if not is_stop_token or params.include_stop_str_in_output:
                stop_string = output.add(detokenizer.step(token), len(output_ids))
            else:
                detokenizer.step(token)
                stop_string = None
            if stop_string is not None:
                finish_reason, stop_reason = "stop", stop_string
            top = _top(raw, params.logprobs) if params.logprobs else None
            yield Step(token, float(raw[token]), _rank(raw, token), top, output.delta(finish_reason is not None), finish_reason, stop_reason)
            if finish_reason is not None:
                return
            logits, past = self._forward([token], past)
            logits = logits[-1]


def _check_stop(token: int, num_output: int, num_prompt: int, params: SamplingParams, max_model_len: int, eos: Optional[int], stop_ids: set) -> Tuple[Optional[str], Optional[Union[int, str]]]:
    if num_output + num_prompt >= max_model_len or num_output >= params.max_tokens:
        return "length", None
    if eos is not None and token == eos:
        return "stop", None
    if token in stop_ids:
        return "stop", token
    return None, None


def _rank(row: torch.Tensor, token: int) -> int:
    return int((row > row[token]).sum().item()) + 1


def _top(row: torch.Tensor, count: Optional[int]) -> TopLogprobs:
    if not count:
        return []
    values, ids = torch.topk(row, min(count, row.shape[0]))
    return [(int(token), float(value)) for value, token in zip(values.tolist(), ids.tolist())]
