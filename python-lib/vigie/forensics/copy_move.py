"""Copy-move detection on text pages: glyph pairs that share their exact pixels, noise included.

Printed text repeats the same glyphs everywhere, so shape similarity alone means nothing. Two genuine prints of a
"5" are rendered and scanned independently (sub-pixel phase, anti-aliasing, sensor noise differ), while a copied
"5" carries its source's pixels, noise and paper grain with it. The detector pairs same-size ink components,
aligns each pair to a sub-pixel, and measures their masked difference relative to the page's typical difference
between genuine twins; pairs far below it, alone or as a group sharing one offset (a copied word), are copies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import cv2
import numpy as np

from vigie.core.pages import Page
from vigie.core.results import Box, DetectorResult, Evidence
from vigie.forensics.base import Detector

MARGIN = 1  # background pixels kept around a glyph when shortlisting twins
PAD = 3  # window padding for the fine comparison: its ink, halo and paper grain, neighbours masked out
MIN_SIZE, MAX_HEIGHT, MAX_WIDTH, MIN_AREA = 6, 90, 120, 10
SMOOTH = 1.2  # Gaussian sigma applied to a pair's difference before it is measured
FLOOR = 2.0  # squared grey levels added to both differences: identical blank or clipped windows are no evidence
MAX_RATIO = 0.3  # glyph pairs whose difference is below this fraction of the page's typical twin difference
MIN_GLYPHS = 8  # fewer ink components than this: no page statistics, no verdict
RATIO_SCALE = 0.15  # a copy whose best glyph pair has this ratio scores 0.5; MAX_RATIO scores 0
OFFSET_TOLERANCE = 3  # pixels: glyph pairs of one copied word share their offset up to this


@dataclass
class _Copy:
    """Glyph pairs sharing one offset: boxes on each side and the smallest of their difference ratios."""

    offset: tuple[int, int]  # dx, dy from source to target
    sources: list[Box]
    targets: list[Box]
    ratio: float

    @property
    def score(self) -> float:
        return float(np.clip(1.0 - self.ratio / (2.0 * RATIO_SCALE), 0.0, 1.0))


def _gray(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32).mean(axis=2) if image.ndim == 3 else image.astype(np.float32)


def _components(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label image and stats (x, y, w, h, area, label) of glyph-sized ink components away from the border."""
    _, ink = cv2.threshold(np.clip(gray, 0, 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = np.hstack([stats, np.arange(len(stats))[:, None]])[1:]
    h, w = gray.shape
    pad = MARGIN + 3
    x, y, cw, ch, area = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3], stats[:, 4]
    keep = ((ch >= MIN_SIZE) & (cw >= 2) & (ch <= MAX_HEIGHT) & (cw <= MAX_WIDTH) & (area >= MIN_AREA)
            & (x >= pad) & (y >= pad) & (x + cw <= w - pad) & (y + ch <= h - pad))
    return labels, stats[keep]


def _crop(gray: np.ndarray, s: np.ndarray, h: int, w: int, dy: int = 0, dx: int = 0) -> np.ndarray:
    y0 = int(s[1] + s[3] // 2 + dy - h // 2)
    x0 = int(s[0] + s[2] // 2 + dx - w // 2)
    return gray[y0:y0 + h, x0:x0 + w]


def _twins(gray: np.ndarray, stats: np.ndarray) -> np.ndarray:
    """Per glyph, its two closest same-size glyphs elsewhere on the page in raw pixels (-1 where none)."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, s in enumerate(stats):
        groups[(int(s[3]), int(s[2]))].append(i)
    best = np.full((len(stats), 2), np.inf)
    twin = np.full((len(stats), 2), -1)
    for (h, w), idx in groups.items():
        for dh, dw in ((0, 0), (0, 1), (1, 0), (1, 1), (1, -1)):
            other = groups.get((h + dh, w + dw))
            if other:
                dist = _block_distances(gray, stats, idx, other, min(h, h + dh), min(w, w + dw))
                _keep_two(best, twin, np.array(idx), np.array(other), dist)
                if (dh, dw) != (0, 0):
                    _keep_two(best, twin, np.array(other), np.array(idx), dist.T)
    return twin


def _block_distances(gray: np.ndarray, stats: np.ndarray, idx: list[int], other: list[int],
                     h: int, w: int) -> np.ndarray:
    """Mean squared difference of glyph windows (ink plus margin), best of the 3 x 3 integer shifts."""
    hh, ww = h + 2 * MARGIN, w + 2 * MARGIN
    a = np.stack([_crop(gray, stats[i], hh, ww) for i in idx]).reshape(len(idx), -1)
    a2 = (a * a).sum(axis=1)
    dist = np.full((len(idx), len(other)), np.inf, dtype=np.float32)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            b = np.stack([_crop(gray, stats[j], hh, ww, dy, dx) for j in other]).reshape(len(other), -1)
            dist = np.minimum(dist, a2[:, None] + (b * b).sum(axis=1)[None] - 2.0 * a @ b.T)
    ii, jj = np.array(idx), np.array(other)
    near = ((np.abs(stats[ii, 0][:, None] - stats[jj, 0][None]) <= 2 * MARGIN)
            & (np.abs(stats[ii, 1][:, None] - stats[jj, 1][None]) <= 2 * MARGIN))
    dist[near] = np.inf
    return np.maximum(dist, 0.0) / a.shape[1]


def _keep_two(best: np.ndarray, twin: np.ndarray, rows: np.ndarray, cols: np.ndarray, dist: np.ndarray) -> None:
    """Merge a block of distances into each row glyph's two smallest (in place)."""
    for r, row in zip(rows, dist):
        for k in np.argsort(row)[:2]:
            value = float(row[k])
            if not np.isfinite(value):
                continue
            if value < best[r, 0]:
                best[r, 1], twin[r, 1] = best[r, 0], twin[r, 0]
                best[r, 0], twin[r, 0] = value, cols[k]
            elif value < best[r, 1]:
                best[r, 1], twin[r, 1] = value, cols[k]


def _window(gray: np.ndarray, y: float, x: float, h: int, w: int) -> np.ndarray:
    m = np.float32([[1, 0, x], [0, 1, y]])
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


def _region(labels: np.ndarray, label: int, y: int, x: int, h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """A glyph's own pixels grown by PAD, and the pixels near other ink, in a window of the label image."""
    lab = labels[y:y + h, x:x + w]
    kernel = np.ones((2 * PAD + 1, 2 * PAD + 1), np.uint8)
    own = cv2.dilate((lab == label).astype(np.uint8), kernel).astype(bool)
    other = cv2.dilate(((lab != label) & (lab != 0)).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    return own, other


def _aligned_difference(gray: np.ndarray, labels: np.ndarray, si: np.ndarray, sj: np.ndarray) -> float:
    """Mean squared low-passed difference of two glyphs over their ink and near paper, neighbours masked, aligned to
    a sub-pixel (best integer shift, then Lucas-Kanade steps). Both are resampled half-way so interpolation smooths
    their noise alike; the low-pass drops the JPEG error, which differs between a copy and its source, and keeps
    the scanner grain, which they share."""
    h, w = int(max(si[3], sj[3])) + 2 * PAD, int(max(si[2], sj[2])) + 2 * PAD
    yi, xi = int(si[1] + si[3] // 2 - h // 2), int(si[0] + si[2] // 2 - w // 2)
    yj, xj = int(sj[1] + sj[3] // 2 - h // 2), int(sj[0] + sj[2] // 2 - w // 2)
    if min(yi, xi, yj, xj) < 1 or max(yi, yj) + h + 1 >= gray.shape[0] or max(xi, xj) + w + 1 >= gray.shape[1]:
        return np.inf
    own_i, other_i = _region(labels, int(si[5]), yi, xi, h, w)
    own_j, other_j = _region(labels, int(sj[5]), yj, xj, h, w)
    region = (own_i | own_j) & ~other_i & ~other_j
    if region.sum() < MIN_AREA:
        return np.inf
    a = gray[yi:yi + h, xi:xi + w]
    shifts = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
    errors = [float(((a - gray[yj + dy:yj + dy + h, xj + dx:xj + dx + w])[region] ** 2).mean()) for dy, dx in shifts]
    oy, ox = float(yj - yi + shifts[int(np.argmin(errors))][0]), float(xj - xi + shifts[int(np.argmin(errors))][1])
    for _ in range(3):
        b = _window(gray, yi + oy, xi + ox, h, w)
        gy, gx = np.gradient(b)
        gy, gx, r = gy[region], gx[region], (a - b)[region]
        hessian = np.array([[gx @ gx, gx @ gy], [gx @ gy, gy @ gy]]) + 1e-3 * np.eye(2)
        step = np.clip(np.linalg.solve(hessian, np.array([gx @ r, gy @ r])), -0.5, 0.5)
        ox, oy = ox + step[0], oy + step[1]
    fy, fx = (oy - np.floor(oy)) / 2.0, (ox - np.floor(ox)) / 2.0
    diff = _window(gray, yi - fy, xi - fx, h, w) - _window(gray, yi + oy - fy, xi + ox - fx, h, w)
    return float((cv2.GaussianBlur(diff, (0, 0), SMOOTH)[region] ** 2).mean())


def _copies(gray: np.ndarray, labels: np.ndarray, stats: np.ndarray) -> list[_Copy]:
    """Glyph pairs far more alike than the page's typical closest genuine twins, grouped by their offset."""
    twins = _twins(gray, stats)
    pairs = {(min(i, int(j)), max(i, int(j))) for i in range(len(stats)) for j in twins[i] if j >= 0}
    differences = {p: _aligned_difference(gray, labels, stats[p[0]], stats[p[1]]) for p in pairs}
    best = np.full(len(stats), np.inf)
    for (i, j), d in differences.items():
        best[i], best[j] = min(best[i], d), min(best[j], d)
    if not np.isfinite(best).any():
        return []
    reference = float(np.median(best[np.isfinite(best)]))
    found: dict[tuple[int, int], _Copy] = {}
    used: set[int] = set()
    for (i, j), d in sorted(differences.items(), key=lambda item: item[1]):
        ratio = (d + FLOOR) / (reference + FLOOR)
        if ratio >= MAX_RATIO or i in used or j in used:
            continue
        used |= {i, j}
        # the later of the two in reading order is taken as the target; evidence says it is ambiguous
        src, dst = (i, j) if (stats[i, 1], stats[i, 0]) < (stats[j, 1], stats[j, 0]) else (j, i)
        offset = (int(stats[dst, 0] - stats[src, 0]), int(stats[dst, 1] - stats[src, 1]))
        key = next((k for k in found if abs(k[0] - offset[0]) <= OFFSET_TOLERANCE
                    and abs(k[1] - offset[1]) <= OFFSET_TOLERANCE), offset)
        copy = found.setdefault(key, _Copy(key, [], [], 1.0))
        copy.sources.append(_box(stats[src]))
        copy.targets.append(_box(stats[dst]))
        copy.ratio = min(copy.ratio, ratio)
    return sorted(found.values(), key=lambda c: c.ratio)


def _box(s: np.ndarray) -> Box:
    return (int(s[0]) - PAD, int(s[1]) - PAD, int(s[0] + s[2]) + PAD, int(s[1] + s[3]) + PAD)


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


class CopyMoveDetector(Detector):
    """Finds glyphs or words duplicated pixel for pixel inside a page, ignoring the genuine repetition of glyphs."""

    name = "copy_move"
    version = "1"
    operations = ("copy_move",)
    description = ("Pairs same-size glyphs and flags those far more alike than any genuine reprint of the same "
                   "character: a copy carries its source's noise and paper grain.")

    def __init__(self, alert: float = 0.5):
        self.alert = alert  # copies scoring at least this get evidence and masks

    def detect(self, page: Page) -> DetectorResult:
        """Score the page by its strongest copy; mask and report every copy above the alert level."""
        gray = _gray(page.image)
        shape = gray.shape
        mask, source_mask = np.zeros(shape, bool), np.zeros(shape, bool)
        heatmap = np.zeros(shape, np.float32)
        labels, stats = _components(gray)
        if len(stats) < MIN_GLYPHS:
            return DetectorResult(0.0, heatmap, mask, source_mask, [])
        copies = _copies(gray, labels, stats)
        evidence = []
        for copy in copies:
            for b in copy.sources + copy.targets:
                heatmap[b[1]:b[3], b[0]:b[2]] = np.maximum(heatmap[b[1]:b[3], b[0]:b[2]], copy.score)
            if copy.score < self.alert:
                continue
            for b in copy.targets:
                mask[b[1]:b[3], b[0]:b[2]] = True
            for b in copy.sources:
                source_mask[b[1]:b[3], b[0]:b[2]] = True
            box, source_box = _union(copy.targets), _union(copy.sources)
            evidence.append(Evidence(
                kind="copy_move", box=box, source_box=source_box, score=copy.score,
                message=(f"Region at ({box[0]},{box[1]})-({box[2]},{box[3]}) duplicates the pixels of "
                         f"({source_box[0]},{source_box[1]})-({source_box[2]},{source_box[3]}) "
                         f"({len(copy.targets)} glyph(s)); either side may be the copy.")))
        score = copies[0].score if copies else 0.0
        return DetectorResult(score, heatmap, mask, source_mask, evidence)
