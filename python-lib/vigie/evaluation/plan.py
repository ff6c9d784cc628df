"""The experiment plan: every detector on every dataset, one metric protocol, results cached per detector version.

For each (detector, dataset) pair, every page is scored once and its output cached under the detector's name and
version and the image's content hash, so a re-run only computes what changed. Thresholds are fixed on the
calibration split and applied unchanged to the test split: the image threshold allows at most `max_fpr` false
alerts on calibration's authentic pages; the pixel threshold maximises pooled F1 on calibration's forged pages.
The per-image best F1 is reported as `oracle_pixel_f1`, an upper bound.

`run_plan` returns the leaderboard rows and, per (detector, dataset), the scored pages in a compact form (score,
labels, status, a downscaled heatmap, the thresholds fixed on calibration), so a report draws ROC curves and
overlays without scoring anything again. Peers (detectors from outside the plugin registry, e.g. a published
baseline in benchmarks/) are scored on the same pages in the same run and flagged as such.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from PIL import Image

from vigie.core.pages import PageError, load_pages
from vigie.core.results import DetectorResult
from vigie.evaluation import metrics
from vigie.evaluation.cost import CostModel
from vigie.evaluation.datasets import BenchmarkItem, truth_mask
from vigie.forensics.base import Detector
from vigie.runtime.context import Folder

PIXEL_THRESHOLDS = np.linspace(0.05, 0.95, 19)
HEATMAP_LEVELS = 255
SCORED_SPLITS = ("calibration", "test")
THUMBNAIL_SIDE = 360  # longest side of the heatmaps kept for the report, in pixels
DEFAULT_COST = CostModel()


@dataclass
class PageOutput:
    """What a detector said about one page, as cached: score, quantised heatmap (or mask), timing."""

    score: float
    heatmap: Optional[np.ndarray]  # uint8 0..255, page size
    seconds: float
    megapixels: float
    status: str = "ok"
    error: str = ""


def _heatmap_of(result: DetectorResult, shape: tuple[int, int]) -> Optional[np.ndarray]:
    """The detector's localisation as a uint8 map: its heatmap, else its masks (target and source) as 0/255."""
    if result.heatmap is not None:
        return np.clip(np.rint(result.heatmap * HEATMAP_LEVELS), 0, HEATMAP_LEVELS).astype(np.uint8)
    masks = [m for m in (result.mask, result.source_mask) if m is not None]
    if not masks:
        return None
    union = np.zeros(shape, bool)
    for mask in masks:
        union |= mask
    return union.astype(np.uint8) * HEATMAP_LEVELS


def run_detector(detector: Detector, data: bytes, source: str) -> PageOutput:
    """Score the first page of a file; an unreadable file or a detector failure becomes an error output."""
    try:
        page = load_pages(data, source)[0]
        started = time.perf_counter()
        result = detector.detect(page)
        seconds = time.perf_counter() - started
        return PageOutput(float(result.score), _heatmap_of(result, page.image.shape[:2]), seconds, page.megapixels)
    except PageError as exc:
        return PageOutput(0.0, None, 0.0, 0.0, "error", str(exc))
    except Exception as exc:  # a detector bug on one page must not stop the plan
        return PageOutput(0.0, None, 0.0, 0.0, "error", f"{type(exc).__name__}: {exc}")


class OutputCache:
    """Page outputs kept in a folder, keyed by detector name, version and image hash."""

    def __init__(self, folder: Optional[Folder]):
        self.folder = folder
        self._known: Optional[set[str]] = None  # paths in the folder, listed once on first lookup

    @staticmethod
    def key(detector: Detector, data: bytes) -> str:
        return f"{detector.name}/{detector.version}/{hashlib.sha256(data).hexdigest()[:32]}.npz"

    def get(self, key: str) -> Optional[PageOutput]:
        if self.folder is None or key not in self._paths():
            return None
        with np.load(io.BytesIO(self.folder.read_bytes(key)), allow_pickle=False) as saved:
            heatmap = saved["heatmap"] if saved["has_heatmap"] else None
            return PageOutput(float(saved["score"]), heatmap, float(saved["seconds"]), float(saved["megapixels"]),
                              str(saved["status"]), str(saved["error"]))

    def put(self, key: str, output: PageOutput) -> None:
        if self.folder is None:
            return
        buffer = io.BytesIO()
        np.savez_compressed(buffer, score=output.score, seconds=output.seconds, megapixels=output.megapixels,
                            status=output.status, error=output.error, has_heatmap=output.heatmap is not None,
                            heatmap=output.heatmap if output.heatmap is not None else np.zeros((0, 0), np.uint8))
        self.folder.write_bytes(key, buffer.getvalue())
        self._paths().add(key)

    def _paths(self) -> set[str]:
        if self._known is None:
            self._known = set(self.folder.list_paths()) if self.folder is not None else set()
        return self._known


@dataclass
class ScoredItem:
    item: BenchmarkItem
    output: PageOutput
    truth: Optional[np.ndarray] = None  # tampered pixels (target and source), forged pages only

    @property
    def score(self) -> float:
        return self.output.score

    @property
    def status(self) -> str:
        return self.output.status


def score_dataset(detector: Detector, dataset: Folder, items: Iterable[BenchmarkItem], cache: OutputCache,
                  on_item=None) -> list[ScoredItem]:
    """Every item scored (from cache when the detector version and image are unchanged), with its true mask."""
    scored = []
    for item in items:
        data = dataset.read_bytes(item.image)
        key = OutputCache.key(detector, data)
        output = cache.get(key)
        if output is None:
            output = run_detector(detector, data, item.image)
            cache.put(key, output)
        truth = None
        if item.forged and output.heatmap is not None:
            shape = output.heatmap.shape
            truth = truth_mask(dataset, item, shape)
        scored.append(ScoredItem(item, output, truth))
        if on_item:
            on_item(item)
    return scored


def _pixel_threshold(calibration: list[ScoredItem]) -> float:
    """The heatmap level (in [0, 1]) maximising pooled F1 over calibration's forged pages."""
    usable = [s for s in calibration if s.truth is not None and s.truth.any()]
    if not usable:
        return 0.5
    best, best_f1 = 0.5, -1.0
    for level in PIXEL_THRESHOLDS:
        tp = fp = fn = 0
        for s in usable:
            predicted = s.output.heatmap >= level * HEATMAP_LEVELS
            tp += np.count_nonzero(predicted & s.truth)
            fp += np.count_nonzero(predicted & ~s.truth)
            fn += np.count_nonzero(~predicted & s.truth)
        f1 = 2 * tp / max(2 * tp + fp + fn, 1)
        if f1 > best_f1:
            best, best_f1 = float(level), f1
    return best


def judged(pages: list, operation: Optional[str] = None, split: Optional[str] = "test") -> list:
    """The pages a figure is taken on: scored without error, in `split` (None: any), and when `operation` is given,
    authentic pages plus the pages forged by that operation. Works on `ScoredItem`s and `PageRecord`s."""
    return [p for p in pages if p.status == "ok" and (split is None or p.item.split == split)
            and (operation is None or not p.item.forged or p.item.operation == operation)]


def evaluate(scored: list[ScoredItem], max_fpr: float = 0.01, cost: CostModel = DEFAULT_COST,
             operation: Optional[str] = None) -> dict:
    """The protocol's figures on the test split, with thresholds fixed on the calibration split.

    `operation` restricts forged pages to one operation (pages forged otherwise are left out), so a copy-move
    detector is judged on copy-moves against authentic pages.
    """
    errors = sum(s.output.status != "ok" for s in scored)
    ok = judged(scored, operation, split=None)
    calibration = [s for s in ok if s.item.split == "calibration"]
    test = [s for s in ok if s.item.split == "test"]
    image_threshold = metrics.threshold_at_fpr([s.output.score for s in calibration if not s.item.forged], max_fpr)
    pixel_threshold = _pixel_threshold(calibration)
    forged = [s.item.forged for s in test]
    scores = [s.output.score for s in test]
    alerts = [sc >= image_threshold for sc in scores]
    pristine = [s for s in test if not s.item.forged]
    f1s, ious, oracles, fp_areas = [], [], [], []
    for s in test:
        if s.output.heatmap is None:
            continue
        predicted = s.output.heatmap >= pixel_threshold * HEATMAP_LEVELS
        if s.item.forged and s.truth is not None and s.truth.any():
            f1, iou = metrics.pixel_f1_iou(predicted, s.truth)
            f1s.append(f1)
            ious.append(iou)
            oracles.append(metrics.oracle_f1(s.output.heatmap / HEATMAP_LEVELS, s.truth))
        elif not s.item.forged:
            fp_areas.append(metrics.false_positive_area(predicted))
    field_recall = {}
    for kind in sorted({s.item.field for s in test if s.item.forged and s.item.field}):
        hits = [a for s, a in zip(test, alerts) if s.item.forged and s.item.field == kind]
        field_recall[kind] = float(np.mean(hits))
    true_positives = sum(a and f for a, f in zip(alerts, forged))
    timed = [s.output for s in ok if s.output.megapixels > 0]
    mean = lambda values: float(np.mean(values)) if values else float("nan")  # noqa: E731
    return {
        "pages_test": len(test), "forged_test": int(sum(forged)), "errors": int(errors),
        "image_auc": metrics.image_auc(forged, scores), "average_precision": metrics.average_precision(forged, scores),
        "tpr_at_1pct_fpr": metrics.tpr_at_fpr(forged, scores, 0.01),
        "tpr_at_5pct_fpr": metrics.tpr_at_fpr(forged, scores, 0.05),
        "image_threshold": image_threshold, "pixel_threshold": pixel_threshold,
        "false_alerts_per_100_authentic": 100.0 * sum(a for s, a in zip(test, alerts) if not s.item.forged)
        / max(len(pristine), 1),
        "recall_at_threshold": true_positives / max(sum(forged), 1),
        "pixel_f1": mean(f1s), "pixel_iou": mean(ious), "oracle_pixel_f1": mean(oracles),
        "false_positive_area": mean(fp_areas), "field_recall": field_recall,
        "median_seconds_per_page": float(np.median([o.seconds for o in timed])) if timed else float("nan"),
        "seconds_per_megapixel": float(np.median([o.seconds / o.megapixels for o in timed])) if timed
        else float("nan"),
        "net_value_eur": cost.net_value(true_positives, sum(alerts)),
    }


def scored_items(items: Iterable[BenchmarkItem]) -> list[BenchmarkItem]:
    """The items the plan scores: those of the splits its figures use (a train split is left to training)."""
    return [i for i in items if i.split in SCORED_SPLITS]


def thumbnail_shape(shape: tuple[int, int], side: int = THUMBNAIL_SIDE) -> tuple[int, int]:
    """(height, width) of a page scaled so its longest side is at most `side` pixels (never enlarged)."""
    height, width = int(shape[0]), int(shape[1])
    scale = min(1.0, side / max(height, width, 1))
    return max(1, round(height * scale)), max(1, round(width * scale))


def downscale(heatmap: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A uint8 map averaged down to `shape` (height, width)."""
    if heatmap.shape[:2] == tuple(shape):
        return heatmap.copy()
    return np.asarray(Image.fromarray(heatmap).resize((shape[1], shape[0]), Image.BOX))


@dataclass
class PageRecord:
    """What the plan keeps of one scored page for reports: score, labels, status and a downscaled heatmap."""

    item: BenchmarkItem
    score: float
    status: str
    error: str = ""
    page_shape: Optional[tuple[int, int]] = None  # (height, width) of the detector's map, when it gave one
    heatmap: Optional[np.ndarray] = None  # uint8 0..255, longest side <= THUMBNAIL_SIDE

    @classmethod
    def of(cls, scored: ScoredItem, keep_heatmap: bool = True) -> PageRecord:
        heatmap = scored.output.heatmap
        if heatmap is None or not keep_heatmap:
            return cls(scored.item, scored.output.score, scored.output.status, scored.output.error)
        return cls(scored.item, scored.output.score, scored.output.status, scored.output.error,
                   tuple(heatmap.shape[:2]), downscale(heatmap, thumbnail_shape(heatmap.shape)))


@dataclass
class DetectorRun:
    """One detector on one dataset: every page as scored, and the thresholds fixed on calibration per family."""

    detector: str
    version: str
    operations: tuple[str, ...]
    dataset: Folder
    pages: list[PageRecord]
    image_thresholds: dict[str, float] = field(default_factory=dict)  # by forgeries judged: "all" or an operation
    pixel_thresholds: dict[str, float] = field(default_factory=dict)
    peer: bool = False  # a reference detector from outside the plugin registry

    @property
    def dataset_name(self) -> str:
        return self.dataset.name

    def scores(self, operation: Optional[str] = None, ids: Optional[set[str]] = None) -> tuple[list[bool], list[float]]:
        """(forged, score) of the judged test pages, optionally only those whose id is in `ids`."""
        pages = [p for p in judged(self.pages, operation) if ids is None or p.item.id in ids]
        return [p.item.forged for p in pages], [p.score for p in pages]


@dataclass
class PlanResult:
    """The experiment plan's result: leaderboard rows, and the scored pages behind them."""

    rows: list[dict]
    runs: list[DetectorRun]

    @property
    def peers(self) -> list[str]:
        return sorted({r.detector for r in self.runs if r.peer})


def run_plan(detectors: list[Detector], datasets: list[tuple[Folder, list[BenchmarkItem]]], cache: OutputCache,
             max_fpr: float = 0.01, on_item=None, peers: Iterable[Detector] = ()) -> PlanResult:
    """One row of protocol figures per (detector, dataset, operation judged), and the scored pages behind them.

    A detector meant for some operations is judged on each of them against authentic pages, and on all forgeries.
    `peers` are extra detector instances (not registered in the plugin) scored on the same pages the same way;
    their rows carry `peer = True`.
    """
    entries = [(d, False) for d in detectors] + [(d, True) for d in peers]
    rows, runs = [], []
    for dataset, items in datasets:
        items = scored_items(items)
        for detector, peer in entries:
            scored = score_dataset(detector, dataset, items, cache, on_item)
            run = DetectorRun(detector.name, detector.version, tuple(detector.operations), dataset, [], peer=peer)
            for operation in (*detector.operations, None):
                figures = evaluate(scored, max_fpr=max_fpr, operation=operation)
                forgeries = operation or "all"
                run.image_thresholds[forgeries] = figures["image_threshold"]
                run.pixel_thresholds[forgeries] = figures["pixel_threshold"]
                rows.append({"detector": detector.name, "version": detector.version, "dataset": dataset.name,
                             "forgeries": forgeries, "peer": peer, **figures})
            run.pages = [PageRecord.of(s, keep_heatmap=s.item.split == "test") for s in scored]
            runs.append(run)
            del scored  # full-size heatmaps and masks: only the downscaled ones are kept
    return PlanResult(rows, runs)


def leaderboard(detectors: list[Detector], datasets: list[tuple[Folder, list[BenchmarkItem]]], cache: OutputCache,
                max_fpr: float = 0.01, on_item=None, peers: Iterable[Detector] = ()) -> list[dict]:
    """The leaderboard rows of `run_plan` (see there), without the scored pages."""
    return run_plan(detectors, datasets, cache, max_fpr, on_item, peers).rows
