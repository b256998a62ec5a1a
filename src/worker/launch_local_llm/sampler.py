"""One sampling step, in the order of vLLM's v1 sampler.

logits → allowed_token_ids / logit_bias / min_tokens → penalties (repetition over prompt and
output; frequency and presence over the output) → guided-decoding mask → greedy argmax when the
temperature is 0, else temperature → min_p → top_k → top_p → a draw from the request's generator.
The log probs reported to the client are computed from the raw logits before all this (vLLM's
default `logprobs_mode`, raw_logprobs).
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Set

import torch

from .sampling_params import SamplingParams

GREEDY_EPSILON = 1e-5


def process_logits(logits: torch.Tensor, params: SamplingParams, prompt_ids: Sequence[int], output_ids: Sequence[int], stop_ids: Set[int]) -> torch.Tensor:
    """The logits after the request's processors; `logits` is a fresh float32 copy it may change."""
    vocab = logits.shape[0]
    if params.allowed_token_ids is not None:
        keep = torch.full((vocab,), float("-inf"))
        index = torch.tensor([token for token in params.allowed_token_ids if 0 <= token < vocab], dtype=torch.long)
        keep[index] = 0.0
        logits += keep
    for token, bias in params.logit_bias.items():
        if 0 <= token < vocab:
            logits[token] += bias
    if len(output_ids) < params.min_tokens and stop_ids:
        logits[torch.tensor(sorted(token for token in stop_ids if 0 <= token < vocab), dtype=torch.long)] = float("-inf")
    for word in params.bad_words_ids:
        *before, last = word
        if 0 <= last < vocab and (not before or list(output_ids[-len(before):]) == before):
            logits[last] = float("-inf")
    if params.repetition_penalty != 1.0:
        seen = torch.tensor(sorted(set(prompt_ids) | set(output_ids)), dtype=torch.long)
        if seen.numel():
            values = logits[seen]
            logits[seen] = torch.where(values > 0, values / params.repetition_penalty, values * params.repetition_penalty)
    if output_ids and (params.frequency_penalty or params.presence_penalty):
        counts = torch.bincount(torch.tensor(output_ids, dtype=torch.long), minlength=vocab)[:vocab].to(logits.dtype)
        logits -= params.frequency_penalty * counts + params.presence_penalty * (counts > 0).to(logits.dtype)
    return logits


def pick_token(logits: torch.Tensor, params: SamplingParams, generator: Optional[torch.Generator], allowed: Optional["AllowedTokens"]) -> Optional[int]:
    """The next token id, or None when the guided-decoding mask leaves nothing to choose."""
    if params.temperature < GREEDY_EPSILON:
        if allowed is None:
            return int(torch.argmax(logits).item())
        return allowed.best(logits)
    if allowed is not None:
        mask = allowed.mask(logits.shape[0])
        if mask is None:
            return None
        logits = logits.masked_fill(~mask, float("-inf"))
    if bool(torch.isneginf(logits).all()):
        return None
    logits = logits / params.temperature
    probs = torch.softmax(logits, dim=-1)
    if params.min_p > 0.0:
        probs = torch.where(probs < params.min_p * probs.max(), torch.zeros_like(probs), probs)
    if 0 < params.top_k < probs.shape[0]:
        threshold = torch.topk(probs, params.top_k).values[-1]
        probs = torch.where(probs < threshold, torch.zeros_like(probs), probs)
    if params.top_p < 1.0:
        sorted_probs, order = torch.sort(probs, descending=True)
        cumulative = torch.cumsum(sorted_probs, dim=-1) / sorted_probs.sum()
        # Keep the smallest prefix whose mass reaches top_p (the first token always stays).
        drop = (cumulative - sorted_probs / sorted_probs.sum()) >= params.top_p
        sorted_probs[drop] = 0.0
        probs = torch.zeros_like(probs).scatter_(0, order, sorted_probs)
    return int(torch.multinomial(probs, 1, generator=generator).item())


class AllowedTokens:
    """What guided decoding allows at this step: `is_allowed(id)` and the full mask on demand."""

    def __init__(self, is_allowed: Callable[[int], bool], all_allowed: Callable[[], List[int]]) -> None:
        self._is_allowed = is_allowed
        self._all_allowed = all_allowed

    def best(self, logits: torch.Tensor) -> Optional[int]:
        """Greedy under the mask: the highest-scoring allowed token, checking as few as it can."""
        order = torch.argsort(logits, descending=True).tolist()
        for token in order:
            if logits[token].item() == float("-inf"):
                return None
            if self._is_allowed(token):
                return token
        return None

    def mask(self, vocab: int) -> Optional[Any]:
        ids = self._all_allowed()
        if not ids:
            return None
        mask = torch.zeros(vocab, dtype=torch.bool)
        mask[torch.tensor([token for token in ids if token < vocab], dtype=torch.long)] = True
        return mask
