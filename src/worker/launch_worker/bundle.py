"""Loads the bundle's predict callable once, with model-engine's rules (`inference/common.py`,
server-contract.md §4.3)."""
from __future__ import annotations

import importlib
import os
import sys
import zipfile
from typing import Any, Callable

import cloudpickle

from .settings import ZIP_FLAVOR, WorkerSettings

PredictFn = Callable[..., Any]


def load_predict_fn(settings: WorkerSettings) -> PredictFn:
    if settings.flavor == ZIP_FLAVOR:
        return _load_zip(settings)
    return _load_cloudpickle(settings)


def _load_cloudpickle(settings: WorkerSettings) -> PredictFn:
    with open(settings.bundle_path, "rb") as bundle_file:
        bundle = cloudpickle.load(bundle_file)
    config = settings.app_config

    if isinstance(bundle, dict):
        # The v1 dict bundle: the one-argument forms are used when there is no app_config.
        if "model" in bundle:
            model = bundle["model"]
        elif "load_model_fn" in bundle:
            model = bundle["load_model_fn"]() if config is None else bundle["load_model_fn"](config)
        else:
            raise ValueError("Need to specify either 'model' or 'load_model_fn' in the bundle")
        load_predict = bundle["load_predict_fn"]
        return load_predict(model) if config is None else load_predict(config, model)

    if hasattr(bundle, "init"):
        # An object that needs server-side initialisation; the object itself is the predict fn.
        bundle.init(config)
    # Otherwise a bare `predict_fn_or_cls` from the old v1 client.
    return bundle


def _load_zip(settings: WorkerSettings) -> PredictFn:
    work_dir = settings.work_dir
    assert work_dir is not None  # settings always give a zip bundle a work dir
    os.makedirs(work_dir, exist_ok=True)
    with zipfile.ZipFile(settings.bundle_path) as archive:
        # Entries are relative to the parent of the packaged folders (the client's layout), so the
        # packages land directly under the work dir; extractall drops ".." and absolute parts.
        archive.extractall(work_dir)
    if work_dir not in sys.path:
        sys.path.insert(0, work_dir)
    importlib.invalidate_caches()

    load_model = _import_dotted(settings.load_model_fn_module_path)
    load_predict = _import_dotted(settings.load_predict_fn_module_path)
    model = load_model(settings.app_config)
    # The zip form always passes the config, even when it is None (§4.3).
    return load_predict(settings.app_config, model)


def _import_dotted(path: str) -> Any:
    module_name, _, attribute = path.rpartition(".")
    if not module_name:
        raise ValueError("module path %r must look like package.module.function" % path)
    return getattr(importlib.import_module(module_name), attribute)
