"""Replays, over the wire, exactly the requests the official scale-launch client makes for its
documented flow (client-contract.md §9 A–C and E, §4 uploads, §6.3 creation logs), and checks the
answers the client needs. Usage: python3 client_flow.py BASE_URL ECHO_SERVER_PATH

Prints one line per step; exits non-zero on the first failed expectation.
"""
import base64
import json
import sys
import time

import cloudpickle
import requests

BASE = sys.argv[1].rstrip("/")
ECHO_SERVER = sys.argv[2]
API_KEY = "me"
AUTH_HEADER = {"Authorization": "Basic " + base64.b64encode(f"{API_KEY}:".encode()).decode()}
GENERATED = {**AUTH_HEADER, "User-Agent": "OpenAPI-Generator/1.0.0/python", "Accept": "application/json"}


def step(message):
    print(f"step: {message}", flush=True)


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def generated(method, path, body=None, params=None):
    """The generated OpenAPI client: compact JSON, Basic auth, no timeout."""
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


def upload(data: bytes) -> str:
    """§4: upload route, then an unauthenticated PUT of the raw bytes; the location is s3://bucket/key."""
    slot = legacy("POST", "/model_bundle_upload")
    expect({"signedUrl", "bucket", "key"} <= set(slot), f"upload slot fields: {slot}")
    put = requests.put(slot["signedUrl"], data=data)  # no auth, no content type; status ignored by the client
    expect(put.ok, f"signed PUT → {put.status_code} {put.text}")
    return f"s3://{slot['bucket']}/{slot['key']}"


def get_endpoint(name):
    items = generated("GET", "/v1/model-endpoints", params={"name": name})["model_endpoints"]
    return items[0] if items else None


def create_endpoint(name, bundle_name, endpoint_type, min_workers, per_worker=10):
    expect(get_endpoint(name) is None, f"{name} should not exist yet")
    bundle = generated("GET", "/v1/model-bundles/latest", params={"model_name": bundle_name})
    expect("name" in bundle and "id" in bundle, f"v1 latest needs name and id: {bundle}")
    body = {
        "name": name, "model_bundle_id": bundle["id"], "endpoint_type": endpoint_type, "cpus": 1, "memory": "1Gi",
        "storage": "2Gi", "gpus": 0, "min_workers": min_workers, "max_workers": 2, "per_worker": per_worker,
        "labels": {"team": "infra", "product": "launch"}, "metadata": {}, "high_priority": False,
    }
    generated("POST", "/v1/model-endpoints", body)


def wait_ready(name, need_workers, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        item = get_endpoint(name)
        expect(item is not None, f"{name} vanished")
        expect(item["status"] != "UPDATE_FAILED", f"{name} failed: {item.get('status_reason')}")
        workers = (item.get("deployment_state") or {}).get("available_workers") or 0
        if item["status"] == "READY" and (not need_workers or workers > 0):
            return item
        time.sleep(0.2)
    raise AssertionError(f"{name} not ready in {timeout}s: {item}")


def main():
    # --- A.1-4: callable bundle through the signed URL, v2 create, latest ---
    def my_load_model_fn():
        def my_model(x, y):
            return x * 2 + len(y)
        return my_model

    def my_load_predict_fn(model):
        def returns_model_of_x_plus_len_of_y(x, y):
            return model(x, y)
        return returns_model_of_x_plus_len_of_y

    step("upload bundle and schema through signed URLs")
    location = upload(cloudpickle.dumps({"load_model_fn": my_load_model_fn, "load_predict_fn": my_load_predict_fn}))
    schema = {"RequestSchema": {"type": "object"}, "ResponseSchema": {"type": "integer"}}
    schema_location = upload(json.dumps(schema).encode())
    created = generated("POST", "/v2/model-bundles", {
        "name": "test-bundle", "schema_location": schema_location, "metadata": {"k": "v"},
        "flavor": {
            "flavor": "cloudpickle_artifact", "requirements": [],
            "framework": {"framework_type": "pytorch", "pytorch_image_tag": "1.7.0"},
            "load_predict_fn": "def my_load_predict_fn(model): ...\n", "load_model_fn": "def my_load_model_fn(): ...\n",
            "location": location,
        },
    })
    expect(created["model_bundle_id"].startswith("bun_"), f"bundle id: {created}")
    latest = generated("GET", "/v2/model-bundles/latest", params={"model_name": "test-bundle"})
    expect(latest["id"] == created["model_bundle_id"] and latest["flavor"]["app_config"] is None, f"v2 latest: {latest}")

    step("streaming bundle (runnable echo image)")
    command = [sys.executable, ECHO_SERVER, "--port", "5005"]
    generated("POST", "/v2/model-bundles", {
        "name": "echo-stream", "schema_location": schema_location,
        "flavor": {
            "flavor": "streaming_enhanced_runnable_image", "repository": "echo", "tag": "local", "command": command,
            "streaming_command": command, "protocol": "http", "readiness_initial_delay_seconds": 1, "env": {},
        },
    })

    # --- A.5: create endpoints (sync with a warm worker, async from zero, streaming) ---
    step("create sync, async and streaming endpoints")
    create_endpoint("demo-endpoint-sync", "test-bundle", "sync", 1)
    create_endpoint("demo-endpoint", "test-bundle", "async", 0)
    create_endpoint("demo-endpoint-streaming", "echo-stream", "streaming", 1, per_worker=1)

    step("wait for READY and available workers")
    wait_ready("demo-endpoint-sync", need_workers=True)
    wait_ready("demo-endpoint", need_workers=False)
    wait_ready("demo-endpoint-streaming", need_workers=True)

    # --- B: sync predict ---
    step("sync predict")
    sync_id = get_endpoint("demo-endpoint-sync")["id"]
    answer = generated("POST", "/v1/sync-tasks", {"args": {"x": 2, "y": "hello"}, "return_pickled": False},
                       params={"model_endpoint_id": sync_id})
    expect(answer == {"status": "SUCCESS", "result": {"result": "9"}, "traceback": None, "status_code": 200}, f"sync: {answer}")
    pickled = generated("POST", "/v1/sync-tasks", {"args": {"x": 1, "y": "ab"}, "return_pickled": True},
                        params={"model_endpoint_id": sync_id})
    expect(pickled["status"] == "SUCCESS" and pickled["result"]["result_url"].startswith("s3://"), f"pickled: {pickled}")

    # --- A.8-9: async predict from zero workers, poll every 2 s like EndpointResponseFuture.get ---
    step("async predict (scale from zero)")
    async_id = get_endpoint("demo-endpoint")["id"]
    task_ids = [
        generated("POST", "/v1/async-tasks", {"args": {"x": 5, "y": "hello"}, "return_pickled": pickled_flag},
                  params={"model_endpoint_id": async_id})["task_id"]
        for pickled_flag in (False, True)
    ]
    results = []
    for task_id in task_ids:
        deadline = time.time() + 120
        while True:
            body = generated("GET", f"/v1/async-tasks/{task_id}")
            expect(body["status"] in ("PENDING", "STARTED", "SUCCESS", "FAILURE"), f"status: {body}")
            if body["status"] in ("SUCCESS", "FAILURE"):
                break
            expect(time.time() < deadline, f"task {task_id} still {body['status']}")
            time.sleep(0.2)
        results.append(body)
    expect(results[0]["status"] == "SUCCESS" and results[0]["result"] == {"result": "15"}, f"async: {results[0]}")
    expect(results[1]["status"] == "SUCCESS" and results[1]["result"]["result_url"].startswith("s3://"), f"async pickled: {results[1]}")

    # --- C: streaming predict, read like sseclient (events split on blank lines, data: lines) ---
    step("streaming predict")
    stream_id = get_endpoint("demo-endpoint-streaming")["id"]
    response = requests.post(f"{BASE}/v1/streaming-tasks?model_endpoint_id={stream_id}", json={"args": {"y": 1}, "return_pickled": False},
                             auth=(API_KEY, ""), stream=True)
    raw = response.content.decode()
    expect(raw.strip() == 'data: {"status":"SUCCESS","result":{"result":{"y":1}},"traceback":null,"status_code":200}', f"stream: {raw!r}")

    # --- creation logs (legacy route), then E: delete ---
    step("creation logs")
    logs = legacy("GET", "/endpoints/creation_logs/demo-endpoint-sync")
    expect(isinstance(logs["content"], str) and logs["content"] != "", f"logs: {logs}")

    step("delete endpoints")
    for name in ("demo-endpoint-sync", "demo-endpoint", "demo-endpoint-streaming"):
        endpoint = get_endpoint(name)
        deleted = generated("DELETE", f"/v1/model-endpoints/{endpoint['id']}")
        expect(deleted == {"deleted": True}, f"delete: {deleted}")
        expect(get_endpoint(name) is None, f"{name} still listed")
    print("client flow: OK", flush=True)


if __name__ == "__main__":
    main()
