"""Printed text found without OCR: ink components grouped into glyphs, words and lines, on a paper-relative image.

The retyped-text detector compares each word with its line and its page, so it first needs the words. The page is
turned into *ink contrast* (local paper level minus the pixel), which removes the scanner's shading and the paper
tint; ink is where that contrast clears a threshold set from the page's own strokes. Connected components of glyph
size are the glyphs (rules, frames, logos and specks are dropped by size); a horizontal closing whose width follows
the page's typical glyph height merges the glyphs of one word, and a wider one the words of one line.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vigie.core.results import Box

MIN_GLYPH_HEIGHT, MAX_GLYPH_HEIGHT, MAX_GLYPH_WIDTH, MIN_GLYPH_AREA = 4, 90, 160, 6
MIN_INK_CONTRAST = 30.0  # grey levels under the local paper that always count as ink
MAX_WORD_WIDTH = 700


@dataclass
class TextLayout:
    """The page as paper-relative contrast, its ink, and the words found on it (boxes and line ids)."""

    gray: np.ndarray  # float32 H x W grey levels
    paper: np.ndarray  # float32 H x W local paper level
    contrast: np.ndarray  # float32 H x W, paper - gray (ink is positive)
    ink: np.ndarray  # bool H x W, glyph pixels only
    words: list[Box]
    lines: np.ndarray  # int line id per word
    glyph_height: float  # median glyph height, pixels
    residual: np.ndarray  # float32 H x W, grey minus its Gaussian blur (sigma 1): grain and edges
    near_ink: np.ndarray  # bool H x W, ink grown by 2 pixels or any faint mark


def to_gray(image: np.ndarray) -> np.ndarray:
    """Float32 grey levels of an RGB, RGBA or one-channel image."""
    if image.ndim == 2:
        return image.astype(np.float32)
    if image.shape[2] == 1:
        return image[..., 0].astype(np.float32)
    rgb = np.ascontiguousarray(image[..., :3])
    if rgb.dtype != np.uint8:
        rgb = np.clip(rgb, 0, 255).astype(np.uint8)
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)


def paper_level(gray: np.ndarray, step: int = 4) -> np.ndarray:
    """Local paper level: a max filter wide enough to step over strokes, smoothed, on a reduced image."""
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // step), max(1, h // step)), interpolation=cv2.INTER_AREA)
    top = cv2.dilate(small, np.ones((7, 7), np.uint8))
    top = cv2.blur(cv2.erode(top, np.ones((3, 3), np.uint8)), (9, 9))
    return cv2.resize(top, (w, h), interpolation=cv2.INTER_LINEAR)


def _ink_threshold(contrast: np.ndarray) -> float:
    """Half the contrast of the page's solid strokes, but never below MIN_INK_CONTRAST."""
    strong = contrast[contrast > MIN_INK_CONTRAST]
    if strong.size < 50:
        return MIN_INK_CONTRAST
    return float(max(MIN_INK_CONTRAST, 0.4 * np.percentile(strong, 90)))


def _glyph_mask(ink: np.ndarray) -> tuple[np.ndarray, float]:
    """Ink restricted to glyph-sized components, and the median glyph height."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    if n <= 1:
        return np.zeros_like(ink), 0.0
    s = stats[1:]
    keep = ((s[:, 3] >= MIN_GLYPH_HEIGHT) & (s[:, 3] <= MAX_GLYPH_HEIGHT) & (s[:, 2] <= MAX_GLYPH_WIDTH)
            & (s[:, 4] >= MIN_GLYPH_AREA) & ((s[:, 4] < 0.85 * s[:, 2] * s[:, 3]) | (s[:, 2] * s[:, 3] < 250)))
    lut = np.concatenate([[False], keep])
    heights = s[keep, 3]
    return lut[labels], float(np.median(heights)) if heights.size else 0.0


def _boxes(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label image and (x0, y0, x1, y1) boxes of the connected components of a binary image."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary.astype(np.uint8), connectivity=8)
    s = stats[1:]
    boxes = np.stack([s[:, 0], s[:, 1], s[:, 0] + s[:, 2], s[:, 1] + s[:, 3]], axis=1) if n > 1 else \
        np.zeros((0, 4), int)
    return labels, boxes


def find_words(ink: np.ndarray, glyph_height: float) -> tuple[list[Box], np.ndarray]:
    """Word boxes (glyphs closed across letter gaps) and the line id of each (words closed across word gaps)."""
    if glyph_height <= 0 or not ink.any():
        return [], np.zeros(0, int)
    gap = max(2, int(round(0.3 * glyph_height)))
    closed = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, gap), np.uint8))
    _, boxes = _boxes(closed)
    heights, widths = boxes[:, 3] - boxes[:, 1], boxes[:, 2] - boxes[:, 0]
    boxes = boxes[(heights >= MIN_GLYPH_HEIGHT) & (heights <= 2.5 * MAX_GLYPH_HEIGHT)
                  & (widths <= MAX_WORD_WIDTH) & (widths >= 2)]
    lines = _line_ids(boxes, max(gap + 2, 2.0 * glyph_height))
    return _merge_close(boxes, lines)


def _line_ids(boxes: np.ndarray, line_gap: float) -> np.ndarray:
    """Line id per word box: boxes whose vertical centres agree within half the smaller height and whose
    horizontal gap is under line_gap are chained into one line (union-find on all pairs)."""
    n = len(boxes)
    if n == 0:
        return np.zeros(0, int)
    b = boxes.astype(np.float64)
    cy, h = (b[:, 1] + b[:, 3]) / 2.0, b[:, 3] - b[:, 1]
    same_row = np.abs(cy[:, None] - cy[None, :]) < 0.5 * np.minimum(h[:, None], h[None, :])
    gap = np.maximum(b[:, None, 0] - b[None, :, 2], b[None, :, 0] - b[:, None, 2])
    linked = same_row & (gap < line_gap)
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(linked, 1))):
        ri, rj = root(int(i)), root(int(j))
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return np.array([root(i) for i in range(n)], int)


def _merge_close(boxes: np.ndarray, lines: np.ndarray) -> tuple[list[Box], np.ndarray]:
    """Merge neighbours on one line whose gap is small for their own height (large type has wide letter gaps)."""
    out: list[list[int]] = []
    out_lines: list[int] = []
    for line in np.unique(lines):
        members = sorted((list(map(int, b)) for b in boxes[lines == line]), key=lambda b: b[0])
        current = members[0]
        for b in members[1:]:
            height = max(current[3] - current[1], b[3] - b[1])
            if b[0] - current[2] < 0.25 * height and current[2] - current[0] + b[2] - b[0] < MAX_WORD_WIDTH:
                current = [current[0], min(current[1], b[1]), max(current[2], b[2]), max(current[3], b[3])]
            else:
                out.append(current)
                out_lines.append(int(line))
                current = b
        out.append(current)
        out_lines.append(int(line))
    return [tuple(b) for b in out], np.array(out_lines, int)


def analyse(image: np.ndarray) -> TextLayout:
    """Contrast, glyph ink, words and lines of a page image (RGB or grey)."""
    gray = to_gray(image)
    paper = paper_level(gray)
    contrast = paper - gray
    ink_raw = contrast > _ink_threshold(contrast)
    ink, glyph_height = _glyph_mask(ink_raw)
    words, lines = find_words(ink, glyph_height)
    residual = gray - cv2.GaussianBlur(gray, (0, 0), 1.0)
    near_ink = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) | (contrast > 12)
    return TextLayout(gray, paper, contrast, ink, words, lines, glyph_height, residual, near_ink)
