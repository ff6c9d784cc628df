"""Noise comparison of two look-alike glyphs: how much of their difference is left once their shapes are aligned.

Two genuine prints of a character share their shape but not their scan grain, paper texture and JPEG history; a
copy shares all of them with its source. The pair is aligned to a sub-pixel (best integer shift, then Lucas-Kanade
steps; both windows are resampled half-way so interpolation smooths them alike) and their difference is low-passed
(the grain is coarse while later JPEG re-saves mostly add fine error) and weighted towards flat pixels (paper, ink
interiors), where the shape's edges cannot leave residue. The worst-matching 15 % of pixels are dropped, since the
window may reach beyond the pasted rectangle. The result is a mean squared residual and the (weighted) number of
pixels behind it, from which the detector judges how unlikely the residual is for two genuine prints.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

PAD = 3  # window padding around the larger glyph box
CORE = 2  # pixels of the padding that are compared (the outer ones only serve the alignment and filters)
SMOOTH = 1.0  # Gaussian sigma applied to the difference
EDGE = 100.0  # squared gradient at which a pixel's weight halves
TRIM = 0.85  # quantile of squared residuals kept


@dataclass(frozen=True)
class PairMatch:
    """A compared pair: residual energy, evidence size (weighted pixels) and the sub-pixel offset from i to j."""

    residual: float
    weight: float
    dx: float
    dy: float


def _gradient(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences (one-sided at the border), rows then columns."""
    gy, gx = np.empty_like(image), np.empty_like(image)
    gy[1:-1] = (image[2:] - image[:-2]) * 0.5
    gy[0], gy[-1] = image[1] - image[0], image[-1] - image[-2]
    gx[:, 1:-1] = (image[:, 2:] - image[:, :-2]) * 0.5
    gx[:, 0], gx[:, -1] = image[:, 1] - image[:, 0], image[:, -1] - image[:, -2]
    return gy, gx


def _window(gray: np.ndarray, y: float, x: float, h: int, w: int) -> np.ndarray:
    m = np.float32([[1, 0, x], [0, 1, y]])
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)


def _integer_shift(a: np.ndarray, gray: np.ndarray, yj: int, xj: int, h: int, w: int) -> tuple[int, int]:
    """The (dy, dx) in -1..1 that best lays glyph j's window onto a (inner part only)."""
    inner = (slice(PAD, h - PAD), slice(PAD, w - PAD))
    best, shift = np.inf, (0, 0)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            d = a[inner] - gray[yj + dy + PAD:yj + dy + h - PAD, xj + dx + PAD:xj + dx + w - PAD]
            err = float(np.einsum('ij,ij->', d, d))
            if err < best:
                best, shift = err, (dy, dx)
    return shift


def _refine(a: np.ndarray, gray: np.ndarray, yi: int, xi: int, oy: float, ox: float, h: int, w: int,
            core: tuple[slice, slice]) -> tuple[float, float]:
    """Two Lucas-Kanade steps on the offset (oy, ox) from window i to window j."""
    for _ in range(2):
        b = _window(gray, yi + oy, xi + ox, h, w)
        gy, gx = _gradient(b)
        gy, gx, r = gy[core].ravel(), gx[core].ravel(), (a - b)[core].ravel()
        hessian = np.array([[gx @ gx, gx @ gy], [gx @ gy, gy @ gy]]) + 1e-3 * np.eye(2)
        step = np.clip(np.linalg.solve(hessian, np.array([gx @ r, gy @ r])), -0.6, 0.6)
        ox, oy = ox + float(step[0]), oy + float(step[1])
    return oy, ox


def compare(gray: np.ndarray, si: np.ndarray, sj: np.ndarray) -> PairMatch | None:
    """Residual of glyph j laid onto glyph i (stats rows x, y, w, h, ...); None when a window leaves the page."""
    h, w = int(max(si[3], sj[3])) + 2 * PAD, int(max(si[2], sj[2])) + 2 * PAD
    yi, xi = int(si[1] + si[3] // 2 - h // 2), int(si[0] + si[2] // 2 - w // 2)
    yj, xj = int(sj[1] + sj[3] // 2 - h // 2), int(sj[0] + sj[2] // 2 - w // 2)
    if min(yi, xi, yj, xj) < 2 or max(yi, yj) + h + 2 >= gray.shape[0] or max(xi, xj) + w + 2 >= gray.shape[1]:
        return None
    a = gray[yi:yi + h, xi:xi + w]
    dy, dx = _integer_shift(a, gray, yj, xj, h, w)
    core = (slice(PAD - CORE, h - PAD + CORE), slice(PAD - CORE, w - PAD + CORE))
    oy, ox = _refine(a, gray, yi, xi, float(yj + dy - yi), float(xj + dx - xi), h, w, core)
    fy, fx = (oy - round(oy)) / 2.0, (ox - round(ox)) / 2.0
    a = _window(gray, yi - fy, xi - fx, h, w)
    b = _window(gray, yi + oy - fy, xi + ox - fx, h, w)
    diff = cv2.GaussianBlur(a - b, (0, 0), SMOOTH)
    gy, gx = _gradient(cv2.GaussianBlur(a + b, (0, 0), 0.7) * 0.5)
    weight = (1.0 / (1.0 + (gx * gx + gy * gy) / EDGE))[core].ravel()
    energy = (diff[core] ** 2).ravel()
    keep = energy <= np.partition(energy, int(TRIM * (len(energy) - 1)))[int(TRIM * (len(energy) - 1))]
    total = float(weight[keep].sum())
    return PairMatch(float((energy[keep] * weight[keep]).sum() / total), total, ox, oy)
