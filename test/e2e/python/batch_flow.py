"""Replays, over the wire, the requests the official scale-launch client makes for a v1 batch job
(client-contract.md §6.5 and §9 D: batch_async_request + get_batch_async_response), then reads the
result file the way a Python user of launch-local can: the blob folder named by
GET /_launch_local/info. Usage: python3 batch_flow.py BASE_URL

Prints one line per step; exits non-zero on the first failed expectation.
"""
import base64
import csv
import io
import json
import os
import pickle
import re
import sys
import time

import cloudpickle
import requests

BASE = sys.argv[1].rstrip("/")
API_KEY = "me"
AUTH_HEADER = {"Authorization": "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()}
GENERATED = {**AUTH_HEADER, "User-Agent": "OpenAPI-Generator/1.0.0/python", "Accept": "application/json"}
LABELS = {"team": "infra", "product": "launch"}
ISO_DURATION = re.compile(r"^P(\d+Y)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")


def step(message):
    print(f"step: {message}", flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def generated(method, path, body=None, params=None):
    """The generated OpenAPI client: compact JSON, Basic auth."""
    headers = dict(GENERATED)
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    response = requests.request(method, BASE + path, params=params, data=data, headers=headers)
    expect(200 <= response.status_code <= 299, f"{method} {path} → {response.status_code} {response.text}")
    return response.json()


def legacy(method, path):
    """The legacy Connection: JSON body {} even on GET, auth=(api_key, "")."""
    response = requests.request(method, f"{BASE}/v1/hosted_inference{path}", json={}, auth=(API_KEY, ""), timeout=120)
    expect(response.ok, f"legacy {method} {path} → {response.status_code} {response.text}")
    return response.json()


def upload(route, data):
    """§4: the upload route, then an unauthenticated PUT (a str body goes out Latin-1 encoded)."""
    slot = legacy("POST", route)
    requests.put(slot["signedUrl"], data=data)  # the client ignores the status
    return f"s3://{slot['bucket']}/{slot['key']}"


def make_batch_csv(inputs):
    """launch/make_batch_file.py: csv's excel dialect (CRLF), header id,args, args = base64(json.dumps)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "args"])
    writer.writeheader()
    for i, args in enumerate(inputs):
        writer.writerow({"id": i, "args": base64.b64encode(json.dumps(args).encode("utf-8")).decode("utf-8")})
    return out.getvalue()


def batch_async_request(bundle_name, inputs, serialization_format, resource_requests):
    """LaunchClient.batch_async_request(model_bundle=…, inputs=…, labels=…[, gpus=0])."""
    input_path = upload("/batch_task_input_upload", make_batch_csv(inputs))
    bundle = generated("GET", "/v1/model-bundles/latest", params={"model_name": bundle_name})
    return generated("POST", "/v1/batch-jobs", {
        "model_bundle_id": bundle["id"], "resource_requests": resource_requests,
        "serialization_format": serialization_format, "input_path": input_path, "labels": LABELS,
    })


def wait_for_batch(job_id, timeout=120):
    """get_batch_async_response in the docs' loop (every 30 s there; faster here)."""
    deadline = time.time() + timeout
    while True:
        job = generated("GET", f"/v1/batch-jobs/{job_id}")
        expect(set(job) >= {"status", "result", "duration", "num_tasks_pending", "num_tasks_completed"}, f"fields: {job}")
        expect(ISO_DURATION.match(job["duration"]) is not None, f"duration: {job['duration']!r}")
        if job["status"] in ("SUCCESS", "FAILURE", "CANCELLED"):
            return job
        expect(time.time() < deadline, f"job {job_id} still {job}")
        time.sleep(0.2)


def read_result(location):
    """s3://<bucket>/<key> is <data_dir>/blobs/<bucket>/<key> in launch-local's blob folder."""
    data_dir = generated("GET", "/_launch_local/info")["data_dir"]
    bucket, key = location[len("s3://"):].split("/", 1)
    with open(os.path.join(data_dir, "blobs", bucket, *key.split("/")), "rb") as f:
        return f.read()


def main():
    def my_load_model_fn():
        def my_model(**kwargs):
            return kwargs
        return my_model

    def my_load_predict_fn(model):
        def echo(**kwargs):
            return model(**kwargs)
        return echo

    step("create the echo bundle")
    location = upload("/model_bundle_upload", cloudpickle.dumps({"load_model_fn": my_load_model_fn, "load_predict_fn": my_load_predict_fn}))
    generated("POST", "/v2/model-bundles", {
        "name": "batch-echo", "schema_location": location, "metadata": {},
        "flavor": {
            "flavor": "cloudpickle_artifact", "requirements": [],
            "framework": {"framework_type": "pytorch", "pytorch_image_tag": "1.7.0"},
            "load_predict_fn": "", "load_model_fn": "", "location": location,
        },
    })

    # Whole floats (1.0) must reach the worker as floats: the echo answers them back as 1.0.
    inputs = [{"x": i, "y": "héllo", "z": [i * 0.5, None, True]} for i in range(25)]

    step("batch_async_request (JSON), then get_batch_async_response until done")
    created = batch_async_request("batch-echo", inputs, "JSON", {"gpus": 0})
    job_id = created["job_id"]
    expect(job_id.startswith("bat_"), f"job id: {created}")
    endpoint_name = f"{generated('GET', '/v1/model-bundles/latest', params={'model_name': 'batch-echo'})['id']}-batch-task-{job_id}".replace("_", "-")
    names = [e["name"] for e in generated("GET", "/v1/model-endpoints")["model_endpoints"]]
    expect(endpoint_name in names, f"temporary endpoint {endpoint_name} not in {names}")
    job = wait_for_batch(job_id)
    expect(job["status"] == "SUCCESS", f"job: {job}")
    expect(job["num_tasks_pending"] == 0 and job["num_tasks_completed"] == len(inputs), f"counts: {job}")
    expect(job["result"] == f"s3://launch-local/launch/batch-jobs/{job_id}/result.json", f"result: {job['result']}")
    names = [e["name"] for e in generated("GET", "/v1/model-endpoints")["model_endpoints"]]
    expect(endpoint_name not in names, "the temporary endpoint is deleted once the job is done")

    step("read the JSON result file: one Python json.dumps line per row, in input order")
    lines = read_result(job["result"]).decode("utf-8").split("\n")
    expect(len(lines) == len(inputs), f"{len(lines)} lines")
    for i, line in enumerate(lines):
        item = json.loads(line)
        expected = {"task_id": item["task_id"], "status": "SUCCESS", "result": {"result": json.dumps(inputs[i])},
                    "traceback": None, "status_code": None, "id": str(i)}
        expect(line == json.dumps(expected), f"line {i}: {line!r} != {json.dumps(expected)!r}")

    # gpus omitted: the real default is 1 x T4; a host without GPUs runs the job on CPU (README "Parity").
    step("the PICKLE format (no resources given) unpickles to the same items")
    job = wait_for_batch(batch_async_request("batch-echo", inputs, "PICKLE", {})["job_id"])
    expect(job["status"] == "SUCCESS", f"pickle job: {job}")
    items = pickle.loads(read_result(job["result"]))
    expect(isinstance(items, list) and len(items) == len(inputs), f"pickle: {items!r}")
    for i, item in enumerate(items):
        expect(list(item) == ["task_id", "status", "result", "traceback", "status_code", "id"], f"keys: {item}")
        expect(item["result"] == {"result": json.dumps(inputs[i])} and item["id"] == str(i), f"pickle item {i}: {item}")
    print("batch flow: OK", flush=True)


if __name__ == "__main__":
    main()
