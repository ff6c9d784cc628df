"""Trace maps: box means from the integral images equal the direct means over the same pixels."""

from __future__ import annotations

import numpy as np
from vigie.forensics.noise_residual import BIN, STATS, trace_maps


def test_box_means_match_direct_computation():
    rng = np.random.default_rng(2)
    image = np.clip(230 + rng.normal(0, 4, (120, 160, 3)), 0, 255).astype(np.uint8)
    ink = np.zeros((120, 160), bool)
    ink[40:60, 30:34] = True
    image[ink] = 30
    maps, paper = trace_maps(image, ink)
    boxes = np.array([[10, 10, 50, 50], [20, 30, 80, 70]])
    means, counts = maps.stats(boxes)
    gray = image.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
    for row, (x0, y0, x1, y1) in enumerate(boxes):
        sel = paper[y0:y1, x0:x1]
        assert counts[row, 0] * BIN * BIN == sel.sum()  # counts are in bins of BIN x BIN pixels
        assert abs(means[row, STATS.index("paper")] - gray[y0:y1, x0:x1][sel].mean()) < 0.6
    assert np.isnan(means[0, STATS.index("core_noise")]) or counts[0, 3] > 0


def test_a_noisier_region_has_a_higher_noise_trace():
    rng = np.random.default_rng(3)
    image = np.clip(230 + rng.normal(0, 1.5, (100, 200, 3)), 0, 255)
    image[:, 100:] = np.clip(230 + rng.normal(0, 5.0, (100, 100, 3)), 0, 255)
    maps, _ = trace_maps(image.astype(np.uint8), np.zeros((100, 200), bool))
    means, _ = maps.stats(np.array([[10, 10, 90, 90], [110, 10, 190, 90]]))
    fine = STATS.index("fine")
    assert means[1, fine] > 2 * means[0, fine]
