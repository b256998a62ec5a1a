"""Replays, over the wire, exactly the requests the `llmengine` client (scale-llm-engine, unmodified)
made for its documented fine-tune flow against launch-local — File.upload → FineTune.create →
FineTune.get until SUCCESS → FineTune.get_events → FineTune.list → Completion.create(model=
fine_tuned_model) — and checks every field the client's pydantic models need back.
Captured with a recording proxy in front of launch-local (README "Fine-tunes"; the client itself is
never part of this repository). Usage: python3 fine_tune_client_flow.py BASE_URL CSV_PATH HPARAMS_JSON

Prints one `step:` line per request and, at the end, `fine-tune: <id> <fine_tuned_model>`.
"""
import json
import sys
import time

import requests

BASE = sys.argv[1].rstrip("/") + "/"
CSV_PATH = sys.argv[2]
HYPERPARAMETERS = json.loads(sys.argv[3])
API_KEY = "me"
# What APIEngine sends on every call: x-api-key, and Basic (api_key, "").
HEADERS = {"x-api-key": API_KEY}
AUTH = (API_KEY, "")
STATUSES = {"PENDING", "RUNNING", "SUCCESS", "FAILURE", "CANCELLED", "UNDEFINED", "TIMEOUT"}


def step(message):
    print(f"step: {message}", flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def ok(response, what):
    expect(response.status_code == 200, f"{what} → {response.status_code} {response.text}")
    return response.json()


def fine_tune_view(payload, what):
    """GetFineTuneResponse: id, fine_tuned_model (Optional[str]), status (BatchJobStatus)."""
    expect(isinstance(payload.get("id"), str), f"{what}: id {payload}")
    expect(payload.get("status") in STATUSES, f"{what}: status {payload}")
    expect(payload.get("fine_tuned_model") is None or isinstance(payload["fine_tuned_model"], str), f"{what}: fine_tuned_model {payload}")
    return payload


# File.upload(open(path, "r")): post_file → requests.post(files={"file": <text file>}), DEFAULT_TIMEOUT 10 s.
step("File.upload")
with open(CSV_PATH, "r") as handle:
    uploaded = ok(requests.post(BASE + "v1/files", files={"file": handle}, timeout=10, headers=HEADERS, auth=AUTH), "upload")
expect(isinstance(uploaded.get("id"), str), f"UploadFileResponse needs id: {uploaded}")

# FineTune.create: post_sync(json=CreateFineTuneRequest(...).dict()), every field present, in this order.
step("FineTune.create")
body = {"model": "tiny", "training_file": uploaded["id"], "validation_file": None, "hyperparameters": HYPERPARAMETERS, "wandb_config": None, "suffix": "memorise"}
created = ok(requests.post(BASE + "v1/llm/fine-tunes", json=body, timeout=10, headers=HEADERS, auth=AUTH), "create")
expect(isinstance(created.get("id"), str) and created["id"].startswith("ft-"), f"CreateFineTuneResponse needs id: {created}")
fine_tune_id = created["id"]

# FineTune.get until a final status (the documented loop); _get with DEFAULT_TIMEOUT.
step("FineTune.get until SUCCESS")
deadline = time.time() + 600
seen = []
while True:
    got = fine_tune_view(ok(requests.get(BASE + f"v1/llm/fine-tunes/{fine_tune_id}", timeout=10, headers=HEADERS, auth=AUTH), "get"), "get")
    if not seen or seen[-1] != got["status"]:
        seen.append(got["status"])
    if got["status"] in ("SUCCESS", "FAILURE", "CANCELLED", "TIMEOUT"):
        break
    expect(time.time() < deadline, f"the fine-tune did not finish: {seen}")
    time.sleep(1)
expect(got["status"] == "SUCCESS", f"the fine-tune ended {got['status']} after {seen}")
expect(seen[-1] == "SUCCESS" and all(status in ("PENDING", "RUNNING", "SUCCESS") for status in seen), f"statuses {seen}")
model = got["fine_tuned_model"]
expect(isinstance(model, str) and model.startswith("tiny.memorise."), f"fine_tuned_model {got}")

# FineTune.get_events: LLMFineTuneEvent(timestamp Optional[float], message str, level str).
step("FineTune.get_events")
events = ok(requests.get(BASE + f"v1/llm/fine-tunes/{fine_tune_id}/events", timeout=10, headers=HEADERS, auth=AUTH), "events")["events"]
expect(len(events) > 0, "no events")
for event in events:
    expect(event.get("timestamp") is None or isinstance(event["timestamp"], (int, float)), f"event timestamp {event}")
    expect(isinstance(event.get("message"), str) and isinstance(event.get("level"), str), f"event {event}")

# FineTune.list: ListFineTunesResponse(jobs: List[GetFineTuneResponse]).
step("FineTune.list")
jobs = ok(requests.get(BASE + "v1/llm/fine-tunes", timeout=10, headers=HEADERS, auth=AUTH), "list")["jobs"]
expect(any(fine_tune_view(job, "list")["id"] == fine_tune_id for job in jobs), f"list {jobs}")

# Completion.create(model=fine_tuned_model): post_sync to completions-sync, COMPLETION_TIMEOUT 300 s.
step("Completion.create")
completion_body = {
    "prompt": "The sky is", "max_new_tokens": 6, "temperature": 0.0, "stop_sequences": None, "return_token_log_probs": False,
    "presence_penalty": None, "frequency_penalty": None, "top_k": None, "top_p": None, "include_stop_str_in_output": None,
    "guided_json": None, "guided_regex": None, "guided_choice": None, "guided_grammar": None, "skip_special_tokens": True,
}
answer = ok(requests.post(BASE + f"v1/llm/completions-sync?model_endpoint_name={model}", json=completion_body, timeout=300, headers=HEADERS, auth=AUTH), "completion")
output = answer.get("output")
expect(isinstance(answer.get("request_id"), str) and isinstance(output, dict), f"CompletionSyncResponse {answer}")
expect(isinstance(output.get("text"), str) and isinstance(output.get("num_completion_tokens"), int), f"CompletionOutput {output}")
expect(output["text"].startswith(" blue."), f"the fine-tuned model should complete its training prompt: {output}")
print(f"fine-tune: {fine_tune_id} {model}", flush=True)
print("fine-tune client flow: OK", flush=True)
