"""The metric protocol of DESIGN.md, fixed once for every detector and dataset.

Image level: AUC, average precision, TPR at a given FPR. Pixel level, on forged pages: F1 and IoU at a threshold
fixed on a calibration split (the per-image best F1 is an upper bound, reported as such), and the false-positive
area on pristine pages, where pixel F1 is undefined.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve


def image_auc(forged: Sequence[bool], scores: Sequence[float]) -> float:
    """ROC AUC of page scores; NaN when only one class is present."""
    forged = np.asarray(forged, bool)
    if forged.all() or not forged.any():
        return float("nan")
    return float(roc_auc_score(forged, np.asarray(scores, float)))


def average_precision(forged: Sequence[bool], scores: Sequence[float]) -> float:
    forged = np.asarray(forged, bool)
    if not forged.any():
        return float("nan")
    return float(average_precision_score(forged, np.asarray(scores, float)))


def tpr_at_fpr(forged: Sequence[bool], scores: Sequence[float], max_fpr: float) -> float:
    """The highest true-positive rate reachable without exceeding `max_fpr` false positives."""
    forged = np.asarray(forged, bool)
    if forged.all() or not forged.any():
        return float("nan")
    fpr, tpr, _ = roc_curve(forged, np.asarray(scores, float))
    return float(tpr[fpr <= max_fpr + 1e-12].max())


def threshold_at_fpr(pristine_scores: Sequence[float], max_fpr: float) -> float:
    """The lowest decision threshold (score >= t is an alert) that flags at most `max_fpr` of pristine pages."""
    scores = np.sort(np.asarray(pristine_scores, float))[::-1]
    if scores.size == 0:
        return 0.5
    allowed = int(np.floor(max_fpr * scores.size + 1e-9))
    return float(np.nextafter(scores[allowed], np.inf)) if allowed < scores.size else float(scores[-1])


def pixel_f1_iou(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """F1 and IoU of a predicted mask against the true mask of a forged page (both empty: undefined, NaN)."""
    predicted, truth = np.asarray(predicted, bool), np.asarray(truth, bool)
    if predicted.shape != truth.shape:
        raise ValueError(f"mask shapes differ: {predicted.shape} vs {truth.shape}")
    tp = np.count_nonzero(predicted & truth)
    fp = np.count_nonzero(predicted & ~truth)
    fn = np.count_nonzero(~predicted & truth)
    if tp + fp + fn == 0:
        return float("nan"), float("nan")
    return 2 * tp / (2 * tp + fp + fn), tp / (tp + fp + fn)


def oracle_f1(heatmap: np.ndarray, truth: np.ndarray, steps: int = 50) -> float:
    """The best F1 over thresholds chosen for this one image: an upper bound, never a headline figure."""
    levels = np.linspace(0.0, 1.0, steps, endpoint=False)[1:]
    return float(np.nanmax([pixel_f1_iou(heatmap >= t, truth)[0] for t in levels]))


def false_positive_area(predicted: np.ndarray) -> float:
    """Share of a pristine page flagged as tampered."""
    return float(np.count_nonzero(predicted)) / max(np.asarray(predicted).size, 1)
