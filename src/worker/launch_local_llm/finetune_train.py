"""The training loop of launch-local's trainer: LoRA (peft) or full fine-tuning of a causal LM on
prompt → response pairs, the loss on the response tokens and the end-of-sequence token only.

Hyperparameters (the documented ones, as the real trainer takes them): `lr` (2e-3), `epochs` (5),
`warmup_ratio` (0.03), `weight_decay` (0.001), `peft_config` (a LoraConfig dict); and launch-local's
`max_steps` (a step cap, none by default), `batch_size` (8), `seed` (42), `logging_steps`,
`fine_tuning_method` ("lora" or "full"). AdamW with linear warm-up then a cosine decay, as the docs
describe. Log records are Hugging Face Trainer's dicts (`{'loss': …, 'learning_rate': …, 'epoch': …}`).
"""
from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

Pair = Tuple[str, str]
Log = Callable[[Dict[str, Any]], None]


@dataclass
class Settings:
    method: str
    lr: float
    epochs: float
    warmup_ratio: float
    weight_decay: float
    max_steps: int
    batch_size: int
    seed: int
    logging_steps: int
    peft_config: Dict[str, Any]


def _number(hparams: Dict[str, Any], key: str, default: float) -> float:
    value = hparams.get(key, default)
    return float(value) if value is not None else default


def settings_from(hparams: Dict[str, Any]) -> Settings:
    peft_config = hparams.get("peft_config") or {}
    if isinstance(peft_config, str):
        peft_config = json.loads(peft_config)
    if not isinstance(peft_config, dict):
        raise ValueError("peft_config must be a dict of LoraConfig arguments")
    method = str(hparams.get("fine_tuning_method") or "lora")
    if method not in ("lora", "full"):
        raise ValueError(f"unknown fine_tuning_method {method!r} (lora or full)")
    return Settings(
        method=method,
        lr=_number(hparams, "lr", 2e-3),
        epochs=_number(hparams, "epochs", 5),
        warmup_ratio=_number(hparams, "warmup_ratio", 0.03),
        weight_decay=_number(hparams, "weight_decay", 0.001),
        max_steps=int(_number(hparams, "max_steps", -1)),
        batch_size=max(1, int(_number(hparams, "batch_size", 8))),
        seed=int(_number(hparams, "seed", 42)),
        logging_steps=int(_number(hparams, "logging_steps", 0)),
        peft_config=dict(peft_config),
    )


def encode_pairs(tokenizer, pairs: List[Pair], max_length: int) -> List[Tuple[List[int], List[int]]]:
    """(input ids, labels): the prompt as the engine encodes it, then the response and EOS; -100 hides the prompt."""
    eos = tokenizer.eos_token_id
    rows = []
    for prompt, response in pairs:
        prompt_ids = list(tokenizer.encode(prompt, add_special_tokens=True))
        response_ids = list(tokenizer.encode(response, add_special_tokens=False)) + ([eos] if eos is not None else [])
        ids = (prompt_ids + response_ids)[:max_length]
        labels = ([-100] * len(prompt_ids) + response_ids)[:max_length]
        if any(label != -100 for label in labels):
            rows.append((ids, labels))
    if not rows:
        raise ValueError("no row has a response to learn (empty responses, or prompts longer than the model's context)")
    return rows


def _batch(torch, rows, pad_id: int):
    width = max(len(ids) for ids, _ in rows)
    ids = torch.tensor([row + [pad_id] * (width - len(row)) for row, _ in rows])
    labels = torch.tensor([row + [-100] * (width - len(row)) for _, row in rows])
    mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row, _ in rows])
    return ids, labels, mask


def with_lora(model, peft_config: Dict[str, Any]):
    from peft import LoraConfig, get_peft_model

    arguments = {"r": 8, "lora_alpha": 16, "lora_dropout": 0.05, **peft_config, "task_type": "CAUSAL_LM"}
    return get_peft_model(model, LoraConfig(**arguments))


def mean_loss(torch, model, rows, batch_size: int, pad_id: int) -> float:
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size]
            ids, labels, mask = _batch(torch, chunk, pad_id)
            total += model(input_ids=ids, attention_mask=mask, labels=labels).loss.item() * len(chunk)
            count += len(chunk)
    model.train()
    return total / max(count, 1)


def train(model, tokenizer, train_rows, eval_rows, settings: Settings, log: Log):
    """Trains in place (LoRA: returns the merged model); calls `log` with Trainer-style records."""
    import torch
    from transformers import get_cosine_schedule_with_warmup

    torch.manual_seed(settings.seed)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)
    if settings.method == "lora":
        model = with_lora(model, settings.peft_config)
    model.train()
    steps_per_epoch = math.ceil(len(train_rows) / settings.batch_size)
    total = max(1, math.ceil(settings.epochs * steps_per_epoch))
    if settings.max_steps > 0:
        total = min(total, settings.max_steps)
    logging_steps = settings.logging_steps if settings.logging_steps > 0 else max(1, total // 50)
    parameters = [parameter for parameter in model.parameters() if parameter.requires_grad]
    optimizer = torch.optim.AdamW(parameters, lr=settings.lr, weight_decay=settings.weight_decay)
    scheduler = get_cosine_schedule_with_warmup(optimizer, math.ceil(total * settings.warmup_ratio), total)
    order = torch.Generator().manual_seed(settings.seed)
    started = time.time()
    losses: List[float] = []
    window: List[float] = []
    step = 0
    while step < total:
        permutation = torch.randperm(len(train_rows), generator=order).tolist()
        for start in range(0, len(permutation), settings.batch_size):
            if step >= total:
                break
            ids, labels, mask = _batch(torch, [train_rows[i] for i in permutation[start:start + settings.batch_size]], pad_id)
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            value = loss.item()
            window.append(value)
            losses.append(value)
            epoch = round(step / steps_per_epoch, 2)
            if step % logging_steps == 0 or step == 1 or step == total:
                log({"loss": round(sum(window) / len(window), 4), "learning_rate": scheduler.get_last_lr()[0], "epoch": epoch})
                window = []
            if eval_rows and (step % steps_per_epoch == 0 or step == total):
                log({"eval_loss": round(mean_loss(torch, model, eval_rows, settings.batch_size, pad_id), 4), "epoch": epoch})
    runtime = time.time() - started
    log({
        "train_runtime": round(runtime, 4),
        "train_samples_per_second": round(step * settings.batch_size / max(runtime, 1e-9), 3),
        "train_steps_per_second": round(step / max(runtime, 1e-9), 3),
        "train_loss": sum(losses) / len(losses),
        "epoch": round(step / steps_per_epoch, 2),
    })
    model.eval()
    return model.merge_and_unload() if settings.method == "lora" else model
