"""Copy-move detector: planted word and digit copies are found with their boxes (also after a JPEG re-save on another
grid), genuine repeated glyphs (scanned or born-digital) are not, odd pages do not crash."""

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


def _jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(gray).convert("RGB").save(buffer, format="JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


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
    return _jpeg(gray, 95)


def _digit_page(copy: bool, digital: bool = False, seed: int = 5) -> tuple[np.ndarray, tuple[int, int, int, int],
                                                                          tuple[int, int, int, int]]:
    """A page of amounts, scanned (0.6 degree askew, mild grain, first JPEG) or born-digital (JPEG only); optionally
    one digit cell pasted over a same-size glyph four lines below, as a forger changing an amount would. Returns the
    grey page and the (source, target) cells."""
    rng = np.random.default_rng(seed)
    font = fonts.load(fonts.resolve(fonts.available_families()[0]), 28)
    page = Image.new("L", (800, 600), 255)
    draw = ImageDraw.Draw(page)
    for k in range(8):
        draw.text((50, 40 + 60 * k), f"Montant {1234 + 1111 * k},56 EUR   Ref 98{k}7 {6543 - k * 12}", fill=25,
                  font=font)
    gray = np.asarray(page, np.float32)
    if not digital:
        rotation = cv2.getRotationMatrix2D((400.0, 300.0), 0.6, 1.0)
        gray = cv2.warpAffine(gray, rotation, (800, 600), flags=cv2.INTER_LINEAR, borderValue=255)
        grain = cv2.resize(rng.normal(0, 4.0, (300, 400)).astype(np.float32), (800, 600),
                           interpolation=cv2.INTER_LINEAR)
        gray = cv2.GaussianBlur(gray, (0, 0), 0.7) * 0.85 + 25 + grain
    scanned = _jpeg(np.clip(gray, 0, 255).astype(np.uint8), 90)[..., 0].copy()
    source, target = _digit_cells(scanned < 128)
    if copy:
        scanned[target[1]:target[3], target[0]:target[2]] = scanned[source[1]:source[3], source[0]:source[2]]
    return scanned, source, target


def _digit_cells(ink: np.ndarray) -> tuple[tuple[int, int, int, int], tuple[int, int, int, int]]:
    """Cells (ink box grown by 2-3 px) of a digit of line 3 and of the last same-size glyph of line 7."""
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    glyphs = sorted((tuple(int(v) for v in s[:4]) for s in stats[1:] if s[3] >= 15), key=lambda s: (s[1], s[0]))
    line3 = [g for g in glyphs if 150 <= g[1] < 200]
    line7 = [g for g in glyphs if 390 <= g[1] < 440]
    x, y, w, h = line3[3]
    x2, y2, _, _ = next(g for g in line7[::-1] if abs(g[2] - w) <= 1 and abs(g[3] - h) <= 1)
    return (x - 2, y - 3, x + w + 2, y + h + 3), (x2 - 2, y2 - 3, x2 + w + 2, y2 + h + 3)


def _resave(gray: np.ndarray, quality: int, shift: int) -> np.ndarray:
    """Re-save on another 8 x 8 grid (crop `shift` pixels off the top-left first), as a forger's editor would."""
    return _jpeg(gray[shift:, shift:], quality)


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


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    inter = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / area


def test_a_pasted_digit_on_a_skewed_scan_is_found_with_source_and_target_boxes(detector):
    gray, source, target = _digit_page(copy=True)
    result = detector.detect(Page(image=np.repeat(gray[..., None], 3, axis=2), source="digit"))
    assert result.score >= 0.5
    top = result.evidence[0]
    assert top.kind == "copy_move"
    boxes = [top.box, top.source_box]
    assert max(_iou(b, source) for b in boxes) > 0.4 and max(_iou(b, target) for b in boxes) > 0.4
    assert result.mask[target[1]:target[3], target[0]:target[2]].any() or \
        result.source_mask[target[1]:target[3], target[0]:target[2]].any()


def test_a_pasted_digit_survives_a_jpeg_resave_on_another_grid(detector):
    gray, source, target = _digit_page(copy=True)
    resaved = _resave(gray, quality=80, shift=3)
    result = detector.detect(Page(image=resaved, source="digit-resaved"))
    assert result.score >= 0.5
    shifted = tuple(v - 3 for v in target)
    found = {result.evidence[0].box, result.evidence[0].source_box}
    assert any(_iou(box, shifted) > 0.3 for box in found)


def test_genuine_repeated_amounts_stay_quiet_scanned_or_born_digital(detector):
    for digital in (False, True):
        gray, _, _ = _digit_page(copy=False, digital=digital)
        result = detector.detect(Page(image=_resave(gray, quality=85, shift=2), source="amounts"))
        assert result.score < 0.5, f"digital={digital}"
        assert result.evidence == [] and not result.mask.any()
