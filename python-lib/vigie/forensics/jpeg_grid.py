"""JPEG block-grid phase of a page and of each word: pasted text carries its donor's 8 x 8 grid.

A JPEG save quantises 8 x 8 blocks independently, so on flat paper the step between two neighbouring pixels is
larger across a block boundary than inside a block. The boundary columns (and rows) sit at one phase modulo 8.
A page that was scanned, saved, edited and saved again keeps the blocking of its first save at one phase
everywhere; a word pasted from another document's JPEG brings blocking at the donor's phase, unrelated to the
page's (and a rescaled patch has none at all). Pixel steps are measured on paper pixels only (strokes would
swamp them), per phase, for the whole page and for each word's box, and compared.

This reads decoded pixels rather than DCT coefficients on purpose: a page saved once as JPEG and then as PNG (or
rescaled) has no coefficients left to read, but its pixels still show the first save's grid.
"""

from __future__ import annotations

import numpy as np

GRID = 8
GRID_FEATURES = ("grid_h_page_phase", "grid_h_best", "grid_h_corr", "grid_v_page_phase", "grid_v_best",
                 "grid_v_corr", "grid_h_page_strength", "grid_v_page_strength")


def step_maps(gray: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """|horizontal| and |vertical| steps between neighbouring pixels, with masks of pairs lying on paper.

    dx[y, x] is the step between columns x and x+1 (boundary phase (x+1) mod 8); dy likewise for rows.
    """
    dx = np.abs(np.diff(gray, axis=1))
    dy = np.abs(np.diff(gray, axis=0))
    mx = paper[:, 1:] & paper[:, :-1]
    my = paper[1:, :] & paper[:-1, :]
    return np.minimum(dx, 12.0), mx, np.minimum(dy, 12.0), my


def _profile(steps: np.ndarray, mask: np.ndarray, offset: int, axis: int) -> np.ndarray:
    """Mean step per boundary phase (8 values, normalised to mean 1; NaN where no paper), `offset` = the
    coordinate of the region's first step along `axis`."""
    n = steps.shape[axis]
    phase = (np.arange(n) + offset + 1) % GRID
    s = (steps * mask).sum(axis=1 - axis)
    c = mask.sum(axis=1 - axis).astype(np.float64)
    sums = np.bincount(phase, weights=s, minlength=GRID)
    counts = np.bincount(phase, weights=c, minlength=GRID)
    if counts.min() < 8:
        return np.full(GRID, np.nan)
    means = sums / counts
    return means / max(float(means.mean()), 1e-6)


def page_profiles(gray: np.ndarray, paper: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page's horizontal and vertical blocking profiles."""
    dx, mx, dy, my = step_maps(gray, paper)
    return _profile(dx, mx, 0, 1), _profile(dy.T, my.T, 0, 1)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if np.isnan(a).any() or np.isnan(b).any():
        return np.nan
    a, b = a - a.mean(), b - b.mean()
    d = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / d) if d > 1e-9 else 0.0


def word_grid_features(gray: np.ndarray, paper: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Per word box (M x 4): blocking at the page's strongest phase, the word's own strongest blocking and the
    correlation of its profile with the page's, horizontally and vertically, plus the page's grid strength."""
    h, w = gray.shape
    page_h, page_v = page_profiles(gray, paper)
    ph = int(np.nanargmax(page_h)) if not np.isnan(page_h).all() else 0
    pv = int(np.nanargmax(page_v)) if not np.isnan(page_v).all() else 0
    out = np.full((len(words), len(GRID_FEATURES)), np.nan, np.float32)
    out[:, 6] = float(np.nanmax(page_h)) if not np.isnan(page_h).all() else np.nan
    out[:, 7] = float(np.nanmax(page_v)) if not np.isnan(page_v).all() else np.nan
    for i, (x0, y0, x1, y1) in enumerate(words):
        x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
        if x1 - x0 < 2 * GRID or y1 - y0 < 2 * GRID:
            continue
        g = gray[y0:y1, x0:x1]
        p = paper[y0:y1, x0:x1]
        dx, mx, dy, my = step_maps(g, p)
        prof_h = _profile(dx, mx, x0, 1)
        prof_v = _profile(dy.T, my.T, y0, 1)
        if not np.isnan(prof_h).any():
            out[i, 0], out[i, 1], out[i, 2] = prof_h[ph], prof_h.max(), _corr(prof_h, page_h)
        if not np.isnan(prof_v).any():
            out[i, 3], out[i, 4], out[i, 5] = prof_v[pv], prof_v.max(), _corr(prof_v, page_v)
    return out
