"""Runs with the pytest-launch-local plugin (python/pytest-launch-local): its `launch_local`
fixture starts one server for the session; `reset()` gives a test a clean slate."""
import base64
import json
import urllib.error
import urllib.request

AUTH = {"Authorization": "Basic " + base64.b64encode(b"pytest-user:").decode()}


def call(url, method="GET", data=None):
    request = urllib.request.Request(url, data=data, method=method, headers=AUTH)
    with urllib.request.urlopen(request) as response:
        return response.status, json.loads(response.read() or b"null")


def test_health(launch_local):
    assert call(f"{launch_local.url}/healthz")[0] == 200


def test_lists_no_endpoints_for_a_new_user(launch_local):
    assert call(f"{launch_local.url}/v1/model-endpoints") == (200, {"model_endpoints": []})


def test_reset_drops_what_a_test_left(launch_local):
    blob = f"{launch_local.url}/_launch_local/blobs?location=s3://launch-local/pytest/left-over.txt"
    call(blob, "PUT", b"left over")
    assert launch_local.reset() == {"reset": True, "kept": []}
    try:
        call(blob)
        raise AssertionError("the blob survived the reset")
    except urllib.error.HTTPError as error:
        assert error.code == 404
