"""Per-word measurements of printed text, each also expressed relative to the word's line and to the whole page.

A retyped word is drawn by software onto a page that was printed and scanned: its strokes were not spread by toner
nor blurred by the scanner optics the same way (edge profile, stroke width), its ink is a guessed colour (darkness,
chroma), the erased patch under it got synthetic or no paper grain (noise inside the word box against the ring
around it, paper brightness), its size and baseline are matched only approximately, and it was never through the
scanner's first JPEG (8x8 blocking of the first save). A correction-fluid patch is brighter than the paper, with a
rim and a grain of its own. Each measurement is taken raw and as a difference from the median of the word's line
and of the page, divided by the page's spread, so a learned model (or a rule) sees "unlike its neighbours".
"""

from __future__ import annotations

import cv2
import numpy as np

from vigie.core.results import Box
from vigie.forensics.text_lines import TextLayout

RING_IN, RING_OUT = 5, 14  # ring around a word box whose paper is compared with the paper inside it
BASE_NAMES = ("height", "width_per_height", "top_offset", "bottom_offset", "ink_p50", "ink_p90", "stroke_width",
              "edge_share", "edge_gradient", "ink_fill", "paper_noise_in", "paper_noise_ring", "noise_ratio",
              "paper_delta", "paper_max_delta", "ink_noise", "ink_chroma", "block_in", "hp_energy_in",
              "rim_dark", "dark_low", "dark_mid", "dark_high", "dark_full", "slope_p90", "slope_p50",
              "block_primary", "block_secondary", "halo_noise", "halo_level", "halo_fine", "paper_fine")
RELATIVE = ("height", "top_offset", "bottom_offset", "ink_p50", "ink_p90", "stroke_width", "edge_share",
            "edge_gradient", "ink_fill", "noise_ratio", "paper_delta", "ink_noise", "ink_chroma", "block_in",
            "hp_energy_in", "paper_noise_in", "dark_low", "dark_mid", "dark_high", "dark_full", "slope_p90",
            "slope_p50", "block_primary", "block_secondary", "halo_noise", "halo_level", "halo_fine", "paper_fine")
FEATURE_NAMES = BASE_NAMES + tuple(f"{n}_line" for n in RELATIVE) + tuple(f"{n}_page" for n in RELATIVE) + tuple(
    f"{n}_peers" for n in RELATIVE) + ("line_words", "page_words", "peer_words")
N_PHASE = 16  # per word: step energy at each of the 8 column phases, then the 8 row phases (absolute)


def _grow(box: Box, d: int, shape: tuple[int, int]) -> Box:
    h, w = shape
    return max(0, box[0] - d), max(0, box[1] - d), min(w, box[2] + d), min(h, box[3] + d)


def _std(values: np.ndarray) -> float:
    return float(values.std()) if values.size > 3 else 0.0


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else 0.0


def _phases(gx: np.ndarray, gy: np.ndarray, box: Box) -> np.ndarray:
    """Mean pixel step at each absolute column phase (mod 8), then each row phase: JPEG block edges stand out."""
    x0, y0 = box[0], box[1]
    cols = np.array([_mean(gx[:, (k - x0) % 8::8]) for k in range(8)])
    rows = np.array([_mean(gy[(k - y0) % 8::8]) for k in range(8)])
    return np.concatenate([cols, rows])


def _blockiness(phases: np.ndarray) -> float:
    """Strongest phase against the average one, columns and rows averaged: above 1 where JPEG blocks show."""
    cols, rows = phases[:8], phases[8:]
    return float((cols.max() / max(cols.mean(), 1e-3) + rows.max() / max(rows.mean(), 1e-3)) / 2.0)


class _PageMaps:
    """Full-page maps computed once: high-pass residual, pixels near ink, and the RGB image for chroma."""

    def __init__(self, image: np.ndarray, layout: TextLayout):
        gray = layout.gray
        self.gray = gray
        self.hp = layout.residual
        self.fine = gray - cv2.blur(gray, (3, 3))
        self.rgb = image if image.ndim == 3 and image.shape[2] >= 3 else None
        self.near_ink = layout.near_ink

    def steps(self, box: Box) -> tuple[np.ndarray, np.ndarray]:
        x0, y0, x1, y1 = box
        crop = self.gray[y0:y1, x0:x1]
        return np.abs(np.diff(crop, axis=1)), np.abs(np.diff(crop, axis=0))

    def grad(self, box: Box) -> np.ndarray:
        x0, y0, x1, y1 = box
        crop = self.gray[y0:y1, x0:x1]
        gx = cv2.Sobel(crop, cv2.CV_32F, 1, 0, ksize=3)
        return cv2.magnitude(gx, cv2.Sobel(crop, cv2.CV_32F, 0, 1, ksize=3)) / 8.0

    def chroma(self, box: Box) -> np.ndarray:
        x0, y0, x1, y1 = box
        if self.rgb is None:
            return np.zeros((y1 - y0, x1 - x0), np.float32)
        rgb = self.rgb[y0:y1, x0:x1, :3].astype(np.int16)
        return (np.abs(rgb[..., 0] - rgb[..., 1]) + np.abs(rgb[..., 1] - rgb[..., 2])).astype(np.float32)


def _word_row(maps: _PageMaps, layout: TextLayout, box: Box) -> tuple[list[float], np.ndarray]:
    """The raw measurements of one word (BASE_NAMES order, line-relative offsets filled in later)."""
    shape = layout.gray.shape
    x0, y0, x1, y1 = box
    h, w = y1 - y0, x1 - x0
    ink = layout.ink[y0:y1, x0:x1]
    contrast = layout.contrast[y0:y1, x0:x1]
    values = contrast[ink]
    p50, p90 = (float(v) for v in np.percentile(values, (50, 90))) if values.size else (0.0, 0.0)
    inner = cv2.erode(ink.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    boundary = ink & ~inner
    stroke = float(ink.sum()) / max(1.0, boundary.sum() / 2.0)
    d = np.clip(contrast / max(p90, 1.0), 0.0, 1.0)
    edge_share = float(((d > 0.15) & (d < 0.85)).sum()) / max(1.0, float((d >= 0.5).sum()))
    grad = maps.grad(box)
    edge_gradient = float(grad[boundary].mean()) / max(p90, 1.0) if boundary.any() else 0.0
    marked = d[d > 0.05]
    counts = np.histogram(marked, bins=(0.05, 0.3, 0.6, 0.9, 1.01))[0] / max(1.0, float((d >= 0.5).sum()))
    slopes = grad[grad > 0.1 * max(p90, 1.0)] / max(p90, 1.0)
    slope_p50, slope_p90 = (float(v) for v in np.percentile(slopes, (50, 90))) if slopes.size else (0.0, 0.0)
    ink_fill = float(ink.mean())
    gx0, gy0, gx1, gy1 = _grow(box, 3, shape)
    paper_in = ~maps.near_ink[gy0:gy1, gx0:gx1]
    hp_in = maps.hp[gy0:gy1, gx0:gx1]
    noise_in = _std(hp_in[paper_in])
    rx0, ry0, rx1, ry1 = _grow(box, RING_OUT, shape)
    ring = ~maps.near_ink[ry0:ry1, rx0:rx1]
    ring[max(0, y0 - RING_IN - ry0):y1 + RING_IN - ry0, max(0, x0 - RING_IN - rx0):x1 + RING_IN - rx0] = False
    noise_ring = _std(maps.hp[ry0:ry1, rx0:rx1][ring])
    gray_in = layout.gray[gy0:gy1, gx0:gx1][paper_in]
    gray_ring = layout.gray[ry0:ry1, rx0:rx1][ring]
    paper_delta, paper_max = (float(v) for v in np.percentile(gray_in, (50, 95)) - np.percentile(gray_ring, (50, 95))) \
        if gray_in.size > 3 and gray_ring.size > 3 else (0.0, 0.0)
    ink_noise = _std(maps.hp[y0:y1, x0:x1][inner])
    # The halo: paper 2-3 pixels from the strokes, where a retyped word's fresh grain and blur tails lie.
    ink_around = layout.ink[gy0:gy1, gx0:gx1].astype(np.uint8)
    halo = cv2.dilate(ink_around, np.ones((7, 7), np.uint8)).astype(bool) & ~cv2.dilate(
        ink_around, np.ones((3, 3), np.uint8)).astype(bool)
    halo_noise = _std(hp_in[halo])
    halo_level = float(layout.contrast[gy0:gy1, gx0:gx1][halo].mean()) / max(p90, 1.0) if halo.any() else 0.0
    fine_in = maps.fine[gy0:gy1, gx0:gx1]
    halo_fine = _std(fine_in[halo]) / (halo_noise + 0.3)
    paper_fine = _std(fine_in[paper_in]) / (noise_in + 0.3)
    chroma = float(maps.chroma(box)[ink].mean()) if ink.any() else 0.0
    phases = _phases(*maps.steps((gx0, gy0, gx1, gy1)), (gx0, gy0, gx1, gy1))
    block = _blockiness(phases)
    hp_energy = float(np.abs(hp_in).mean())
    # A correction-fluid rim: a faint darker frame just outside the box, compared with the ring's paper.
    fx0, fy0, fx1, fy1 = _grow(box, 8, shape)
    frame = layout.contrast[fy0:fy1, fx0:fx1]
    rim = float(np.percentile(frame[~maps.near_ink[fy0:fy1, fx0:fx1]], 90)) \
        if (~maps.near_ink[fy0:fy1, fx0:fx1]).sum() > 3 else 0.0
    return [float(h), w / max(h, 1), float(y0), float(y1), p50, p90, stroke, edge_share, edge_gradient, ink_fill,
            noise_in, noise_ring, float(np.log((noise_in + 0.3) / (noise_ring + 0.3))), paper_delta, paper_max,
            ink_noise, chroma, block, hp_energy, rim, *[float(c) for c in counts], slope_p90, slope_p50, 0.0,
            0.0, halo_noise, halo_level, halo_fine, paper_fine], phases


def _relative(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row and column: (value - median of its group) / page spread, and (value - page median) / page spread."""
    median = np.median(values, axis=0)
    spread = np.maximum(1.4826 * np.median(np.abs(values - median), axis=0), 1e-3)
    by_line = np.empty_like(values)
    for g in np.unique(groups):
        members = groups == g
        by_line[members] = (values[members] - np.median(values[members], axis=0)) / spread
    return by_line, (values - median) / spread


def _peers(heights: np.ndarray, strokes: np.ndarray, lines: np.ndarray) -> list[np.ndarray]:
    """Per word, the words on other lines of similar height (0.8-1.25x) and stroke width (0.85-1.18x): the same
    type size and weight, whose darkness and edges a genuine word shares. Fewer than 5: similar height only; fewer
    still: every other word."""
    everyone = np.arange(len(heights))
    out = []
    for k, (h, sw) in enumerate(zip(heights, strokes)):
        sized = (heights >= 0.8 * h) & (heights <= 1.25 * h) & (lines != lines[k])
        near = np.flatnonzero(sized & (strokes >= 0.85 * sw) & (strokes <= 1.18 * sw))
        if near.size < 5:
            near = np.flatnonzero(sized)
        out.append(near if near.size >= 5 else everyone[everyone != k] if len(heights) > 1 else everyone)
    return out


def _peer_relative(values: np.ndarray, peers: list[np.ndarray]) -> np.ndarray:
    """(value - median of the word's peers) / spread of the peers, columns at once."""
    out = np.zeros_like(values)
    for k, members in enumerate(peers):
        ref = values[members]
        median = np.median(ref, axis=0)
        spread = np.maximum(1.4826 * np.median(np.abs(ref - median), axis=0), 1e-3)
        out[k] = (values[k] - median) / spread
    return out


def _page_phases(phases: np.ndarray) -> tuple[tuple[int, int], tuple[int, int]]:
    """The page's strongest and second strongest JPEG grid phase, in columns and in rows."""
    total = phases.sum(axis=0)
    cols, rows = np.argsort(-total[:8]), np.argsort(-total[8:])
    return (int(cols[0]), int(rows[0])), (int(cols[1]), int(rows[1]))


def word_features(image: np.ndarray, layout: TextLayout) -> np.ndarray:
    """N words x len(FEATURE_NAMES) float32 matrix (empty when the page has no word)."""
    boxes, lines = layout.words, layout.lines
    if not boxes:
        return np.zeros((0, len(FEATURE_NAMES)), np.float32)
    maps = _PageMaps(image, layout)
    rows = [_word_row(maps, layout, b) for b in boxes]
    raw = np.array([r[0] for r in rows], np.float64)
    phases = np.array([r[1] for r in rows], np.float64)
    col = {n: i for i, n in enumerate(BASE_NAMES)}
    primary, secondary = _page_phases(phases)
    mean_cols = np.maximum(phases[:, :8].mean(axis=1), 1e-3)
    mean_rows = np.maximum(phases[:, 8:].mean(axis=1), 1e-3)
    for name, (px, py) in (("block_primary", primary), ("block_secondary", secondary)):
        raw[:, col[name]] = (phases[:, px] / mean_cols + phases[:, 8 + py] / mean_rows) / 2.0
    # Offsets of top and bottom from the line's median, in line heights: a retyped word off its baseline.
    line_height = np.empty(len(raw))
    for g in np.unique(lines):
        members = lines == g
        line_height[members] = max(1.0, float(np.median(raw[members, col["height"]])))
        for name in ("top_offset", "bottom_offset"):
            raw[members, col[name]] = raw[members, col[name]] - np.median(raw[members, col[name]])
    raw[:, col["top_offset"]] /= line_height
    raw[:, col["bottom_offset"]] /= line_height
    line_rel, page_rel = _relative(raw[:, [col[n] for n in RELATIVE]], lines)
    peers = _peers(raw[:, col["height"]], raw[:, col["stroke_width"]], lines)
    peer_rel = _peer_relative(raw[:, [col[n] for n in RELATIVE]], peers)
    counts = np.array([np.sum(lines == g) for g in lines], np.float64)
    out = np.column_stack([raw, line_rel, page_rel, peer_rel, counts,
                           np.full(len(raw), float(len(raw))), np.array([len(p) for p in peers], np.float64)])
    return np.clip(np.nan_to_num(out), -1e4, 1e4).astype(np.float32)


def scorable(features: np.ndarray, boxes: list[Box], shape: tuple[int, int]) -> np.ndarray:
    """Words worth a verdict: as tall as 0.6 of the page's typical word, with some ink, away from the page edge.
    Specks, hairs, accents and punctuation left alone only add noise to the page's highest score."""
    if not len(features):
        return np.zeros(0, bool)
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    height = features[:, col["height"]]
    width = height * features[:, col["width_per_height"]]
    ink_pixels = features[:, col["ink_fill"]] * height * width
    b = np.asarray(boxes, np.int64).reshape(-1, 4)
    h, w = shape
    inside = (b[:, 0] >= 3) & (b[:, 1] >= 3) & (b[:, 2] <= w - 3) & (b[:, 3] <= h - 3)
    return (height >= 0.6 * np.median(height)) & (ink_pixels >= 30) & (width >= 0.5 * height) & inside
