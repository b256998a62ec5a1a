"""Worker configuration, read once from the environment (the worker's only input)."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from typing import Any, Mapping, Optional

CLOUDPICKLE_FLAVOR = "cloudpickle_artifact"
ZIP_FLAVOR = "zip_artifact"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5005
DEFAULT_RESULTS_BUCKET = "launch-local"


class SettingsError(Exception):
    """A missing or malformed LAUNCH_* variable."""


@dataclass(frozen=True)
class WorkerSettings:
    host: str
    port: int
    flavor: str
    bundle_path: str
    load_predict_fn_module_path: str
    load_model_fn_module_path: str
    # JSON value of the bundle's app_config; None when absent or "null" (§4.3).
    app_config: Any
    work_dir: Optional[str]
    blob_root: Optional[str]
    # Set where the blob folder is not on this machine (Ray nodes): s3:// objects go over HTTP.
    blob_url: Optional[str]
    blob_token: Optional[str]
    results_bucket: str
    concurrency: int
    is_debug: bool
    # What every request must carry in X-Launch-Worker-Token (httpd.py); None: no check (run by hand).
    token: Optional[bytes] = None


def _absolute(path: Optional[str]) -> Optional[str]:
    # Resolved before the worker changes into its work dir, so relative values keep their meaning.
    return os.path.abspath(path) if path else None


def _int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError("%s must be an integer, got %r" % (name, raw))
    if value < minimum:
        raise SettingsError("%s must be at least %d, got %d" % (name, minimum, value))
    return value


def read_settings(env: Mapping[str, str]) -> WorkerSettings:
    predict_path = env.get("LAUNCH_LOAD_PREDICT_FN_MODULE_PATH", "").strip()
    model_path = env.get("LAUNCH_LOAD_MODEL_FN_MODULE_PATH", "").strip()
    # model-engine picks the zip path when both module paths are set; an explicit flavor wins here.
    flavor = env.get("LAUNCH_BUNDLE_FLAVOR", "").strip() or (
        ZIP_FLAVOR if predict_path and model_path else CLOUDPICKLE_FLAVOR
    )
    if flavor not in (CLOUDPICKLE_FLAVOR, ZIP_FLAVOR):
        raise SettingsError(
            "LAUNCH_BUNDLE_FLAVOR must be %s or %s, got %r" % (CLOUDPICKLE_FLAVOR, ZIP_FLAVOR, flavor)
        )
    if flavor == ZIP_FLAVOR and not (predict_path and model_path):
        raise SettingsError(
            "a zip_artifact bundle needs LAUNCH_LOAD_PREDICT_FN_MODULE_PATH "
            "and LAUNCH_LOAD_MODEL_FN_MODULE_PATH"
        )

    bundle_path = _absolute(env.get("LAUNCH_BUNDLE_PATH", "").strip())
    if not bundle_path:
        raise SettingsError("LAUNCH_BUNDLE_PATH is required")

    raw_config = env.get("LAUNCH_APP_CONFIG", "").strip()
    try:
        app_config = json.loads(raw_config) if raw_config else None
    except ValueError as error:
        raise SettingsError("LAUNCH_APP_CONFIG is not valid JSON: %s" % error)

    work_dir = _absolute(env.get("LAUNCH_WORK_DIR", "").strip())
    if flavor == ZIP_FLAVOR and not work_dir:
        work_dir = tempfile.mkdtemp(prefix="launch-worker-")

    return WorkerSettings(
        host=env.get("LAUNCH_WORKER_HOST", "").strip() or DEFAULT_HOST,
        port=_int(env, "LAUNCH_WORKER_PORT", DEFAULT_PORT, 0),
        flavor=flavor,
        bundle_path=bundle_path,
        load_predict_fn_module_path=predict_path,
        load_model_fn_module_path=model_path,
        app_config=app_config,
        work_dir=work_dir,
        blob_root=_absolute(env.get("LAUNCH_BLOB_ROOT", "").strip()),
        blob_url=env.get("LAUNCH_BLOB_URL", "").strip() or None,
        blob_token=env.get("LAUNCH_BLOB_TOKEN", "").strip() or None,
        results_bucket=env.get("LAUNCH_RESULTS_BUCKET", "").strip() or DEFAULT_RESULTS_BUCKET,
        concurrency=_int(env, "LAUNCH_WORKER_CONCURRENCY", 1, 1),
        is_debug=env.get("LAUNCH_WORKER_DEBUG", "").strip().lower() in ("1", "true", "yes"),
        token=env.get("LAUNCH_WORKER_TOKEN", "").strip().encode("latin-1") or None,
    )


def settings_from_environ() -> WorkerSettings:
    return read_settings(os.environ)
