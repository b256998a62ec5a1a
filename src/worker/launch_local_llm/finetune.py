"""`python -m launch_local_llm.finetune --config-file FILE`: launch-local's fine-tuning job.

It runs as the docker-image batch job of a fine-tune (llm-contract.md §1.5, §3.3) and does what the
real training job does: reads the training file (a Files-API id or an s3:// location), trains the
base model on it (LoRA with peft, or full fine-tuning), appends Trainer-style events to the events
file the events route reads, writes the merged weights under
`fine_tuned_weights/<owner>/<fine_tuned_model>/`, and creates the LLM endpoint named after the
fine-tuned model through the gateway. Every call goes to launch-local over HTTP with the job's own
credentials (job_client.py). The config file is the real job's: gateway_url, s3_bucket, user_id,
training_file, validation_file, model_name, launch_endpoint_config, hyperparameters, wandb_config.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from typing import Any, Dict, List, Optional

from .job_client import JobClient

WEIGHTS_PREFIX = "hosted-model-inference/fine_tuned_weights"
SMALL_MODEL_PARAMETERS = 100_000_000
# Shards stay well under launch-local's default request body limit (100 MiB).
MAX_SHARD_SIZE = "50MB"


class EventLog:
    """The events file, rewritten whole at each append (only this job writes it)."""

    def __init__(self, client: JobClient, location: str) -> None:
        self.client = client
        self.location = location
        self.lines: List[str] = []

    def append(self, message: str, level: str = "info") -> None:
        self.lines.append(json.dumps({"timestamp": time.time(), "message": message, "level": level}))
        self.client.write_blob(self.location, ("\n".join(self.lines) + "\n").encode("utf-8"))

    def record(self, logs: Dict[str, Any]) -> None:
        """A Trainer log dict, as `str(dict)` (the docs' `{'loss': 1.23, 'learning_rate': 0.0, 'epoch': 0.97}`)."""
        print(f"fine-tune: {logs}", flush=True)
        self.append(str(logs))


def _locations(config: Dict[str, Any]) -> Dict[str, str]:
    """Where the outputs go: launch-local says so in the environment; else the real layout."""
    folder = f"s3://{config['s3_bucket']}/{WEIGHTS_PREFIX}/{config['user_id']}"
    model = config["model_name"]
    return {
        "weights": os.environ.get("LAUNCH_LOCAL_FINE_TUNED_WEIGHTS") or f"{folder}/{model}",
        "events": os.environ.get("LAUNCH_LOCAL_FINE_TUNE_EVENTS") or f"{folder}/models--{model.replace('/', '--')}.jsonl",
    }


def _load_base(base_dir: str):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(base_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(base_dir, local_files_only=True)
    model.to(torch.float32)
    threads = os.environ.get("LAUNCH_LOCAL_LLM_THREADS")
    if threads:
        torch.set_num_threads(max(1, int(threads)))
    elif sum(parameter.numel() for parameter in model.parameters()) < SMALL_MODEL_PARAMETERS:
        torch.set_num_threads(1)  # as the engine does: a tiny model is faster on one thread of a busy machine
    return model, tokenizer


def _save(model, tokenizer, base_dir: str, out_dir: str) -> List[str]:
    model.save_pretrained(out_dir, safe_serialization=True, max_shard_size=MAX_SHARD_SIZE)
    tokenizer.save_pretrained(out_dir)
    for name in ("generation_config.json", "chat_template.jinja"):
        if os.path.isfile(os.path.join(base_dir, name)) and not os.path.exists(os.path.join(out_dir, name)):
            shutil.copyfile(os.path.join(base_dir, name), os.path.join(out_dir, name))
    return sorted(name for name in os.listdir(out_dir) if os.path.isfile(os.path.join(out_dir, name)))


def _endpoint_request(config: Dict[str, Any], checkpoint_path: str) -> Dict[str, Any]:
    """What the real job sends to create the fine-tuned model's endpoint."""
    hparams = config.get("hyperparameters") or {}
    return {
        **(config.get("launch_endpoint_config") or {}),
        "name": config["model_name"],
        "model_name": hparams.get("_BASE_MODEL_SHORT") or hparams.get("_BASE_MODEL"),
        "checkpoint_path": checkpoint_path,
        "metadata": {},
        "labels": {"team": config.get("team") or "egp", "product": config.get("product") or "training.llm_engine_fine_tune"},
    }


def run(config: Dict[str, Any], client: JobClient, events: EventLog, locations: Dict[str, str]) -> None:
    from .finetune_data import parse_pairs, split_validation
    from .finetune_train import encode_pairs, settings_from, train

    settings = settings_from(config.get("hyperparameters") or {})
    pairs = parse_pairs(client.read_dataset(config["training_file"]))
    if config.get("validation_file"):
        train_pairs, eval_pairs = pairs, parse_pairs(client.read_dataset(config["validation_file"]))
    else:
        train_pairs, eval_pairs = split_validation(pairs)
    base_dir = os.environ.get("LAUNCH_LOCAL_BASE_MODEL_DIR")
    if not base_dir or not os.path.isdir(base_dir):
        raise RuntimeError("the base model's weights were not found on this machine (LAUNCH_LOCAL_BASE_MODEL_DIR)")
    model, tokenizer = _load_base(base_dir)
    max_length = int(getattr(model.config, "max_position_embeddings", None) or 2048)
    model = train(model, tokenizer, encode_pairs(tokenizer, train_pairs, max_length), encode_pairs(tokenizer, eval_pairs, max_length) if eval_pairs else [], settings, events.record)
    out_dir = tempfile.mkdtemp(prefix="launch-local-fine-tune-")
    try:
        for name in _save(model, tokenizer, base_dir, out_dir):
            client.write_blob_file(f"{locations['weights']}/{name}", os.path.join(out_dir, name))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    answer = client.post_json("/v1/llm/model-endpoints", _endpoint_request(config, locations["weights"]))
    print(f"fine-tune: weights at {locations['weights']}; endpoint {config['model_name']} created ({answer})", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m launch_local_llm.finetune")
    parser.add_argument("--config-file", required=True, help="the job's config (mounted at the bundle's mount_location)")
    args = parser.parse_args(argv)
    with open(args.config_file, encoding="utf-8") as config_file:
        config = json.load(config_file)
    client = JobClient.from_env(config.get("gateway_url"))
    locations = _locations(config)
    events = EventLog(client, locations["events"])
    try:
        run(config, client, events, locations)
    except Exception as error:  # the job fails with a reason in its events and its log
        traceback.print_exc()
        try:
            events.append(f"Fine-tune failed: {type(error).__name__}: {error}", level="error")
        finally:
            print(f"fine-tune: failed: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
