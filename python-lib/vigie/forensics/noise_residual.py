"""Per-pixel trace maps of a scanned text page, summed over any box in constant time.

A spliced word keeps the traces of the scan it was cut from: its sensor noise (level and grain), its blur, its ink
darkness and its paper tint, even when the forger matched the paper and ink levels. These traces are measured per
pixel on the page's paper (bare background away from the strokes), its ink and its stroke edges, and stored as
integral images, so the mean of any trace over any character or word box (or the ring around it) costs four
lookups. Comparing a box with its ring and with the whole page then shows which text does not share the page's
history.

Maps (all float, weighted by a pixel class):
- fine: |g - 3x3 mean of g|, clipped; the white part of the scanner noise (paper pixels).
- band: |Gaussian(1) - Gaussian(2.5)| of g, clipped; the correlated (upsampled) grain of the sensor (paper).
- flat: 1 where the fine residual is almost zero; noise-free paper (born-digital or clipped) (paper).
- chroma: |fine residual| of R-G and B-G; colour noise of a colour scan, absent from a grey one (paper).
- paper, tint_rg, tint_bg: grey level and colour cast of the paper (paper).
- ink: grey level of the strokes (ink pixels).
- edge: gradient magnitude on the stroke border (edge pixels), normalised later by the local contrast.
- core_noise: fine residual inside the strokes (eroded ink): noise survives there when the scanner's background
  removal wiped the paper's grain.
- edge_chroma: colour residual on the stroke border: colour fringes of a colour scan, absent from a grey one.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

CLIP = 12.0  # residuals are clipped here so a stray speck or stroke end does not dominate a box's mean
FLAT = 0.35  # fine residual below this counts as noise-free
PAPER_MAPS = ("fine", "band", "flat", "chroma", "paper", "tint_rg", "tint_bg")
STATS = (*PAPER_MAPS, "ink", "edge", "core_noise", "edge_chroma")
STAT_CLASS = {**{name: "paper" for name in PAPER_MAPS}, "ink": "ink", "edge": "edge", "core_noise": "core",
              "edge_chroma": "edge"}
CLASSES = ("paper", "ink", "edge", "core")
BIN = 2  # maps are summed over 2 x 2 pixel bins before integration: box sums are exact on even coordinates


@dataclass
class TraceMaps:
    """Integral images of every trace (weighted by its pixel class) and of the class weights themselves."""

    sums: dict[str, np.ndarray]  # name -> integral of map * class weight, on BIN x BIN pixel bins
    weights: dict[str, np.ndarray]  # "paper", "ink", "edge" -> integral of the class indicator

    def box_sum(self, table: np.ndarray, boxes: np.ndarray) -> np.ndarray:
        """Sum of an integral table over N boxes (x0, y0, x1, y1) in page pixels, rounded to bins, clipped."""
        h, w = table.shape[0] - 1, table.shape[1] - 1
        boxes = np.rint(boxes / BIN).astype(np.int64)
        x0 = np.clip(boxes[:, 0], 0, w)
        y0 = np.clip(boxes[:, 1], 0, h)
        x1 = np.clip(boxes[:, 2], 0, w)
        y1 = np.clip(boxes[:, 3], 0, h)
        return table[y1, x1] - table[y0, x1] - table[y1, x0] + table[y0, x0]

    def stats(self, boxes: np.ndarray, minus: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Mean of every trace over each box (minus an inner box, for rings): N x len(STATS), and pixel counts
        N x 4 (CLASSES, in units of BIN x BIN bins). Means with no supporting pixel are NaN."""
        counts, means = {}, []
        for cls in CLASSES:
            c = self.box_sum(self.weights[cls], boxes)
            if minus is not None:
                c = c - self.box_sum(self.weights[cls], minus)
            counts[cls] = c
        for name in STATS:
            cls = STAT_CLASS[name]
            s = self.box_sum(self.sums[name], boxes)
            if minus is not None:
                s = s - self.box_sum(self.sums[name], minus)
            with np.errstate(invalid="ignore", divide="ignore"):
                means.append(np.where(counts[cls] > 0.5, s / np.maximum(counts[cls], 1e-9), np.nan))
        return np.stack(means, axis=1), np.stack([counts[c] for c in CLASSES], axis=1)


def gray_of(image: np.ndarray) -> np.ndarray:
    """Float32 luminance of an RGB (or grey) uint8 image."""
    if image.ndim == 2:
        return image.astype(np.float32)
    return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY).astype(np.float32) if image.shape[2] == 3 \
        else image[..., 0].astype(np.float32)


def ink_threshold(gray: np.ndarray) -> float:
    """Otsu's grey level between ink and paper."""
    value, _ = cv2.threshold(np.clip(gray, 0, 255).astype(np.uint8), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(value)


def _integral(values: np.ndarray) -> np.ndarray:
    """Integral image of the map summed over BIN x BIN bins (odd last row or column dropped)."""
    h, w = values.shape
    h2, w2 = h // BIN, w // BIN
    binned = cv2.resize(np.ascontiguousarray(values[:h2 * BIN, :w2 * BIN], dtype=np.float32), (w2, h2),
                        interpolation=cv2.INTER_AREA)
    return cv2.integral(binned, sdepth=cv2.CV_64F)


def fine_residual(channel: np.ndarray) -> np.ndarray:
    """|pixel - mean of its 3x3 neighbourhood|, clipped at CLIP."""
    return cv2.min(cv2.absdiff(channel, cv2.blur(channel, (3, 3))), CLIP)


def trace_maps(image: np.ndarray, ink: np.ndarray) -> tuple[TraceMaps, np.ndarray]:
    """All trace integrals of an RGB page, given its ink mask (bool H x W), and the paper mask they used."""
    gray = gray_of(image)
    ink8 = ink.astype(np.uint8)
    paper = (cv2.dilate(ink8, np.ones((5, 5), np.uint8)) == 0).astype(np.float32)
    edge = (cv2.dilate(ink8, np.ones((3, 3), np.uint8)) - cv2.erode(ink8, np.ones((3, 3), np.uint8))).astype(np.float32)
    inkf = ink8.astype(np.float32)
    core = cv2.erode(ink8, np.ones((3, 3), np.uint8)).astype(np.float32)
    fine = fine_residual(gray)
    band = cv2.min(cv2.absdiff(cv2.GaussianBlur(gray, (0, 0), 1.0), cv2.GaussianBlur(gray, (0, 0), 2.5)), CLIP)
    r, g, b = (image[..., k].astype(np.float32) for k in range(3))
    rg, bg = cv2.subtract(r, g), cv2.subtract(b, g)
    chroma = cv2.min(cv2.add(fine_residual(rg), fine_residual(bg)), CLIP)
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    grad = cv2.magnitude(gx, gy)
    flat = (fine < FLAT).astype(np.float32)
    maps = {"fine": fine, "band": band, "flat": flat, "chroma": chroma, "paper": gray, "tint_rg": rg, "tint_bg": bg}
    sums = {name: _integral(cv2.multiply(values, paper)) for name, values in maps.items()}
    sums["ink"] = _integral(cv2.multiply(gray, inkf))
    sums["edge"] = _integral(cv2.multiply(grad, edge, scale=1.0 / 8.0))
    sums["core_noise"] = _integral(cv2.multiply(fine, core))
    sums["edge_chroma"] = _integral(cv2.multiply(chroma, edge))
    weights = {"paper": _integral(paper), "ink": _integral(inkf), "edge": _integral(edge), "core": _integral(core)}
    return TraceMaps(sums, weights), paper > 0


def grow(boxes: np.ndarray, dx: np.ndarray | int, dy: np.ndarray | int | None = None) -> np.ndarray:
    """Boxes grown by dx (and dy) pixels on every side (integer arrays, not clipped)."""
    dy = dx if dy is None else dy
    dx = np.asarray(dx).reshape(-1) if np.ndim(dx) else dx
    dy = np.asarray(dy).reshape(-1) if np.ndim(dy) else dy
    out = boxes.astype(np.int64).copy()
    out[:, 0] -= dx
    out[:, 1] -= dy
    out[:, 2] += dx
    out[:, 3] += dy
    return out
