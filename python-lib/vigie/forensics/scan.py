"""Run one forgery detector over a folder of page files: one row per page, heatmap and mask PNGs, errors as rows.

Every file yields at least one row: a multi-page TIFF or PDF one row per page, a file that cannot be read one row
with status `error` and the reason, so a batch never stops on a bad page.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Optional

import numpy as np
from PIL import Image

from vigie.core.page_files import document_id
from vigie.core.pages import PageError, load_pages
from vigie.core.results import DetectorResult
from vigie.forensics.base import Detector
from vigie.runtime.context import Folder

RESULT_COLUMNS = {
    "document_id": "string", "file": "string", "page": "bigint", "detector": "string", "detector_version": "string",
    "score": "double", "threshold": "double", "decision": "boolean", "evidence": "string", "n_evidence": "bigint",
    "heatmap": "string", "mask": "string", "source_mask": "string", "width": "bigint", "height": "bigint",
    "seconds": "double", "status": "string", "error": "string",
}
RESULT_SCHEMA = [{"name": name, "type": kind} for name, kind in RESULT_COLUMNS.items()]


@dataclass(frozen=True)
class MapWriter:
    """Where a page's heatmap and masks go: `<document id>/page-<n>-<kind>.png` in a folder, or nowhere."""

    folder: Optional[Folder]

    def write(self, document_id: str, page: int, kind: str, array: Optional[np.ndarray]) -> str:
        if self.folder is None or array is None:
            return ""
        if array.dtype == bool:
            pixels = array.astype(np.uint8) * 255
        else:
            pixels = np.clip(np.rint(array * 255.0), 0, 255).astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels, mode="L").save(buffer, format="PNG", optimize=False)
        path = f"{document_id}/page-{page}-{kind}.png"
        self.folder.write_bytes(path, buffer.getvalue())
        return path


def _row(detector: Detector, path: str, page: int, threshold: float, **values) -> dict:
    row = {"document_id": document_id(path), "file": path, "page": page, "detector": detector.name,
           "detector_version": detector.version, "score": None, "threshold": threshold, "decision": None,
           "evidence": "[]", "n_evidence": 0, "heatmap": "", "mask": "", "source_mask": "", "width": None,
           "height": None, "seconds": None, "status": "ok", "error": ""}
    row.update(values)
    return row


def _result_row(detector: Detector, path: str, page_number: int, threshold: float, result: DetectorResult,
                seconds: float, shape: tuple[int, int], maps: MapWriter) -> dict:
    doc = document_id(path)
    return _row(detector, path, page_number, threshold, score=float(result.score),
                decision=bool(result.score >= threshold),
                evidence=json.dumps([e.to_json() for e in result.evidence], ensure_ascii=False),
                n_evidence=len(result.evidence), width=shape[1], height=shape[0], seconds=round(seconds, 4),
                heatmap=maps.write(doc, page_number, "heatmap", result.heatmap),
                mask=maps.write(doc, page_number, "mask", result.mask),
                source_mask=maps.write(doc, page_number, "source", result.source_mask))


def scan_file(detector: Detector, folder: Folder, path: str, threshold: float, maps: MapWriter) -> Iterator[dict]:
    """Rows for every page of one file; an unreadable file or a failing page becomes an error row."""
    try:
        pages = load_pages(folder.read_bytes(path), path)
    except PageError as exc:
        yield _row(detector, path, 0, threshold, status="error", error=str(exc))
        return
    except Exception as exc:  # a decoder crash on one file must not stop the batch
        yield _row(detector, path, 0, threshold, status="error",
                   error=f"{path}: cannot read ({type(exc).__name__}: {exc})")
        return
    for page in pages:
        try:
            started = time.perf_counter()
            result = detector.detect(page)
            seconds = time.perf_counter() - started
            yield _result_row(detector, path, page.page_number, threshold, result, seconds, page.image.shape[:2], maps)
        except Exception as exc:  # a detector failure on one page is that page's error
            yield _row(detector, path, page.page_number, threshold, status="error",
                       error=f"{detector.name} failed: {type(exc).__name__}: {exc}")


def scan_folder(detector: Detector, folder: Folder, paths: list[str], threshold: float, maps: MapWriter,
                on_file: Optional[Callable[[str], None]] = None) -> list[dict]:
    """Rows for every page of every file, in file order."""
    rows: list[dict] = []
    for path in paths:
        rows.extend(scan_file(detector, folder, path, threshold, maps))
        if on_file:
            on_file(path)
    return rows
