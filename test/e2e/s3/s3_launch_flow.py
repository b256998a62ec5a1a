"""The S3 door and the Launch routes on the same objects (process runtime, real workers):
a bundle uploaded with boto3's put_object and deployed from its s3:// location; a worker that reads
s3:// with boto3 from its standard AWS environment, as its owner; a v1 batch job whose input CSV is
put and whose result file is read back with boto3.

Usage: s3_launch_flow.py <base url>   (prints "s3 launch flow: OK")
"""
import base64
import csv
import io
import json
import sys
import time

import boto3
import cloudpickle
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

BASE = sys.argv[1].rstrip("/")
BUCKET = "launch-local"


def s3_for(user):
    return boto3.client(
        "s3", endpoint_url=f"{BASE}/_launch_local/s3", aws_access_key_id=user, aws_secret_access_key="x",
        region_name="us-east-1", config=Config(retries={"max_attempts": 1}),
    )


def api(method, path, body=None, params=None, user="alice"):
    response = requests.request(method, BASE + path, json=body, params=params, auth=(user, ""), timeout=120)
    assert 200 <= response.status_code < 300, f"{method} {path} → {response.status_code} {response.text}"
    return response.json()


def step(message):
    print(f"step: {message}", flush=True)


def load_model_fn():
    import boto3 as worker_boto3  # the worker's own import: no endpoint or credentials given here

    return worker_boto3.client("s3")


def load_predict_fn(model):
    import os

    def predict(bucket, key):
        try:
            text = model.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
        except Exception as error:  # botocore's ClientError, by name: the worker has no test imports
            text = "error: " + error.response["Error"]["Code"]
        return {"text": text, "caller": os.environ["AWS_ACCESS_KEY_ID"], "endpoint": os.environ["AWS_ENDPOINT_URL"]}

    return predict


alice, bob = s3_for("alice"), s3_for("bob")

step("the bundle's pickle and the worker's input go in with put_object")
alice.put_object(Bucket=BUCKET, Key="alice/bundles/reader.pkl", Body=cloudpickle.dumps({"load_model_fn": load_model_fn, "load_predict_fn": load_predict_fn}))
alice.put_object(Bucket=BUCKET, Key="alice/inputs/greeting.txt", Body=b"hello from s3")
bob.put_object(Bucket=BUCKET, Key="bob/secret.txt", Body=b"bob's")
location = f"s3://{BUCKET}/alice/bundles/reader.pkl"
flavor = {
    "flavor": "cloudpickle_artifact", "requirements": [], "location": location, "load_predict_fn": "", "load_model_fn": "",
    "framework": {"framework_type": "pytorch", "pytorch_image_tag": "1.7.0"},
}
bundle = api("POST", "/v2/model-bundles", {"name": "s3-reader", "schema_location": location, "metadata": {}, "flavor": flavor})

step("a sync endpoint from that s3:// location; its worker reads s3:// with boto3 as alice")
api("POST", "/v1/model-endpoints", {
    "name": "s3-reader", "model_bundle_id": bundle["model_bundle_id"], "endpoint_type": "sync", "cpus": 1, "memory": "1Gi",
    "storage": "1Gi", "gpus": 0, "min_workers": 1, "max_workers": 1, "per_worker": 1,
    "labels": {"team": "infra", "product": "launch"}, "metadata": {},
})
endpoint_id = api("GET", "/v1/model-endpoints", params={"name": "s3-reader"})["model_endpoints"][0]["id"]
deadline = time.time() + 120
while True:
    endpoint = api("GET", f"/v1/model-endpoints/{endpoint_id}")
    assert endpoint["status"] != "UPDATE_FAILED", endpoint
    if endpoint["status"] == "READY" and (endpoint["deployment_state"] or {}).get("available_workers"):
        break
    assert time.time() < deadline, endpoint
    time.sleep(0.2)


def predict(key):
    task = api("POST", "/v1/sync-tasks", {"args": {"bucket": BUCKET, "key": key}}, params={"model_endpoint_id": endpoint_id})
    assert task["status"] == "SUCCESS", task
    return json.loads(task["result"]["result"])


answer = predict("alice/inputs/greeting.txt")
assert answer["text"] == "hello from s3" and answer["caller"] == "alice", answer
assert answer["endpoint"] == f"{BASE}/_launch_local/s3", answer
assert predict("bob/secret.txt")["text"] == "error: NoSuchKey", "alice's worker must not read bob's object"

step("a batch job: its input CSV put with boto3, its result file read with get_object")
rows = io.StringIO()
writer = csv.DictWriter(rows, fieldnames=["id", "args"])
writer.writeheader()
for i in range(3):
    writer.writerow({"id": i, "args": base64.b64encode(json.dumps({"bucket": BUCKET, "key": "alice/inputs/greeting.txt"}).encode()).decode()})
alice.put_object(Bucket=BUCKET, Key="alice/inputs/rows.csv", Body=rows.getvalue().encode())
job = api("POST", "/v1/batch-jobs", {
    "model_bundle_id": bundle["model_bundle_id"], "resource_requests": {"gpus": 0, "min_workers": 1, "max_workers": 1, "per_worker": 4},
    "serialization_format": "JSON", "input_path": f"s3://{BUCKET}/alice/inputs/rows.csv", "labels": {"team": "infra", "product": "launch"},
})
deadline = time.time() + 180
while True:
    status = api("GET", f"/v1/batch-jobs/{job['job_id']}")
    if status["status"] in ("SUCCESS", "FAILURE", "CANCELLED"):
        break
    assert time.time() < deadline, status
    time.sleep(0.3)
assert status["status"] == "SUCCESS", status
result_bucket, result_key = status["result"][len("s3://"):].split("/", 1)
lines = alice.get_object(Bucket=result_bucket, Key=result_key)["Body"].read().decode().split("\n")
assert len(lines) == 3, lines
assert all(json.loads(json.loads(line)["result"]["result"])["text"] == "hello from s3" for line in lines), lines
try:
    bob.get_object(Bucket=result_bucket, Key=result_key)
    raise AssertionError("bob read alice's batch result")
except ClientError as error:
    assert error.response["Error"]["Code"] == "NoSuchKey", error.response

print("s3 launch flow: OK")
