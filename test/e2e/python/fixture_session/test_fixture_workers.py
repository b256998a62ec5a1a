"""Runs under the pytest plugin's fixture (python/pytest-launch-local, loaded with -p) and starts a real worker, so
the harness (test/e2e/reliability/launcher-stop.test.ts) can check that ending the session stops the
server and that worker. Writes the worker's pid to $LAUNCH_FIXTURE_PIDS_FILE."""
import os
import pathlib
import sys
import time

import cloudpickle
import requests


AUTH = ("fixture-user", "")
cloudpickle.register_pickle_by_value(sys.modules[__name__])


def load_model_fn():
    return None


def load_predict_fn(model):
    def predict(**kwargs):
        return kwargs

    return predict


def _upload(url, data):
    slot = requests.post(f"{url}/v1/hosted_inference/model_bundle_upload", json={}, auth=AUTH).json()
    requests.put(slot["signedUrl"], data=data).raise_for_status()
    return f"s3://{slot['bucket']}/{slot['key']}"


def test_a_worker_runs_for_the_session(launch_local):
    launch_url = launch_local.url
    location = _upload(launch_url, cloudpickle.dumps({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}))
    flavor = {
        "flavor": "cloudpickle_artifact",
        "requirements": [],
        "framework": {"framework_type": "pytorch", "pytorch_image_tag": "1.7.0"},
        "load_predict_fn": "",
        "load_model_fn": "",
        "location": location,
    }
    bundle = requests.post(f"{launch_url}/v2/model-bundles", json={"name": "echo", "schema_location": location, "flavor": flavor}, auth=AUTH).json()
    requests.post(
        f"{launch_url}/v1/model-endpoints",
        json={
            "name": "echo", "model_bundle_id": bundle["model_bundle_id"], "endpoint_type": "sync", "cpus": 1, "memory": "1Gi",
            "storage": "1Gi", "gpus": 0, "min_workers": 1, "max_workers": 1, "per_worker": 1,
            "labels": {"team": "t", "product": "p"}, "metadata": {},
        },
        auth=AUTH,
    ).raise_for_status()
    endpoint_id = requests.get(f"{launch_url}/v1/model-endpoints?name=echo", auth=AUTH).json()["model_endpoints"][0]["id"]
    deadline = time.time() + 60
    while True:
        workers = requests.get(f"{launch_url}/_launch_local/endpoints/{endpoint_id}/workers", auth=AUTH).json()["workers"]
        ready = [worker for worker in workers if worker["state"] == "ready" and worker["pid"]]
        if ready:
            break
        assert time.time() < deadline, f"no ready worker: {workers}"
        time.sleep(0.1)
    answer = requests.post(f"{launch_url}/v1/sync-tasks?model_endpoint_id={endpoint_id}", json={"args": {"x": 1}}, auth=AUTH).json()
    assert answer["status"] == "SUCCESS", answer
    pathlib.Path(os.environ["LAUNCH_FIXTURE_PIDS_FILE"]).write_text(" ".join(str(worker["pid"]) for worker in ready))
