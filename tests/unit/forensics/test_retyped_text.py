"""The retyped-text detector: a word drawn clean on a scanned-looking line is flagged where it is, a clean page is
not, and grey or PNG input is handled."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw
from vigie.core.pages import Page, load_pages
from vigie.forensics import text_features, text_lines
from vigie.forensics.registry import get_detector
from vigie.forensics.retyped_text import RetypedTextDetector
from vigie.synth import fonts

SIZE = 28
LINES = ("Facture numero 2023 0412 du cabinet", "Patient Martin Bernard ne le 12 mai 1967",
         "Montant total 148,50 EUR regle par cheque", "Acte HBLD038 couronne dentoportee", "Total TTC 331,40 EUR",
         "IBAN FR76 3000 4000 0312 3456 7890 143", "Reference D2211 0913 devis 17 novembre")
FORGED_LINE, FORGED_WORD = 2, "148,50"


def _render(lines: tuple[str, ...]) -> tuple[np.ndarray, dict[str, tuple[int, int, int, int]]]:
    """A white page with the lines typed in Liberation Sans; returns it and the box of each word of FORGED_LINE."""
    font = fonts.load(fonts.resolve("liberation-sans"), SIZE)
    page = Image.new("L", (1100, 80 + 60 * len(lines)), 255)
    draw = ImageDraw.Draw(page)
    boxes = {}
    for row, text in enumerate(lines):
        x, y = 60, 60 + 60 * row
        for word in text.split(" "):
            box = draw.textbbox((x, y), word, font=font, anchor="ls")
            draw.text((x, y), word, fill=0, font=font, anchor="ls")
            if row == FORGED_LINE:
                boxes[word] = box
            x = box[2] + int(font.getlength(" "))
    return np.asarray(page), boxes


def _scan(gray: np.ndarray, seed: int) -> np.ndarray:
    """Print-and-scan look: toner spread, a soft toner curve, optics blur, grain, a JPEG save."""
    rng = np.random.default_rng(seed)
    out = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), 0.6)
    out = 35 + (238 - 35) / (1 + np.exp(-(out / 255.0 - 0.5) * 9))
    out = cv2.GaussianBlur(out.astype(np.float32), (0, 0), 0.9)
    out += cv2.resize(rng.normal(0, 2.5 / 0.62, (out.shape[0] // 2, out.shape[1] // 2)).astype(np.float32),
                      out.shape[::-1], interpolation=cv2.INTER_LINEAR)
    rgb = np.repeat(np.clip(np.rint(out), 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    return _jpeg(rgb, 80)


def _jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def _retype(scanned: np.ndarray, box: tuple[int, int, int, int], text: str) -> np.ndarray:
    """Erase the word's box with the paper colour and type new digits there, sharp and unscanned."""
    forged = scanned.copy()
    x0, y0, x1, y1 = box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3
    paper = np.median(scanned[y0 - 10:y0 - 4, x0:x1].reshape(-1, 3), axis=0)
    forged[y0:y1, x0:x1] = paper.astype(np.uint8)
    image = Image.fromarray(forged)
    ImageDraw.Draw(image).text((box[0], box[3]), text, fill=(20, 20, 20),
                               font=fonts.load(fonts.resolve("liberation-sans"), SIZE), anchor="ls")
    return np.asarray(image)


@pytest.fixture(scope="module")
def pages() -> dict:
    clean_gray, boxes = _render(LINES)
    scanned = _scan(clean_gray, 3)
    forged = _jpeg(_retype(scanned, boxes[FORGED_WORD], "948,50"), 90)
    return {"clean": _jpeg(scanned, 90), "forged": forged, "box": boxes[FORGED_WORD]}


def test_words_and_lines_are_found_without_ocr(pages):
    layout = text_lines.analyse(pages["clean"])
    words_per_line = [len(t.split(" ")) for t in LINES]
    assert abs(len(layout.words) - sum(words_per_line)) <= 4
    assert len(np.unique(layout.lines)) == len(LINES)
    features = text_features.word_features(pages["clean"], layout)
    assert features.shape == (len(layout.words), len(text_features.FEATURE_NAMES))
    assert np.isfinite(features).all()


def test_a_sharp_retyped_word_is_flagged_where_it_is(pages):
    detector = RetypedTextDetector()
    forged = detector.detect(Page(pages["forged"], "forged.jpg"))
    clean = detector.detect(Page(pages["clean"], "clean.jpg"))
    x0, y0, x1, y1 = pages["box"]
    assert forged.score > clean.score + 0.2
    assert forged.heatmap[y0:y1, x0:x1].max() == pytest.approx(forged.heatmap.max())
    assert forged.mask[y0:y1, x0:x1].mean() > 0.5
    assert forged.mask.sum() < 6 * (x1 - x0 + 8) * (y1 - y0 + 8)  # the flagged word, not the page
    [first, *_] = forged.evidence
    assert first.kind in ("retyped_text", "white_out") and first.box is not None
    bx0, by0, bx1, by1 = first.box
    assert bx0 <= x0 + 2 and bx1 >= x1 - 2 and by0 <= y0 + 2 and by1 >= y1 - 2


def test_a_clean_page_is_not_flagged(pages):
    result = RetypedTextDetector().detect(Page(pages["clean"], "clean.jpg"))
    assert result.score < 0.5
    assert not result.mask.any() and not result.evidence
    assert result.heatmap.dtype == np.float32 and 0.0 <= result.heatmap.min() <= result.heatmap.max() <= 1.0


def test_grey_png_and_blank_inputs_do_not_crash(pages):
    detector = get_detector("retyped_text")
    grey = cv2.cvtColor(pages["forged"], cv2.COLOR_RGB2GRAY)
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, "PNG")
    [page] = load_pages(buffer.getvalue(), "grey.png")
    result = detector.detect(page)
    assert result.heatmap.shape == grey.shape and 0.0 <= result.score <= 1.0
    for image in (grey, np.full((50, 60, 3), 255, np.uint8), np.zeros((40, 40, 3), np.uint8)):
        blank = detector.detect(Page(image, "array"))
        assert blank.mask.shape == image.shape[:2] and 0.0 <= blank.score <= 1.0


def test_training_labels_follow_the_mask_and_the_operation():
    from vigie.forensics.text_training import word_labels

    mask = np.zeros((100, 200), bool)
    mask[10:40, 20:120] = True
    words = [(25, 15, 60, 35), (110, 15, 150, 35), (150, 60, 190, 80)]  # inside, straddling, outside
    assert word_labels(words, mask, "retype").tolist() == [1, -1, 0]
    assert word_labels(words, mask, "copy_move").tolist() == [-1, -1, 0]  # genuine scanned pixels: left out
    assert word_labels(words, None, "").tolist() == [0, 0, 0]


def test_the_shipped_model_matches_the_features():
    from vigie.forensics.retyped_text import _load_model

    assert _load_model() is not None
