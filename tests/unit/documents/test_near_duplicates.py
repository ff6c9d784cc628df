"""Near duplicates: a transformed copy of a known page is found, a same-template page with other content is not."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest
from vigie.documents.near_duplicates import (
    FINE_WORDS,
    N_MINHASH,
    NearDuplicateIndex,
    PageSignature,
    hash_distances,
    image_hashes,
    minhash,
    page_signature,
    text_shingles,
)
from vigie.documents.ocr import OcrPage, OcrWord
from vigie.runtime.local import LocalProject


def _layout(seed: int) -> np.ndarray:
    """A page of one template: a header bar, a table grid and text-like blocks placed by the seed."""
    rng = np.random.default_rng(seed)
    page = np.full((1100, 800, 3), 255, np.uint8)
    cv2.rectangle(page, (60, 60), (740, 130), (40, 40, 40), -1)
    for row in range(8):
        cv2.line(page, (60, 400 + 60 * row), (740, 400 + 60 * row), (0, 0, 0), 2)
    for _ in range(40):
        x, y = int(rng.integers(70, 650)), int(rng.integers(150, 1000))
        cv2.rectangle(page, (x, y), (x + int(rng.integers(30, 90)), y + 12), (20, 20, 20), -1)
    return page


def _with_values(page: np.ndarray, seed: int) -> np.ndarray:
    """The page with its value zone (four lines of printed numbers) drawn by the seed:
    another page of the same template when the seed differs."""
    rng = np.random.default_rng(1000 + seed)
    page = page.copy()
    page[250:370, 100:700] = 255
    for row in range(4):
        values = "  ".join(str(rng.integers(1, 10 ** int(rng.integers(2, 7)))) for _ in range(5))
        cv2.putText(page, values, (110, 275 + 28 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    return page


def _rescan(page: np.ndarray) -> np.ndarray:
    """Printed and scanned again: turned by half a degree, blurred, noisy, saved as a JPEG."""
    rng = np.random.default_rng(5)
    turned = cv2.warpAffine(page, cv2.getRotationMatrix2D((400, 550), 0.5, 1.0), (800, 1100),
                            borderValue=(230, 230, 230))
    noisy = cv2.GaussianBlur(turned, (0, 0), 0.6).astype(np.float32) + rng.normal(0, 3, turned.shape[:2])[..., None]
    _, jpeg = cv2.imencode(".jpg", np.clip(noisy, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def _ocr(lines: list[str]) -> OcrPage:
    words = [OcrWord(text, (10 * k, 20 * i, 10 * k + 8, 20 * i + 15), 0.9, i)
             for i, line in enumerate(lines) for k, text in enumerate(line.split())]
    return OcrPage(800, 1100, words)


def _content(seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return ["FACTURE n° " + str(rng.integers(10_000, 99_999)), "Date 12/03/2024" if seed % 2 else "Date 07/11/2023",
            "RPPS " + " ".join(str(rng.integers(100, 999)) for _ in range(4)),
            "SIRET " + " ".join(str(rng.integers(100, 999)) for _ in range(5))] + \
           [f"Acte {rng.integers(1000, 9999)} {rng.integers(10, 999)},{rng.integers(10, 99)}" for _ in range(6)]


def _bits(a: int, b: int) -> int:
    return bin(a ^ b).count("1")


def test_hash_survives_recompression_resize_margin_crop_and_rotation():
    page = _layout(1)
    h = image_hashes(page)[0]
    _, jpeg = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, 50])
    rotation = cv2.getRotationMatrix2D((400, 550), 1.0, 1.0)
    copies = [cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.resize(page, (560, 770), interpolation=cv2.INTER_AREA),
              page[40:, :], cv2.warpAffine(page, rotation, (800, 1100), borderValue=(230, 230, 230))]
    assert all(_bits(h, image_hashes(c)[0]) <= 8 for c in copies)
    assert _bits(h, image_hashes(_layout(2))[0]) > 8  # another layout is far


def test_copy_cut_short_on_one_side_stays_close_to_its_original():
    page = _layout(3)
    original = page_signature(page, None)
    known = np.array([original.image_hash], dtype=np.uint64)
    for cut in (page[:1012], page[88:], page[:, 64:], page[:, :736]):  # 8 % off one side
        signature = page_signature(np.ascontiguousarray(cut), None)
        padded_back, as_is = hash_distances(known, signature)[0], _bits(original.image_hash, signature.image_hash)
        assert padded_back <= 6 and padded_back < as_is


def test_copy_that_lost_its_header_is_found_by_its_nearly_identical_text():
    page = _layout(1)
    page[140:240, 60:740] = 0  # a dominant dark block (a barcode header) near the top
    known = page_signature(page, _ocr(_content(1)))
    index = NearDuplicateIndex()
    index.add("fraud-1#1", known)
    cropped = np.ascontiguousarray(page[300:])
    assert hash_distances(np.array([known.image_hash], np.uint64), page_signature(cropped, None))[0] > index.max_hamming
    assert [m.key for m in index.query(page_signature(cropped, _ocr(_content(1))))] == ["fraud-1#1"]
    assert index.query(page_signature(cropped, _ocr(_content(2)))) == []


def test_shingles_ignore_how_ocr_grouped_the_digits():
    assert text_shingles(_ocr(["Total 1 234,50 EUR"])) == text_shingles(_ocr(["Total 1234,5O EUR"]))


def test_minhash_agreement_estimates_jaccard():
    a, b = {f"{i:04d}" for i in range(100)}, {f"{i:04d}" for i in range(50, 150)}  # Jaccard 1/3
    assert abs(float((minhash(a) == minhash(b)).mean()) - 1 / 3) < 0.1
    assert (minhash(a) == minhash(set(a))).all()


def test_copy_is_found_and_same_template_page_is_not():
    index = NearDuplicateIndex()
    known = page_signature(_layout(1), _ocr(_content(1)))
    index.add("fraud-1#1", known)
    copy = cv2.resize(_layout(1), (700, 962), interpolation=cv2.INTER_AREA)
    matches = index.query(page_signature(copy, _ocr(_content(1)[:-1])))  # one line lost to OCR
    assert [m.key for m in matches] == ["fraud-1#1"] and matches[0].score > 0.6
    same_template = page_signature(_with_values(_layout(1), 2), _ocr(_content(2)))  # same look, other content
    assert _bits(known.image_hash, same_template.image_hash) <= index.max_hamming  # the hash cannot tell them apart
    assert index.query(same_template) == []


def test_rescanned_copy_whose_digits_ocr_misread_is_found_by_its_pixels():
    index = NearDuplicateIndex()
    card = _with_values(_layout(1), 1)
    index.add("fraud-card#1", page_signature(card, _ocr(_content(1))))
    misread = page_signature(_rescan(card), _ocr(_content(3)))  # OCR of the rescan read other digits
    matches = index.query(misread)
    assert [m.key for m in matches] == ["fraud-card#1"] and matches[0].ink_disagreement is not None
    other_card = page_signature(_rescan(_with_values(_layout(1), 2)), _ocr(_content(3)))
    assert _bits(page_signature(card, None).image_hash, other_card.image_hash) <= index.max_hamming
    assert index.query(other_card) == []


def test_pages_without_readable_text_match_only_when_nearly_identical():
    index = NearDuplicateIndex()
    index.add("card#1", page_signature(_layout(3), None))
    _, jpeg = cv2.imencode(".jpg", _layout(3), [cv2.IMWRITE_JPEG_QUALITY, 70])
    recompressed = page_signature(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), None)
    matches = index.query(recompressed)
    assert [m.key for m in matches] == ["card#1"] and matches[0].text_similarity is None and matches[0].score > 0.98
    moved = _layout(3)
    moved[300:330, 100:400] = 255  # other content in the same place: a different card of the template
    cv2.rectangle(moved, (420, 300), (700, 330), (20, 20, 20), -1)
    assert index.query(page_signature(moved, None)) == []


def test_index_round_trips_through_a_folder(tmp_path):
    index = NearDuplicateIndex(max_hamming=10, min_text_similarity=0.45)
    signature = page_signature(_layout(1), _ocr(_content(1)))
    index.add("fraud-1#1", signature)
    folder = LocalProject(tmp_path / "p").folder("known")
    index.save(folder)
    loaded = NearDuplicateIndex.load(folder)
    assert (loaded.keys, loaded.max_hamming, loaded.min_text_similarity) == (["fraud-1#1"], 10, 0.45)
    assert [m.key for m in loaded.query(signature)] == ["fraud-1#1"]


def test_saved_index_keeps_the_pixels_its_visual_check_needs(tmp_path):
    index = NearDuplicateIndex()
    card = _with_values(_layout(1), 1)
    index.add("fraud-card#1", page_signature(card, _ocr(_content(1))))
    folder = LocalProject(tmp_path / "p").folder("known")
    index.save(folder)
    misread = page_signature(_rescan(card), _ocr(_content(3)))
    assert [m.key for m in NearDuplicateIndex.load(folder).query(misread)] == ["fraud-card#1"]


def test_index_refuses_mismatched_arrays():
    with pytest.raises(ValueError, match="same length"):
        NearDuplicateIndex().add_arrays(["a"], np.zeros(2, np.uint64), np.zeros((1, FINE_WORDS), np.uint64),
                                        np.zeros((1, N_MINHASH), np.uint16), np.zeros(1, np.int32))


def test_query_against_100000_entries_takes_under_50_ms():
    rng = np.random.default_rng(0)
    signature = page_signature(_layout(1), _ocr(_content(1)))
    n = 100_000
    hashes = np.concatenate([np.full(n // 2, signature.image_hash, np.uint64) ^ rng.integers(0, 2**16, n // 2,
                                                                                               dtype=np.uint64),
                             rng.integers(0, 2**63, n - n // 2, dtype=np.uint64)])
    index = NearDuplicateIndex()
    index.add_arrays([f"e{i}" for i in range(n)], hashes, rng.integers(0, 2**63, (n, FINE_WORDS), dtype=np.uint64),
                     rng.integers(0, 2**16, (n, N_MINHASH), dtype=np.uint16), np.full(n, 50, np.int32))
    index.add("fraud#1", signature)
    index.query(signature)
    started = time.perf_counter()
    for _ in range(5):
        matches = index.query(signature)
    assert (time.perf_counter() - started) / 5 < 0.05
    assert [m.key for m in matches] == ["fraud#1"]


def test_signature_records_how_much_text_it_saw():
    signature = page_signature(_layout(1), _ocr(["no digits here"]))
    assert isinstance(signature, PageSignature) and signature.n_shingles == 0
