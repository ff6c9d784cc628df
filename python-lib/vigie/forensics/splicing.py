"""Splicing detection on text pages: characters and words that do not share the rest of the page's scan history.

A spliced word is cut from another document, which was printed, scanned and saved on its own: it brings that
scan's sensor noise (level and grain), optics blur, ink darkness, paper tint and colour noise (a colour scan pasted
onto a grey one), even after the forger matched its paper and ink levels to the page. Genuine text on one page
shares all of these. The detector:

1. finds the text: ink components (characters) grouped into words by horizontal proximity;
2. measures traces (`vigie.forensics.noise_residual`) on each character's and each word's paper, ink and stroke
   edges, and on the ring of page around them, plus each word's JPEG blocking phase against the page's
   (`vigie.forensics.jpeg_grid`: pasted text keeps its donor's 8 x 8 grid);
3. expresses each character as its traces relative to its ring, to its word's ring and to the page's typical
   character and word (log ratios for noise levels, differences for tones), plus the page's own noise context;
4. scores each character with a small gradient-boosted tree model trained on synthetic splicings
   (`vigie.forensics.splicing_training`, shipped under resource/models/); a word scores the mean of its two best
   characters and the page its best word. Without the model file a fixed rule on the noise ratios is used.

Relative features make the scorer independent of the page's own scan quality: a noisy scan's text is consistent
with its noisy paper, a clean export's with its clean paper; only a region that disagrees with its surroundings
stands out. The heatmap holds each suspicious character and word box, the mask the boxes above `MASK_LEVEL`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

import cv2
import numpy as np

from vigie.core import shipped_models
from vigie.core.pages import Page
from vigie.core.results import DetectorResult, Evidence
from vigie.forensics.base import Detector
from vigie.forensics.jpeg_grid import GRID_FEATURES, word_grid_features
from vigie.forensics.noise_residual import STATS, gray_of, grow, ink_threshold, trace_maps

REFERENCE_DPI = 200.0
A4_WIDTH_IN = 8.27
MIN_CHARS = 12  # fewer characters than this: no page statistics, no verdict
MASK_LEVEL = 0.5  # characters and words scoring at least this form the mask and the evidence
EVIDENCE_LEVEL = 0.5
LOG_STATS = ("fine", "band", "chroma", "core_noise", "edge_chroma")  # noise levels: compared as log ratios
EPS = 0.05
CONTEXT = ("page_fine", "page_band", "page_chroma", "page_flat", "page_contrast", "char_height", "word_width",
           "word_chars", "char_paper_px", "char_ink_px")
FEATURE_NAMES = [f"{stat}_{ref}" for stat in (*STATS,) for ref in ("c_ring", "c_page", "w_ring", "w_page")] \
    + list(CONTEXT) + list(GRID_FEATURES)


# --------------------------------------------------------------------------------------------------- text units

def page_scale(page: Page) -> float:
    """Pixels per reference pixel (200 dpi): from the page's dpi, else from an A4 width."""
    dpi = page.dpi if page.dpi and 50 <= page.dpi <= 1200 else None
    if dpi is None:
        dpi = min(page.image.shape[:2]) / A4_WIDTH_IN
    return float(np.clip(dpi / REFERENCE_DPI, 0.3, 4.0))


def text_units(gray: np.ndarray, ink: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Character boxes (N x 4), their word index (N) and word boxes (M x 4), from the page's ink mask."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    x, y, w, h, area = (stats[1:, i] for i in range(5))
    keep = (h >= 3) & (h <= 80 * scale) & (w <= 120 * scale) & (area >= 4) & (w * h <= 4000 * scale * scale)
    if keep.sum() == 0:
        empty = np.zeros((0, 4), np.int64)
        return empty, np.zeros(0, np.int64), empty
    kept = np.zeros(n, bool)
    kept[1:] = keep
    text = kept[labels]
    heights = h[keep]
    gap = int(max(3, round(0.45 * float(np.median(heights[heights >= np.median(heights) * 0.6])))))
    joined = cv2.dilate(text.astype(np.uint8), np.ones((1, gap), np.uint8))
    _, word_labels = cv2.connectedComponents(joined, connectivity=8)
    char_word = np.zeros(n, np.int64)
    char_word[labels[text]] = word_labels[text]
    chars = np.stack([x, y, x + w, y + h], axis=1)[keep].astype(np.int64)
    words_raw = char_word[1:][keep]
    unique, word_of = np.unique(words_raw, return_inverse=True)
    words = np.zeros((len(unique), 4), np.int64)
    words[:, 0] = np.iinfo(np.int64).max
    words[:, 1] = np.iinfo(np.int64).max
    np.minimum.at(words[:, 0], word_of, chars[:, 0])
    np.minimum.at(words[:, 1], word_of, chars[:, 1])
    np.maximum.at(words[:, 2], word_of, chars[:, 2])
    np.maximum.at(words[:, 3], word_of, chars[:, 3])
    return chars, word_of, words


def _margins(words: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Per word: the margin of its patch (paper kept around the text) and the width of its ring."""
    height = np.maximum(words[:, 3] - words[:, 1], 1)
    margin = np.maximum(2, np.rint(0.2 * height)).astype(np.int64)
    ring = np.maximum(np.rint(4 * scale), np.rint(0.8 * height)).astype(np.int64)
    return margin, ring


# --------------------------------------------------------------------------------------------------- features

def _relative(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-stat comparison of a (N x S) with b (N x S or S): log ratio for noise levels, difference otherwise."""
    out = np.empty_like(a)
    b = np.broadcast_to(b, a.shape)
    for k, stat in enumerate(STATS):
        if stat in LOG_STATS:
            out[:, k] = np.log((a[:, k] + EPS) / (b[:, k] + EPS))
        else:
            out[:, k] = a[:, k] - b[:, k]
    return out


def _normalise_edges(stats: np.ndarray) -> np.ndarray:
    """Edge gradient as a share of the local paper-to-ink contrast, so blur, not contrast, is measured."""
    out = stats.copy()
    paper, ink, edge = STATS.index("paper"), STATS.index("ink"), STATS.index("edge")
    out[:, edge] = stats[:, edge] / np.maximum(stats[:, paper] - stats[:, ink], 20.0)
    return out


def _fill_ink(stats: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Where a ring or box has no paper or ink, use the fallback's values (the inner box), so a comparison is 0."""
    return np.where(np.isnan(stats), fallback, stats)


def page_features(page: Page) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (N x len(FEATURE_NAMES), float32) and patch boxes (N x 4) of the page's characters."""
    features, boxes, _ = analyse(page)
    return features, boxes


def analyse(page: Page) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Character feature rows, character patch boxes and each character's word index."""
    image = page.image
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    image = np.ascontiguousarray(image[..., :3])
    scale = page_scale(page)
    gray = gray_of(image)
    ink = gray < min(ink_threshold(gray), 200.0)
    chars, word_of, words = text_units(gray, ink, scale)
    if len(chars) < MIN_CHARS:
        return np.zeros((0, len(FEATURE_NAMES)), np.float32), np.zeros((0, 4), np.int64), np.zeros(0, np.int64)
    maps, paper = trace_maps(image, ink)
    margin, ring = _margins(words, scale)
    c_margin, c_ring = margin[word_of], ring[word_of]
    char_inner = grow(chars, c_margin)
    word_inner = grow(words, margin)
    ci, c_counts = maps.stats(char_inner)
    cr, _ = maps.stats(grow(char_inner, c_ring), minus=char_inner)
    wi, _ = maps.stats(word_inner)
    wr, _ = maps.stats(grow(word_inner, ring), minus=word_inner)
    ci, cr, wi, wr = (_normalise_edges(s) for s in (ci, cr, wi, wr))
    page_c = np.nanmedian(ci, axis=0)
    ci = _fill_ink(ci, np.broadcast_to(page_c, ci.shape))
    cr = _fill_ink(cr, ci)
    page_w = np.nanmedian(wi, axis=0)
    wi = _fill_ink(wi, np.broadcast_to(page_w, wi.shape))
    wr = _fill_ink(wr, wi)
    wi_c, wr_c = wi[word_of], wr[word_of]
    parts = [_relative(ci, cr), _relative(ci, page_c), _relative(wi_c, wr_c), _relative(wi_c, page_w)]
    relative = np.stack(parts, axis=2).reshape(len(chars), -1)  # stat-major, reference-minor: FEATURE_NAMES order
    char_h = (chars[:, 3] - chars[:, 1]).astype(np.float64)
    median_h = float(np.median(char_h))
    word_w = (words[:, 2] - words[:, 0])[word_of] / max(median_h, 1.0)
    word_chars = np.bincount(word_of, minlength=len(words))[word_of]
    contrast = page_c[STATS.index("paper")] - page_c[STATS.index("ink")]
    context = np.column_stack([
        np.full(len(chars), page_c[STATS.index("fine")]), np.full(len(chars), page_c[STATS.index("band")]),
        np.full(len(chars), page_c[STATS.index("chroma")]), np.full(len(chars), page_c[STATS.index("flat")]),
        np.full(len(chars), contrast), char_h / max(median_h, 1.0), word_w, word_chars,
        np.log1p(c_counts[:, 0]), np.log1p(c_counts[:, 1])])
    grid = word_grid_features(gray, paper, word_inner)[word_of]
    features = np.concatenate([relative, context, grid], axis=1).astype(np.float32)
    return features, char_inner, word_of


# --------------------------------------------------------------------------------------------------- model

MODEL_NAME = "splicing_words.joblib"


@lru_cache(maxsize=1)
def load_model() -> Optional[Any]:
    """The shipped scorer, or None when it cannot be used (logged; the noise-ratio rule stands in)."""
    return shipped_models.load_model(MODEL_NAME, tuple(FEATURE_NAMES))


def score_characters(features: np.ndarray, model: Optional[Any] = None) -> np.ndarray:
    """Splicing probability of each character row; without a model, a rule on the noise-level log ratios."""
    if len(features) == 0:
        return np.zeros(0)
    model = model if model is not None else load_model()
    if model is not None:
        return shipped_models.positive_probability(model, features)
    idx = [FEATURE_NAMES.index(f"{s}_w_page") for s in ("fine", "band", "chroma")]
    strength = np.nanmax(np.abs(features[:, idx]), axis=1)
    return np.clip((np.nan_to_num(strength) - 0.4) / 0.8, 0.0, 1.0)


# --------------------------------------------------------------------------------------------------- detector

def _word_scores(char_scores: np.ndarray, word_of: np.ndarray, n_words: int) -> np.ndarray:
    """A word's score: the mean of its two best characters (one for single characters)."""
    out = np.zeros(n_words)
    order = np.lexsort((-char_scores, word_of))
    sorted_words, sorted_scores = word_of[order], char_scores[order]
    starts = np.searchsorted(sorted_words, np.arange(n_words))
    ends = np.searchsorted(sorted_words, np.arange(n_words), side="right")
    for w in range(n_words):
        top = sorted_scores[starts[w]:min(ends[w], starts[w] + 2)]
        out[w] = float(top.mean()) if len(top) else 0.0
    return out


def _message(features: np.ndarray) -> str:
    """Which trace differs most between the word and the page, in words."""
    names = {"fine": "noise level", "band": "noise grain", "flat": "noise-free paper", "chroma": "colour noise",
             "paper": "paper tone", "tint_rg": "paper tint", "tint_bg": "paper tint", "ink": "ink darkness",
             "edge": "stroke sharpness", "core_noise": "noise inside the strokes", "edge_chroma": "colour fringes"}
    values = {s: abs(float(np.nan_to_num(features[FEATURE_NAMES.index(f"{s}_w_page")]))) for s in STATS}
    scaled = {s: v / (0.5 if s in LOG_STATS else 0.15 if s in ("flat", "edge") else 6.0) for s, v in values.items()}
    top = sorted(scaled, key=scaled.get, reverse=True)[:2]
    return "text whose scan traces differ from the rest of the page (" + ", ".join(names[t] for t in top) + ")"


class SplicingDetector(Detector):
    name = "splicing"
    version = "3"
    threshold = 0.785  # 1 % FPR on the calibration split of the seed-11 dev corpus (benchmarks/dev_score_detector.py)
    description = ("Characters and words whose scan traces (noise level and grain, colour noise, blur, ink and "
                   "paper tone) disagree with their surroundings and the page: text pasted from another scan")
    operations = ("splicing",)

    def __init__(self, model: Optional[Any] = None):
        self._model = model

    def detect(self, page: Page) -> DetectorResult:
        shape = page.image.shape[:2]
        heatmap = np.zeros(shape, np.float32)
        features, boxes, word_of = analyse(page)
        if len(boxes) == 0:
            return DetectorResult(0.0, heatmap, np.zeros(shape, bool), evidence=[])
        scores = score_characters(features, self._model)
        n_words = int(word_of.max()) + 1 if len(word_of) else 0
        words = np.zeros((n_words, 4), np.int64)
        words[:, :2] = np.iinfo(np.int64).max
        np.minimum.at(words[:, 0], word_of, boxes[:, 0])
        np.minimum.at(words[:, 1], word_of, boxes[:, 1])
        np.maximum.at(words[:, 2], word_of, boxes[:, 2])
        np.maximum.at(words[:, 3], word_of, boxes[:, 3])
        word_scores = _word_scores(scores, word_of, n_words)
        h, w = shape
        clip = np.array([w, h, w, h])
        for i in np.argsort(scores):
            x0, y0, x1, y1 = np.clip(boxes[i], 0, clip).tolist()
            np.maximum(heatmap[y0:y1, x0:x1], scores[i], out=heatmap[y0:y1, x0:x1])
        evidence = []
        for wi in np.argsort(-word_scores):
            x0, y0, x1, y1 = np.clip(words[wi], 0, clip).tolist()
            np.maximum(heatmap[y0:y1, x0:x1], word_scores[wi], out=heatmap[y0:y1, x0:x1])
            if word_scores[wi] >= EVIDENCE_LEVEL and len(evidence) < 10:
                members = np.flatnonzero(word_of == wi)
                best = int(members[np.argmax(scores[members])])
                evidence.append(Evidence("splicing", _message(features[best]), box=(x0, y0, x1, y1),
                                         score=float(word_scores[wi])))
        score = float(np.clip(word_scores.max() if n_words else 0.0, 0.0, 1.0))
        return DetectorResult(score, heatmap, heatmap >= MASK_LEVEL, evidence=evidence)
