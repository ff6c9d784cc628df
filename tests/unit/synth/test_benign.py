from __future__ import annotations

import json

import numpy as np
import pytest
from vigie.synth.benign import BENIGN_EDITS, apply_benign_edit


def gray(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32).mean(axis=2)


@pytest.mark.parametrize("kind", BENIGN_EDITS)
def test_edit_marks_the_page_inside_its_box_only(page, kind):
    marked = 0
    for seed in range(6):
        before = page.image.copy()
        out, record = apply_benign_edit(page.image, page, kind, np.random.default_rng(seed))
        assert np.array_equal(page.image, before)  # the input is left alone
        assert json.loads(json.dumps(record))["kind"] == kind
        assert set(record) >= {"kind", "box", "text"}
        diff = np.any(out != page.image, axis=2)
        if record["box"] is None:
            assert not diff.any()
            continue
        x0, y0, x1, y1 = record["box"]
        inside = np.zeros_like(diff)
        inside[max(0, y0 - 1):y1 + 1, max(0, x0 - 1):x1 + 1] = True
        assert diff.any() and diff[inside].sum() > 0.98 * diff.sum()
        marked += 1
    assert marked >= 4


@pytest.mark.parametrize("kind", BENIGN_EDITS)
def test_fields_stay_legible(page, kind):
    for seed in range(6):
        out, _ = apply_benign_edit(page.image, page, kind, np.random.default_rng(seed))
        for field in page.fields:
            x0, y0, x1, y1 = field.box
            ink = gray(page.image[y0:y1, x0:x1]) < 100
            still = gray(out[y0:y1, x0:x1]) < 100
            assert (ink & still).sum() >= 0.99 * ink.sum(), field.name
            assert np.all(out[y0:y1, x0:x1] <= page.image[y0:y1, x0:x1])  # ink only ever darkens the page


def test_stamp_styles_and_inks(page):
    records = [apply_benign_edit(page.image, page, "stamp", np.random.default_rng(s))[1] for s in range(20)]
    assert {r["style"] for r in records} == {"word", "dated", "cachet"}
    cachets = [r for r in records if r["style"] == "cachet"]
    assert all("MARTIN" in r["text"] for r in cachets)
    assert all(max(r["color"]) - min(r["color"]) > 60 for r in records)  # red, blue or violet, never grey


def test_notes_avoid_printed_words(page):
    for seed in range(10):
        _, record = apply_benign_edit(page.image, page, "handwritten_note", np.random.default_rng(seed))
        if record["box"] is None:
            continue
        x0, y0, x1, y1 = record["box"]
        assert not any(w.box[0] < x1 and x0 < w.box[2] and w.box[1] < y1 and y0 < w.box[3] for w in page.words)


def test_highlighter_tints_a_text_line(page):
    out, record = apply_benign_edit(page.image, page, "highlighter", np.random.default_rng(2))
    x0, y0, x1, y1 = record["box"]
    region = out[y0:y1, x0:x1].reshape(-1, 3).astype(int)
    tinted = region[(region.max(axis=1) - region.min(axis=1)) > 40]
    assert len(tinted) > 0.3 * len(region)
    assert record["fields_overlapped"]


def test_benign_edits_are_deterministic(page):
    for kind in BENIGN_EDITS:
        a = apply_benign_edit(page.image, page, kind, np.random.default_rng(11))
        b = apply_benign_edit(page.image, page, kind, np.random.default_rng(11))
        assert np.array_equal(a[0], b[0]) and a[1] == b[1]


def test_unknown_edit_is_refused(page):
    with pytest.raises(ValueError):
        apply_benign_edit(page.image, page, "coffee_stain", np.random.default_rng(0))
