"""Copy-move detection on text pages: look-alike glyph pairs that are too close, or lie where no genuine pair can.

Printed text repeats the same glyphs everywhere, so shape similarity alone means nothing. The detector compares
each glyph with its few closest same-size look-alikes (`copy_move_glyphs`), aligned to a sub-pixel
(`copy_move_pairs`), and weighs two cues that a copy-move leaves and genuine repetition does not:

1. Geometry (`copy_move_lattice`). Genuine glyphs were rendered at whole-pixel positions, then the page was scanned
   slightly askew and maybe resized, so every genuine twin pair sits on the page's rotated, scaled integer lattice
   to a few hundredths of a pixel. A copy is pasted afterwards at a whole-pixel offset of the scanned image (or
   resampled), which misses that lattice by about rotation x distance. The miss, in units of the page's own lattice
   spread, is the main evidence; it survives JPEG re-saves and resizing, which keep sub-pixel positions. It needs a
   skewed scan and a copy from some distance; the pair must also be a close look-alike (residual well below the
   page's level), since different characters align badly.
2. Noise. A copy carries its source's grain and JPEG history, so once aligned their low-passed, edge-weighted
   residual is far below what two genuine prints of a character show on this page. The page sets the scale (a low
   quantile of the residuals of frequent characters' twins, capped by each glyph's residual with its other twins;
   grid-aligned pairs, which share the JPEG saves' errors and are identical on born-digital pages, get their own);
   the evidence is -log P(residual this small | genuine) under a Gamma law, weighted by a tenth. On pages re-saved
   at JPEG quality 60-80 the re-save's error on sharp text dwarfs the grain, so this cue mostly catches verbatim
   copies on lightly compressed pages.

Pairs sharing one offset (a copied word) form a group: its strength is its best pair's evidence plus half of the
others'. The strongest group sets the page score (a logistic of the strength); groups above the alert level give
the masks (matched glyph boxes grown by the paste margin) and evidence. Which side is the copy cannot be told from
the pixels alone: the later one in reading order is reported as the target and the evidence says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.stats import gamma

from vigie.core.pages import Page
from vigie.core.results import Box, DetectorResult, Evidence
from vigie.forensics.base import Detector
from vigie.forensics.copy_move_glyphs import glyph_components, gray_of, look_alikes
from vigie.forensics.copy_move_lattice import fit_lattice
from vigie.forensics.copy_move_pairs import compare

MIN_GLYPHS = 8  # fewer ink components (or compared pairs) than this: no page statistics, no verdict
AREA = 4.0  # weighted pixels per degree of freedom of a pair's residual (the grain and low-pass correlate pixels)
FLOOR = 0.01  # fraction of the scale added to every residual: identical flat windows prove little
ABSOLUTE_FLOOR = 0.05  # squared grey levels added to residuals and scales: JPEG rounding alone leaves this much
ALIGNED_QUANTILE = 0.1  # of grid-aligned pairs' residuals: their scale
GRID, PHASE_TOLERANCE = 8, 0.3  # JPEG block size; pixels from a whole number of blocks that count as aligned
TWIN_QUANTILE = 0.25  # of frequent characters' twin residuals: the genuine scale
LATTICE_RESIDUAL = 0.4  # pairs below this fraction of the page's residual level are close enough for the lattice
LATTICE_WEIGHT = 60.0  # weighted pixels a pair needs for its sub-pixel offset to be trusted
SURPRISE_WEIGHT = 0.1  # share of the noise surprise in a pair's evidence
PAIR_EVIDENCE = 2.0  # pairs with less evidence are left out of the groups
MIN_EVIDENCE = 3.0  # groups with less strength are not reported
GROUP_SHARE = 0.5  # share of a group's other pairs added to its best one
OFFSET_TOLERANCE = 2.0  # pixels: glyph pairs of one copied word share their offset up to this
SCORE_CENTRE, SCORE_WIDTH = 10.0, 1.5  # logistic map from a group's strength to the page score
BOX_PAD_X, BOX_PAD_Y = 1, 0.15  # paste margin around matched glyphs: pixels, fraction of the glyph height


@dataclass
class _Copy:
    """Glyph pairs sharing one offset: their boxes on each side and each pair's evidence."""

    offset: tuple[float, float]  # dx, dy from source to target
    sources: list[Box] = field(default_factory=list)
    targets: list[Box] = field(default_factory=list)
    pieces: list[float] = field(default_factory=list)

    @property
    def strength(self) -> float:
        """The best pair's evidence, plus a share of the others' (a copied word is several copied glyphs)."""
        ordered = sorted(self.pieces, reverse=True)
        return ordered[0] + GROUP_SHARE * sum(ordered[1:])

    @property
    def score(self) -> float:
        return _score(self.strength)


def _score(strength: float) -> float:
    """Page score of a copy's strength: a logistic, 0.5 at SCORE_CENTRE."""
    return float(1.0 / (1.0 + np.exp(-(strength - SCORE_CENTRE) / SCORE_WIDTH)))


def _other_twins(pairs: np.ndarray, residual: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per pair (i, j): i's smallest residual with a partner other than j, and the same for j (inf if none)."""
    partners: list[list[tuple[float, int]]] = [[] for _ in range(n)]
    for (i, j), r in zip(pairs, residual):
        partners[i].append((float(r), int(j)))
        partners[j].append((float(r), int(i)))
    for plist in partners:
        plist.sort()

    def other(a: int, b: int) -> float:
        return next((r for r, c in partners[a] if c != b), np.inf)

    return (np.array([other(int(i), int(j)) for i, j in pairs]),
            np.array([other(int(j), int(i)) for i, j in pairs]))


def _twin_scale(residual: np.ndarray, other_i: np.ndarray, other_j: np.ndarray, overall: float) -> float:
    """Residual level of genuine prints of one character: a low quantile over pairs whose glyphs both have other
    twins about as close (frequent characters), else the page's overall level."""
    same = (other_i < 3.0 * residual + 0.5) & (other_j < 3.0 * residual + 0.5)
    return float(np.quantile(residual[same], TWIN_QUANTILE)) if same.sum() >= 5 else overall


def _evidence(pairs: np.ndarray, table: np.ndarray, n: int) -> np.ndarray:
    """Per pair evidence of a copy: lattice miss (in spreads) of close look-alikes plus a tenth of the noise
    surprise, -log P(residual this small | genuine twins) under a Gamma law on the page's own scale."""
    residual, weight, dx, dy = table.T
    best = np.full(n, np.inf)
    np.minimum.at(best, pairs[:, 0], residual)
    np.minimum.at(best, pairs[:, 1], residual)
    overall = float(np.median(best[np.isfinite(best)]))
    other_i, other_j = _other_twins(pairs, residual, n)
    scale = np.minimum(_twin_scale(residual, other_i, other_j, overall), np.minimum(other_i, other_j))
    aligned = ((np.abs(dx - GRID * np.round(dx / GRID)) <= PHASE_TOLERANCE)
               & (np.abs(dy - GRID * np.round(dy / GRID)) <= PHASE_TOLERANCE))
    if aligned.sum() >= MIN_GLYPHS:  # these share the JPEG saves' errors; born-digital repeats are identical
        scale = np.where(aligned, np.minimum(scale, np.quantile(residual[aligned], ALIGNED_QUANTILE)), scale)
    scale = np.maximum(scale, ABSOLUTE_FLOOR)
    dof = np.maximum(weight / AREA, 1.0)
    surprise = -gamma.logcdf(residual + FLOOR * scale + ABSOLUTE_FLOOR, a=dof / 2.0, scale=2.0 * scale / dof)
    lattice = fit_lattice(dx, dy, residual < np.median(residual))
    miss = np.zeros(len(residual))
    if lattice is not None:
        close = (residual <= LATTICE_RESIDUAL * overall) & (weight >= LATTICE_WEIGHT)
        miss = np.where(close, lattice.miss(dx, dy) / lattice.spread, 0.0)
    return miss + SURPRISE_WEIGHT * surprise


def _box(s: np.ndarray) -> Box:
    pad_y = int(round(BOX_PAD_Y * s[3]))
    return (int(s[0]) - BOX_PAD_X, int(s[1]) - pad_y, int(s[0] + s[2]) + BOX_PAD_X, int(s[1] + s[3]) + pad_y)


def _group(stats: np.ndarray, pairs: np.ndarray, table: np.ndarray, evidence: np.ndarray) -> list[_Copy]:
    """Pairs with some evidence, each glyph used once, grouped by offset; strong enough groups, strongest first."""
    found: list[_Copy] = []
    used: set[int] = set()
    for k in np.argsort(-evidence):
        i, j = int(pairs[k, 0]), int(pairs[k, 1])
        if evidence[k] < PAIR_EVIDENCE or i in used or j in used:
            continue
        used |= {i, j}
        src, dst = (i, j) if (stats[i, 1], stats[i, 0]) < (stats[j, 1], stats[j, 0]) else (j, i)
        offset = (float(table[k, 2]), float(table[k, 3])) if dst == j else (-float(table[k, 2]), -float(table[k, 3]))
        copy = next((c for c in found if abs(c.offset[0] - offset[0]) <= OFFSET_TOLERANCE
                     and abs(c.offset[1] - offset[1]) <= OFFSET_TOLERANCE), None)
        if copy is None:
            copy = _Copy(offset)
            found.append(copy)
        copy.sources.append(_box(stats[src]))
        copy.targets.append(_box(stats[dst]))
        copy.pieces.append(float(evidence[k]))
    return sorted((c for c in found if c.strength >= MIN_EVIDENCE), key=lambda c: -c.strength)


def _union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _clip(box: Box, shape: tuple[int, int]) -> tuple[slice, slice]:
    return slice(max(box[1], 0), min(box[3], shape[0])), slice(max(box[0], 0), min(box[2], shape[1]))


def find_copies(gray: np.ndarray) -> list[_Copy]:
    """Copied glyph groups of a grey page, strongest first."""
    stats = glyph_components(gray)
    if len(stats) < MIN_GLYPHS:
        return []
    pairs, rows = [], []
    for i, j in look_alikes(gray, stats):
        m = compare(gray, stats[i], stats[j])
        if m is not None and m.weight > 0:
            pairs.append((i, j))
            rows.append((m.residual, m.weight, m.dx, m.dy))
    if len(pairs) < MIN_GLYPHS:
        return []
    pairs_a, table = np.array(pairs), np.array(rows, dtype=np.float64)
    return _group(stats, pairs_a, table, _evidence(pairs_a, table, len(stats)))


class CopyMoveDetector(Detector):
    """Finds glyphs or words duplicated pixel for pixel inside a page, ignoring the genuine repetition of glyphs."""

    name = "copy_move"
    version = "2.4"
    threshold = 0.5  # scores are 0 unless a pair group passes the evidence floor (0.5); dev calibration agrees
    operations = ("copy_move",)
    description = ("Pairs look-alike glyphs and flags those lying off the page's scan lattice (a paste at a "
                   "whole-pixel offset of a skewed scan) or far closer than two genuine prints (a copy carries "
                   "its source's grain and JPEG history).")

    def __init__(self, alert: float = 0.5):
        self.alert = alert  # copies scoring at least this get evidence and masks

    def detect(self, page: Page) -> DetectorResult:
        """Score the page by its strongest copy when it reaches the alert level (0 otherwise: weak look-alike
        evidence is common on genuine pages); map every copy, mask and report those above the alert level."""
        gray = gray_of(page.image)
        shape = gray.shape
        mask, source_mask = np.zeros(shape, bool), np.zeros(shape, bool)
        heatmap = np.zeros(shape, np.float32)
        copies = find_copies(gray)
        evidence = []
        for copy in copies:
            score = copy.score
            for b in copy.sources + copy.targets:
                region = _clip(b, shape)
                heatmap[region] = np.maximum(heatmap[region], score)
            if score < self.alert:
                continue
            for b in copy.targets:
                mask[_clip(b, shape)] = True
            for b in copy.sources:
                source_mask[_clip(b, shape)] = True
            box, source_box = _union(copy.targets), _union(copy.sources)
            evidence.append(Evidence(
                kind="copy_move", box=box, source_box=source_box, score=score,
                message=(f"Region at ({box[0]},{box[1]})-({box[2]},{box[3]}) duplicates the pixels of "
                         f"({source_box[0]},{source_box[1]})-({source_box[2]},{source_box[3]}) "
                         f"({len(copy.targets)} glyph(s) at one offset, off the scan's glyph lattice or sharing their "
                         "noise); either side may be the copy.")))
        score = copies[0].score if copies and copies[0].score >= self.alert else 0.0
        return DetectorResult(score, heatmap, mask, source_mask, evidence)
