"""Models the project ships under resource/models/: one file format (joblib), the library version they were fitted
with, and a logged warning, never a silent change of behaviour, when one cannot be used."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Optional

import joblib
import numpy as np
import sklearn
from threadpoolctl import threadpool_limits

from vigie.runtime.plugin import resource_path

log = logging.getLogger(__name__)


def model_path(name: str) -> Path:
    """Where the shipped model `name` (a file name such as 'retyped_text.joblib') lives."""
    return resource_path("models", name)


def save_model(model: Any, features: tuple[str, ...], path: Path) -> Path:
    """Write a fitted model with the feature names it expects and the scikit-learn version that fitted it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"model": model, "features": tuple(features), "sklearn_version": sklearn.__version__}, path,
                compress=3)
    return path


def load_model(name: str, features: tuple[str, ...]) -> Optional[Any]:
    """The shipped model, or None (with a warning saying why) when it is missing, unreadable or mismatched."""
    path = model_path(name)
    try:
        bundle = joblib.load(path)
    except Exception as exc:  # missing file, truncated file, pickle from an incompatible library
        log.warning("shipped model %s cannot be used (%s: %s)", path, type(exc).__name__, exc)
        return None
    if tuple(bundle.get("features", ())) != tuple(features):
        log.warning("shipped model %s expects other features than this code computes; retrain it", path)
        return None
    fitted = str(bundle.get("sklearn_version", "?"))
    if fitted.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        log.warning("shipped model %s was fitted with scikit-learn %s, running %s", path, fitted, sklearn.__version__)
    return bundle["model"]


def positive_probability(model: Any, rows: np.ndarray) -> np.ndarray:
    """P(class 1) for each row, on one thread: a page's few hundred rows cost more in OpenMP start-up than they gain."""
    with threadpool_limits(limits=1, user_api="openmp"):
        return model.predict_proba(rows)[:, 1]
