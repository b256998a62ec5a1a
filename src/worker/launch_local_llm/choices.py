"""A choice's steps gathered into what a sync answer needs (text, ids, log-prob entries)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Union

import torch

from .engine import Engine, Step
from .logprobs import Entry
from .sampling_params import SamplingParams


@dataclass
class ChoiceResult:
    token_ids: List[int] = field(default_factory=list)
    entries: List[Entry] = field(default_factory=list)
    text: str = ""
    finish_reason: Optional[str] = None
    stop_reason: Optional[Union[int, str]] = None


def step_entry(step: Step) -> Optional[Entry]:
    if step.token_id is None:
        return None
    return (step.token_id, step.logprob, step.rank, step.top)


def collect(engine: Engine, prompt_ids: List[int], params: SamplingParams, generator: torch.Generator) -> ChoiceResult:
    result = ChoiceResult()
    for step in engine.generate(prompt_ids, params, generator):
        entry = step_entry(step)
        if entry is not None:
            result.token_ids.append(entry[0])
            result.entries.append(entry)
        result.text += step.text
        result.finish_reason = step.finish_reason
        result.stop_reason = step.stop_reason
    return result
