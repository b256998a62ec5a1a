"""The fine-tune's dataset: prompt → response pairs from CSV or JSONL (llm-contract.md §1.5 step 4).

As the server's header check decides (`are_dataset_headers_valid`): when the first record, joined
back with commas, is a JSON object, the file is JSONL; otherwise it is CSV read by csv.DictReader.
Columns are `prompt,response`, else `input,output`.
"""
from __future__ import annotations

import csv
import io
import json
from typing import List, Tuple

Pair = Tuple[str, str]
COLUMN_PAIRS = (("prompt", "response"), ("input", "output"))


def _columns(headers) -> Tuple[str, str]:
    for prompt, response in COLUMN_PAIRS:
        if prompt in headers and response in headers:
            return prompt, response
    raise ValueError("the dataset has neither prompt,response nor input,output columns")


def _is_jsonl(text: str) -> bool:
    first = next(csv.reader(io.StringIO(text)), None)
    if first is None:
        return False
    try:
        return isinstance(json.loads(",".join(first)), dict)
    except json.JSONDecodeError:
        return False


def parse_pairs(text: str) -> List[Pair]:
    if _is_jsonl(text):
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        prompt, response = _columns(rows[0].keys())
        return [(str(row[prompt]), str(row[response])) for row in rows]
    reader = csv.DictReader(io.StringIO(text))
    prompt, response = _columns(reader.fieldnames or [])
    return [(row[prompt] or "", row[response] or "") for row in reader]


def split_validation(pairs: List[Pair]) -> Tuple[List[Pair], List[Pair]]:
    """With no validation file, the last 10% (rounded down) become the validation set, as the docs say."""
    held_out = len(pairs) // 10
    if held_out == 0:
        return pairs, []
    return pairs[:-held_out], pairs[-held_out:]
