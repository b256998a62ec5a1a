"""Uses the fixture in conftest.py: the server answers like Scale Launch."""
import requests


def test_health(launch_url):
    assert requests.get(f"{launch_url}/healthz").status_code == 200


def test_lists_no_endpoints_for_a_new_user(launch_url):
    response = requests.get(f"{launch_url}/v1/model-endpoints", auth=("pytest-user", ""))
    assert response.json() == {"model_endpoints": []}
