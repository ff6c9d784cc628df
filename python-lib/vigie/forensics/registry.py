"""The registered forgery detectors, by name, imported on demand."""

from __future__ import annotations

import importlib

from vigie.core.errors import UsageError
from vigie.forensics.base import Detector

DETECTORS: dict[str, str] = {
    "copy_move": "vigie.forensics.copy_move:CopyMoveDetector",
    "retyped_text": "vigie.forensics.retyped_text:RetypedTextDetector",
    "splicing": "vigie.forensics.splicing:SplicingDetector",
}


def detector_names() -> list[str]:
    return sorted(DETECTORS)


def get_detector(name: str) -> Detector:
    """A new instance of the detector registered under `name`."""
    target = DETECTORS.get(name)
    if target is None:
        raise UsageError(f"unknown detector '{name}' (known: {', '.join(detector_names())})")
    module_name, _, class_name = target.partition(":")
    return getattr(importlib.import_module(module_name), class_name)()
