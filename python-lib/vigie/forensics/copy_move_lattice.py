"""The page's glyph lattice: where genuine twins can lie relative to each other, and how far a pair is off it.

A document is rendered with its glyphs at whole-pixel positions, then scanned (a small rotation theta about the
page centre plus a shift) and maybe resized by a factor f. The offset between two genuine prints of a character is
therefore f * R(theta) * (an integer vector): once the page's theta and f are known, de-rotating and un-scaling the
measured (sub-pixel) offset of a genuine pair lands within a few hundredths of a pixel of an integer point. A
copy-move is pasted in the scanned image at a whole-pixel offset (or resampled): its offset is f * (integers), which
de-rotated misses the lattice by about theta * distance, i.e. tenths of a pixel for a copy from a hundred pixels
away on a page scanned 0.5 degree askew. This cue is geometric: JPEG re-saves, which bury the shared scan noise,
barely move a glyph's sub-pixel position.

theta comes from same-line twins (their offset's slope); f from a fine search of the scale that puts the twins'
de-rotated offsets on integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

MIN_PAIRS = 8  # twins needed to fit the lattice
LINE_DISTANCE = 150.0  # pixels: same-line twins at least this far apart fix theta
SCALE_RANGE = (0.74, 1.26)  # resize factors searched
SCALE_STEP = 2.5e-5  # fine enough for offsets up to 2,000 pixels
FIT_PAIRS = 150  # twins used for the scale search
MIN_SPREAD = 0.02  # pixels: floor of the lattice's measured spread
MAX_SPREAD = 0.1  # pixels: a page whose twins scatter more than this has no usable lattice


@dataclass(frozen=True)
class Lattice:
    """Rotation (radians), scale and spread (median miss of the genuine twins, pixels) of a page's glyph lattice."""

    theta: float
    scale: float
    spread: float

    def miss(self, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
        """Distance (pixels, before scaling) from each de-rotated, un-scaled offset to the nearest integer point."""
        c, s = np.cos(self.theta), np.sin(self.theta)
        ux, uy = (c * dx + s * dy) / self.scale, (-s * dx + c * dy) / self.scale
        return np.hypot(ux - np.round(ux), uy - np.round(uy))


def _fraction(v: np.ndarray) -> np.ndarray:
    return np.abs(v - np.round(v))


def fit_lattice(dx: np.ndarray, dy: np.ndarray, twins: np.ndarray) -> Optional[Lattice]:
    """The lattice fitted on the pairs flagged as `twins` (likely genuine same-glyph pairs); None when unusable."""
    dx, dy = dx[twins], dy[twins]
    if len(dx) < MIN_PAIRS:
        return None
    line = (np.abs(dx) > LINE_DISTANCE) & (np.abs(dy) < 0.03 * np.abs(dx) + 2.0)
    theta = float(np.median(np.arctan(dy[line] / dx[line]))) if line.sum() >= 5 else 0.0
    c, s = np.cos(theta), np.sin(theta)
    ux, uy = c * dx + s * dy, -s * dx + c * dy
    fx, fy = ux[:FIT_PAIRS], uy[:FIT_PAIRS]
    scales = np.arange(SCALE_RANGE[0], SCALE_RANGE[1], SCALE_STEP)
    cost = np.zeros(len(scales))
    for start in range(0, len(scales), 4000):
        part = scales[start:start + 4000, None]
        cost[start:start + 4000] = (np.minimum(_fraction(fx[None] / part), 0.25)
                                    + np.minimum(_fraction(fy[None] / part), 0.25)).mean(axis=1)
    scale = float(scales[int(np.argmin(cost))])
    lattice = Lattice(theta, scale, 0.0)
    spread = max(float(np.median(lattice.miss(dx, dy))), MIN_SPREAD)
    return Lattice(theta, scale, spread) if spread <= MAX_SPREAD else None
