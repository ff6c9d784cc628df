"""Blocking phase: a JPEG save's 8 x 8 grid is found on paper, and a region saved on another grid stands out."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from vigie.forensics.jpeg_grid import GRID_FEATURES, page_profiles, word_grid_features


def _jpeg_gray(image: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L")).astype(np.float32)


def _paper(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    return np.clip(235 + rng.normal(0, 3.0, shape), 0, 255).astype(np.uint8)


def test_page_grid_phase_is_found_where_the_save_put_it():
    rng = np.random.default_rng(0)
    gray = _jpeg_gray(_paper(rng, (256, 256)), 70)[3:, 5:]  # crop: the grid now starts at columns 3, rows 5 (mod 8)
    horizontal, vertical = page_profiles(gray, np.ones(gray.shape, bool))
    assert int(np.argmax(horizontal)) == (8 - 5) % 8 and int(np.argmax(vertical)) == (8 - 3) % 8
    assert horizontal.max() > 1.2


def test_region_saved_on_another_grid_disagrees_with_the_page():
    rng = np.random.default_rng(1)
    page = _jpeg_gray(_paper(rng, (320, 320)), 65)
    donor = _jpeg_gray(_paper(rng, (320, 320)), 65)
    page[100:164, 100:196] = donor[3:67, 5:101]  # pasted with its grid shifted by (5, 3)
    paper = np.ones(page.shape, bool)
    boxes = np.array([[100, 100, 196, 164], [200, 200, 296, 264]])
    features = word_grid_features(page, paper, boxes)
    corr = GRID_FEATURES.index("grid_h_corr")
    assert features.shape == (2, len(GRID_FEATURES))
    assert features[1, corr] > 0.5 > features[0, corr]
