"""Benchmark dataset adapters: one item shape over the layouts we score detectors on, read from a folder by streams.

- `benchmark`: the contract of DESIGN.md (labels.csv, images/, masks/ for forged pages, sources/ for copy-move).
- `images_masks`: any `images/` + `masks/` pair, a page with no mask of the same stem being pristine.
- `casia`: CASIA v1 (Au/, Tp/CM/, Tp/Sp/) and v2 (Au/, Tp/ with Tp_S_* same-image = copy-move, Tp_D_* = splicing),
  ground truth in a folder whose name contains "gt" or "groundtruth", as `<stem>_gt.png` or `<stem>.png`.
- `findit`: L3i's "Find it again!" receipts (train/, val/, test/ images with train.txt, val.txt, test.txt: a CSV
  whose `forgery annotations` column holds VIA regions; "Original area: yes" marks a copy's source). Its splits map to
  train, calibration and test; its techniques to our operations (CPI copy-move, CPO splicing, IMI retype,
  CUT white-out, PIX pixel edit).
Pristine items have no mask (scored as an all-zero mask).
"""

from __future__ import annotations

import ast
import dataclasses
import io
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Optional

import numpy as np
import pandas as pd
from PIL import Image

from vigie.core.errors import UsageError
from vigie.core.results import Box
from vigie.runtime.context import Folder

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".pdf")


@dataclass
class BenchmarkItem:
    """One page to score: its image, its masks when forged, and its labels (split, operation, field, ...)."""

    id: str
    image: str
    forged: bool
    mask: Optional[str] = None
    source_mask: Optional[str] = None
    split: str = "test"
    operation: str = ""
    field: str = ""
    labels: dict = dataclasses.field(default_factory=dict)
    boxes: tuple[Box, ...] = ()  # tampered rectangles, for datasets annotated by boxes rather than masks
    source_boxes: tuple[Box, ...] = ()


def read_mask(folder: Folder, path: Optional[str], shape: tuple[int, int]) -> np.ndarray:
    """A boolean mask (white = tampered) resized to the page if needed; all False when there is none."""
    if not path:
        return np.zeros(shape, bool)
    mask = Image.open(io.BytesIO(folder.read_bytes(path))).convert("L")
    if mask.size != (shape[1], shape[0]):
        mask = mask.resize((shape[1], shape[0]), Image.NEAREST)
    return np.asarray(mask) > 127


def _paint(mask: np.ndarray, boxes: tuple[Box, ...]) -> None:
    for x0, y0, x1, y1 in boxes:
        mask[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)] = True


def truth_mask(folder: Folder, item: BenchmarkItem, shape: tuple[int, int]) -> np.ndarray:
    """Every tampered pixel of an item (target and copy-move source), from its mask files and its boxes."""
    mask = read_mask(folder, item.mask, shape) | read_mask(folder, item.source_mask, shape)
    _paint(mask, item.boxes + item.source_boxes)
    return mask


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path))[0]


def _is_image(path: str) -> bool:
    return path.lower().endswith(IMAGE_EXTENSIONS)


def benchmark_items(folder: Folder) -> Iterator[BenchmarkItem]:
    labels = pd.read_csv(io.BytesIO(folder.read_bytes("labels.csv")), keep_default_na=False)
    for row in labels.to_dict("records"):
        if row.get("status", "ok") != "ok":
            continue
        forged = str(row["forged"]).lower() in ("true", "1")
        yield BenchmarkItem(str(row["id"]), row["image"], forged, row.get("mask") or None,
                            row.get("source_mask") or None, row.get("split", "test") or "test",
                            row.get("operation", ""), row.get("field", ""), row)


def images_masks_items(folder: Folder) -> Iterator[BenchmarkItem]:
    paths = folder.list_paths()
    masks = {_stem(p): p for p in paths if p.startswith("masks/")}
    for path in paths:
        if path.startswith("images/") and _is_image(path):
            mask = masks.get(_stem(path))
            yield BenchmarkItem(_stem(path), path, mask is not None, mask)


def _casia_operation(path: str) -> str:
    parts = [p.lower() for p in path.split("/")]
    name = posixpath.basename(path).lower()
    if "cm" in parts or name.startswith("tp_s_"):
        return "copy_move"
    if "sp" in parts or name.startswith("tp_d_"):
        return "splicing"
    return ""


def casia_items(folder: Folder) -> Iterator[BenchmarkItem]:
    paths = folder.list_paths()
    truth = {}
    for p in paths:
        directories = [d.lower() for d in p.split("/")[:-1]]
        if any("gt" in d or "groundtruth" in d for d in directories):
            stem = _stem(p)
            truth[stem[:-3] if stem.endswith("_gt") else stem] = p
    for path in paths:
        parts = path.split("/")
        if not _is_image(path) or path in truth.values():
            continue
        if "Au" in parts[:-1]:
            yield BenchmarkItem(_stem(path), path, False)
        elif "Tp" in parts[:-1]:
            yield BenchmarkItem(_stem(path), path, True, truth.get(_stem(path)), operation=_casia_operation(path))


FINDIT_SPLITS = {"train": "train", "val": "calibration", "test": "test"}
FINDIT_OPERATIONS = {"CPI": "copy_move", "CPO": "splicing", "IMI": "retype", "CUT": "white_out", "PIX": "pixel_edit"}


def _findit_regions(annotation: str) -> tuple[tuple[Box, ...], tuple[Box, ...], list[str]]:
    """Target boxes, source boxes and technique codes of one Find it again! annotation (a Python literal)."""
    try:
        parsed = ast.literal_eval(annotation) if annotation else {}
    except (ValueError, SyntaxError):
        parsed = {}
    targets, sources, techniques = [], [], []
    for region in parsed.get("regions", []) if isinstance(parsed, dict) else []:
        shape, attributes = region.get("shape_attributes", {}), region.get("region_attributes", {})
        if not {"x", "y", "width", "height"} <= set(shape):
            continue
        box = (int(shape["x"]), int(shape["y"]), int(shape["x"] + shape["width"]), int(shape["y"] + shape["height"]))
        if str(attributes.get("Original area", "no")).lower() == "yes":
            sources.append(box)
            continue
        kinds = attributes.get("Modified area", {})
        kinds = [k for k, v in kinds.items() if v and k != "None"] if isinstance(kinds, dict) else [str(kinds)]
        targets.append(box)
        techniques.extend(kinds)
    return tuple(targets), tuple(sources), techniques


def findit_items(folder: Folder) -> Iterator[BenchmarkItem]:
    paths = set(folder.list_paths())
    for split, ours in FINDIT_SPLITS.items():
        if f"{split}.txt" not in paths:
            continue
        table = pd.read_csv(io.BytesIO(folder.read_bytes(f"{split}.txt")), keep_default_na=False)
        for row in table.to_dict("records"):
            image = f"{split}/{row['image']}"
            if image not in paths:
                continue  # the archive misses a few listed images
            forged = str(row.get("forged", 0)).strip() in ("1", "True", "true")
            targets, sources, techniques = _findit_regions(str(row.get("forgery annotations", "")))
            operations = [FINDIT_OPERATIONS.get(t, t.lower()) for t in techniques]
            operation = max(set(operations), key=operations.count) if forged and operations else ""
            yield BenchmarkItem(_stem(image), image, forged, split=ours, operation=operation, labels=row,
                                boxes=targets if forged else (), source_boxes=sources if forged else ())


ADAPTERS = {"benchmark": benchmark_items, "images_masks": images_masks_items, "casia": casia_items,
            "findit": findit_items}


def detect_layout(folder: Folder) -> str:
    """Which adapter reads this folder."""
    paths = folder.list_paths()
    if "labels.csv" in paths:
        return "benchmark"
    if any(f"{split}.txt" in paths for split in FINDIT_SPLITS) and any(p.startswith("test/") for p in paths):
        return "findit"
    tops = {p.split("/")[0] for p in paths}
    if any("Au" in p.split("/")[:-1] for p in paths) and any("Tp" in p.split("/")[:-1] for p in paths):
        return "casia"
    if {"images", "masks"} <= tops:
        return "images_masks"
    raise UsageError(f"folder {folder.name}: unknown dataset layout (expected labels.csv, images/ + masks/, "
                     "CASIA's Au/ and Tp/, or Find it again!'s train.txt/test.txt)")


def dataset_items(folder: Folder, layout: str = "auto") -> list[BenchmarkItem]:
    """The items of a dataset folder, by the given layout or the detected one."""
    layout = detect_layout(folder) if layout == "auto" else layout
    if layout not in ADAPTERS:
        raise UsageError(f"unknown dataset layout '{layout}' (known: auto, {', '.join(ADAPTERS)})")
    return list(ADAPTERS[layout](folder))
