"""The splicing detector: a word pasted from another scan is found where it is; a clean scan is left alone."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image
from vigie.core.pages import Page, load_pages
from vigie.forensics import splicing
from vigie.forensics.registry import get_detector
from vigie.forensics.splicing import SplicingDetector

WORDS = ("Facture", "Total", "12,50", "Date", "Patient", "Dupont", "Montant", "EUR", "2023", "Paris", "Code",
         "Acte", "Reglement", "Assure", "Numero")


def _text_page(rng: np.random.Generator, height: int = 900, width: int = 760) -> np.ndarray:
    """Clean black-on-white lines of words, about 11-point at 200 dpi."""
    page = np.full((height, width), 255, np.uint8)
    for y in range(70, height - 60, 46):
        x = 50
        while x < width - 150:
            word = WORDS[int(rng.integers(len(WORDS)))]
            cv2.putText(page, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2, cv2.LINE_AA)
            x += cv2.getTextSize(word, cv2.FONT_HERSHEY_SIMPLEX, 0.8, 2)[0][0] + 18
    return page


def _scan(gray: np.ndarray, rng: np.random.Generator, noise: float, blur: float, paper: int = 238,
          ink: int = 40) -> np.ndarray:
    """A scanned look: blur, tone levels, correlated sensor noise; RGB uint8."""
    out = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), blur)
    out = ink + out / 255.0 * (paper - ink)
    half = rng.standard_normal(((gray.shape[0] + 1) // 2, (gray.shape[1] + 1) // 2)).astype(np.float32)
    out += cv2.resize(half, gray.shape[::-1], interpolation=cv2.INTER_LINEAR) * noise / 0.62
    out = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return np.repeat(out[..., None], 3, axis=2)


def _jpeg(image: np.ndarray, quality: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


@pytest.fixture(scope="module")
def pages() -> dict[str, object]:
    rng = np.random.default_rng(7)
    target = _decoded(_jpeg(_scan(_text_page(rng), rng, noise=1.0, blur=0.6), 90))
    donor = _decoded(_jpeg(_scan(_text_page(rng), rng, noise=5.0, blur=1.1, paper=244, ink=25), 70))
    forged = target.copy()
    box = (300, 375, 440, 400)  # a word-sized rectangle on a text line of the target
    x0, y0, x1, y1 = box
    forged[y0:y1, x0:x1] = donor[y0 + 92:y1 + 92, x0 - 40:x1 - 40]
    data = _jpeg(forged, 85)
    return {"clean": load_pages(_jpeg(target, 85), "clean.jpg")[0], "forged": load_pages(data, "forged.jpg")[0],
            "box": box}


def test_pasted_word_from_another_scan_is_found_at_its_place(pages):
    result = SplicingDetector().detect(pages["forged"])
    x0, y0, x1, y1 = pages["box"]
    assert result.score >= 0.5
    assert result.heatmap.shape == pages["forged"].image.shape[:2]
    inside = result.heatmap[y0:y1, x0:x1].max()
    outside = result.heatmap.copy()
    outside[y0 - 10:y1 + 10, x0 - 10:x1 + 10] = 0
    assert inside >= 0.5 and inside > outside.max()
    assert result.mask[y0:y1, x0:x1].any()
    assert result.evidence and result.evidence[0].kind == "splicing"
    ex0, ey0, ex1, ey1 = result.evidence[0].box
    assert ex0 < x1 and ex1 > x0 and ey0 < y1 and ey1 > y0


def test_clean_scan_scores_below_the_pasted_one(pages):
    detector = SplicingDetector()
    clean = detector.detect(pages["clean"])
    forged = detector.detect(pages["forged"])
    assert clean.score < 0.5 < forged.score
    assert not clean.evidence


def test_features_are_relative_to_the_page():
    rng = np.random.default_rng(3)
    page = Page(_scan(_text_page(rng), rng, noise=2.0, blur=0.7), "p.png", format="PNG", dpi=200.0)
    features, boxes = splicing.page_features(page)
    assert features.shape == (len(boxes), len(splicing.FEATURE_NAMES)) and len(boxes) > 100
    noise = features[:, splicing.FEATURE_NAMES.index("fine_c_page")]
    assert abs(float(np.nanmedian(noise))) < 0.05  # a homogeneous page: characters match the page


@pytest.mark.parametrize("kind", ["grey", "png", "blank", "tiny", "rgba"])
def test_odd_inputs_do_not_crash(kind):
    rng = np.random.default_rng(5)
    if kind == "blank":
        image = np.full((200, 300, 3), 255, np.uint8)
    elif kind == "tiny":
        image = np.zeros((5, 4, 3), np.uint8)
    else:
        image = _scan(_text_page(rng, 400, 500), rng, noise=1.5, blur=0.6)
    buffer = io.BytesIO()
    if kind == "grey":
        Image.fromarray(image[..., 0]).save(buffer, "JPEG", quality=80)
    elif kind == "rgba":
        Image.fromarray(np.dstack([image, np.full(image.shape[:2], 255, np.uint8)])).save(buffer, "PNG")
    else:
        Image.fromarray(image).save(buffer, "PNG")
    [page] = load_pages(buffer.getvalue(), f"odd.{kind}")
    result = get_detector("splicing").detect(page)
    assert 0.0 <= result.score <= 1.0
    assert result.heatmap.shape == page.image.shape[:2] and result.mask.shape == page.image.shape[:2]
    assert result.heatmap.dtype == np.float32 and result.heatmap.min() >= 0 and result.heatmap.max() <= 1


def test_a_page_given_as_a_grey_array_is_scored():
    rng = np.random.default_rng(9)
    gray = _scan(_text_page(rng, 400, 500), rng, noise=1.5, blur=0.6)[..., 0]
    result = SplicingDetector().detect(Page(gray, "grey.png", format="PNG"))
    assert result.heatmap.shape == gray.shape


def test_shipped_model_loads_offline():
    assert splicing.load_model() is not None
