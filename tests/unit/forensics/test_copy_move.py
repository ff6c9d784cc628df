"""Copy-move detector: a planted word copy is found, genuine repeated glyphs are not, odd pages do not crash."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw
from vigie.core.pages import Page
from vigie.forensics.copy_move import CopyMoveDetector
from vigie.synth import fonts

LINES = ["Total 1250,50 EUR  Date 12/05/2024", "Montant 1250,50 EUR  Ref 5555 5555",
         "Patient Martin Dupont 0155 2255", "Total 1250,50 EUR  Date 12/05/2024",
         "Montant 1250,50 EUR  Ref 5555 5555", "Patient Martin Dupont 0155 2255"]
WORD = (60, 292, 250, 336)  # x0, y0, x1, y1 around the first words of line 5
DESTINATION = (560, 540)  # blank area where the copy is pasted


def _scanned_text_page(copy: bool, seed: int = 3) -> np.ndarray:
    """A printed-and-scanned text page: text, independent grainy noise, JPEG; optionally a word copied elsewhere."""
    rng = np.random.default_rng(seed)
    font = fonts.load(fonts.resolve(fonts.available_families()[0]), 30)
    page = Image.new("L", (900, 700), 255)
    draw = ImageDraw.Draw(page)
    for k, line in enumerate(LINES):
        draw.text((60, 40 + 60 * k), line, fill=20, font=font)
    gray = cv2.GaussianBlur(np.asarray(page, np.float32), (0, 0), 0.6)
    grain = cv2.resize(rng.normal(0, 10, (350, 450)).astype(np.float32), (900, 700), interpolation=cv2.INTER_LINEAR)
    gray = np.clip(gray * 0.8 + 30 + grain + rng.normal(0, 2, gray.shape), 0, 255).astype(np.uint8)
    if copy:
        x0, y0, x1, y1 = WORD
        dx, dy = DESTINATION
        gray[dy:dy + y1 - y0, dx:dx + x1 - x0] = gray[y0:y1, x0:x1]
    buffer = io.BytesIO()
    Image.fromarray(gray).convert("RGB").save(buffer, format="JPEG", quality=95)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def detector() -> CopyMoveDetector:
    return CopyMoveDetector()


def test_planted_word_copy_is_found_with_both_boxes(detector):
    image = _scanned_text_page(copy=True)
    result = detector.detect(Page(image=image, source="planted"))
    assert result.score >= 0.5
    assert result.evidence and result.evidence[0].kind == "copy_move"
    dx, dy = DESTINATION
    pasted = (dx, dy, dx + WORD[2] - WORD[0], dy + WORD[3] - WORD[1])
    found = {result.evidence[0].box, result.evidence[0].source_box}
    assert any(_overlaps(box, pasted) for box in found)
    assert any(_overlaps(box, WORD) for box in found)
    assert "duplicates the pixels" in result.evidence[0].message
    both = result.mask | result.source_mask
    assert both[pasted[1]:pasted[3], pasted[0]:pasted[2]].any() and both[WORD[1]:WORD[3], WORD[0]:WORD[2]].any()


def test_authentic_page_with_repeated_glyphs_stays_quiet(detector):
    result = detector.detect(Page(image=_scanned_text_page(copy=False), source="authentic"))
    assert result.score < 0.5
    assert result.evidence == []
    assert not result.mask.any() and not result.source_mask.any()


def test_maps_have_page_size_and_the_right_types(detector):
    image = _scanned_text_page(copy=True)
    result = detector.detect(Page(image=image, source="planted"))
    for array in (result.mask, result.source_mask):
        assert array.shape == image.shape[:2] and array.dtype == bool
    assert result.heatmap.shape == image.shape[:2] and result.heatmap.dtype == np.float32
    assert 0.0 <= result.heatmap.min() and result.heatmap.max() <= 1.0


def test_greyscale_origin_and_tiny_pages_do_not_crash(detector):
    grey = _scanned_text_page(copy=False)[..., :1].repeat(3, axis=2)
    assert 0.0 <= detector.detect(Page(image=grey, source="grey")).score <= 1.0
    tiny = detector.detect(Page(image=np.full((5, 7, 3), 255, np.uint8), source="tiny"))
    assert tiny.score == 0.0 and tiny.mask.shape == (5, 7) and tiny.evidence == []
    blank = detector.detect(Page(image=np.zeros((64, 64, 3), np.uint8), source="black"))
    assert blank.score == 0.0
