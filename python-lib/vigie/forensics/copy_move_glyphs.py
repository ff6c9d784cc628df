"""Glyph candidates for copy-move detection: ink components of a text page and, for each, its closest look-alikes.

A copied character or word lands somewhere else on the page as ink components of the same size and shape as their
source. This module finds the glyph-sized components and shortlists, for each one, the few same-size components
whose pixels are closest (best of the 3 x 3 integer shifts), so the expensive noise comparison only runs on a few
pairs per glyph. Pairs are searched inside size groups with matrix products, so a page costs a fraction of a second.
"""

from __future__ import annotations

from collections import defaultdict

import cv2
import numpy as np

MIN_HEIGHT, MAX_HEIGHT, MIN_WIDTH, MAX_WIDTH, MIN_AREA = 6, 90, 2, 120, 10
BORDER = 8  # components closer than this to the page edge are left out (their comparison windows would not fit)
WINDOW_MARGIN = 1  # background pixels kept around a glyph when shortlisting
NEIGHBOURS = 2  # look-alikes kept per glyph

Stats = np.ndarray  # rows of (x, y, w, h, area, label)


def gray_of(image: np.ndarray) -> np.ndarray:
    """Luma (float32) of an RGB page, the channel JPEG quantises most finely."""
    if image.ndim == 2:
        return image.astype(np.float32)
    rgb = image.astype(np.float32)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def glyph_components(gray: np.ndarray) -> Stats:
    """Stats (x, y, w, h, area, label) of the glyph-sized ink components away from the page border (Otsu ink)."""
    _, ink = cv2.threshold(np.clip(gray, 0, 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = np.hstack([stats, np.arange(len(stats))[:, None]])[1:]
    h, w = gray.shape
    x, y, cw, ch, area = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3], stats[:, 4]
    keep = ((ch >= MIN_HEIGHT) & (ch <= MAX_HEIGHT) & (cw >= MIN_WIDTH) & (cw <= MAX_WIDTH) & (area >= MIN_AREA)
            & (x >= BORDER) & (y >= BORDER) & (x + cw <= w - BORDER) & (y + ch <= h - BORDER))
    return stats[keep]


def _windows(gray: np.ndarray, stats: Stats, idx: np.ndarray, h: int, w: int, dy: int = 0, dx: int = 0) -> np.ndarray:
    """Centred h x w windows of the listed glyphs, shifted by (dy, dx), as rows (one fancy-indexing read)."""
    s = stats[idx]
    y0 = s[:, 1] + s[:, 3] // 2 + dy - h // 2
    x0 = s[:, 0] + s[:, 2] // 2 + dx - w // 2
    rows = y0[:, None, None] + np.arange(h)[None, :, None]
    cols = x0[:, None, None] + np.arange(w)[None, None, :]
    return gray[rows, cols].reshape(len(idx), -1)


def _distances(gray: np.ndarray, stats: Stats, idx: np.ndarray, other: np.ndarray, h: int, w: int) -> np.ndarray:
    """Mean squared difference of glyph windows (ink plus margin), best of the 3 x 3 integer shifts."""
    hh, ww = h + 2 * WINDOW_MARGIN, w + 2 * WINDOW_MARGIN
    a = _windows(gray, stats, idx, hh, ww)
    a2 = (a * a).sum(axis=1)
    dist = np.full((len(idx), len(other)), np.inf, dtype=np.float32)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            b = _windows(gray, stats, other, hh, ww, dy, dx)
            dist = np.minimum(dist, a2[:, None] + (b * b).sum(axis=1)[None] - 2.0 * a @ b.T)
    dist = np.maximum(dist, 0.0) / a.shape[1]
    dist[idx[:, None] == other[None, :]] = np.inf
    return dist


def look_alikes(gray: np.ndarray, stats: Stats) -> list[tuple[int, int]]:
    """Candidate pairs (i < j) of same-size glyphs: each glyph with its NEIGHBOURS closest look-alikes."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, s in enumerate(stats):
        groups[(int(s[3]), int(s[2]))].append(i)
    best = np.full((len(stats), NEIGHBOURS), np.inf)
    twin = np.full((len(stats), NEIGHBOURS), -1)
    for (h, w), members in groups.items():
        idx = np.array(members)
        for dh, dw in ((0, 0), (0, 1), (1, 0), (1, 1), (1, -1)):
            if (h + dh, w + dw) not in groups:
                continue
            other = np.array(groups[(h + dh, w + dw)])
            dist = _distances(gray, stats, idx, other, min(h, h + dh), min(w, w + dw))
            _keep_nearest(best, twin, idx, other, dist)
            if (dh, dw) != (0, 0):
                _keep_nearest(best, twin, other, idx, dist.T)
    pairs = {(int(min(i, j)), int(max(i, j))) for i, row in enumerate(twin) for j in row if j >= 0}
    return sorted(pairs)


def _keep_nearest(best: np.ndarray, twin: np.ndarray, rows: np.ndarray, cols: np.ndarray, dist: np.ndarray) -> None:
    """Merge a block of distances into each row glyph's NEIGHBOURS nearest (in place)."""
    k = min(NEIGHBOURS, dist.shape[1])
    nearest = np.argsort(dist, axis=1)[:, :k]
    values = np.take_along_axis(dist, nearest, axis=1)
    merged_d = np.concatenate([best[rows], values], axis=1)
    merged_t = np.concatenate([twin[rows], cols[nearest]], axis=1)
    merged_d[~np.isfinite(merged_d)] = np.inf
    order = np.argsort(merged_d, axis=1)[:, :NEIGHBOURS]
    best[rows] = np.take_along_axis(merged_d, order, axis=1)
    chosen = np.take_along_axis(merged_t, order, axis=1)
    chosen[~np.isfinite(best[rows])] = -1
    twin[rows] = chosen
