from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from vigie.synth import degrade, fonts, forgeries
from vigie.synth.forgeries import FORGERY_OPERATIONS, Forgery, ForgeryError, apply_forgery, forgeable_kinds
from vigie.synth.page import FORGEABLE_KINDS, RenderedPage

CASES = [(op, kind) for op in FORGERY_OPERATIONS for kind in FORGEABLE_KINDS]


def forge(page: RenderedPage, donor: RenderedPage, op: str, kind: str, seed: int = 0) -> Forgery:
    return apply_forgery(page.image, page, op, kind, np.random.default_rng(seed), donor=(donor.image, donor))


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.any(a != b, axis=2)


@pytest.mark.parametrize("op", FORGERY_OPERATIONS)
def test_the_fixture_page_offers_every_kind(page, op):
    assert forgeable_kinds(page, op) == list(FORGEABLE_KINDS)


@pytest.mark.parametrize("op,kind", CASES)
def test_forgery_changes_pixels_inside_its_mask_and_nowhere_else(page, donor, op, kind):
    before = page.image.copy()
    for seed in (0, 1):
        f = forge(page, donor, op, kind, seed)
        assert np.array_equal(page.image, before)  # the input page is left alone
        diff = changed(page.image, f.image)
        assert f.mask.shape == page.image.shape[:2] and f.mask.dtype == bool
        assert f.mask.any()
        assert diff[f.mask].sum() >= 20
        assert diff[~f.mask].sum() == 0
        x0, y0, x1, y1 = f.record["target_box"]
        assert f.mask[y0:y1, x0:x1].any() and not f.mask[:y0].any() and not f.mask[y1:].any()
        assert (f.source_mask is not None) == (op == "copy_move")


@pytest.mark.parametrize("op,kind", CASES)
def test_record_is_json_and_describes_the_change(page, donor, op, kind):
    f = forge(page, donor, op, kind)
    record = json.loads(json.dumps(f.record))
    assert record["operation"] == op and record["field_kind"] == kind
    field = next(x for x in page.fields if x.name == record["field"])
    assert field.kind == kind and record["original_value"] == field.value
    assert record["mask_pixels"] == int(f.mask.sum())
    if op != "white_out" or record["rewritten"] != "none":
        assert record["new_value"] and record["new_value"] != record["original_value"]


@pytest.mark.parametrize("op", ["copy_move", "splicing", "retype"])
def test_new_values_are_plausible(page, donor, op):
    for seed in range(4):
        amount = forge(page, donor, op, "amount", seed).record
        ratio = forgeries.parse_amount(amount["new_value"]) / forgeries.parse_amount(amount["original_value"])
        assert 1.1 <= ratio <= 4.0
        date = forge(page, donor, op, "date", seed).record
        shift = abs((forgeries.parse_date(date["new_value"])[0] - forgeries.parse_date(date["original_value"])[0]).days)
        assert 1 <= shift <= 400
        iban = forge(page, donor, op, "iban", seed).record
        assert len(iban["new_value"]) == len(iban["original_value"]) or op == "splicing"
        assert forgeries.iban_is_valid(iban["new_value"]) and iban["checksum_valid"] is True
        rpps = forge(page, donor, op, "practitioner_id", seed).record
        assert forgeries.luhn_is_valid(rpps["new_value"]) and rpps["checksum_valid"] is True
        name = forge(page, donor, op, "patient_name", seed).record
        assert name["new_value"].split() != name["original_value"].split()


def test_copy_move_source_and_target_are_disjoint_and_alike(page, donor):
    exact = 0
    for kind in FORGEABLE_KINDS:
        for seed in range(4):
            f = forge(page, donor, "copy_move", kind, seed)
            assert f.source_mask.any() and not (f.source_mask & f.mask).any()
            assert not changed(page.image, f.image)[f.source_mask].any()
            for unit, offset in zip(f.record["units"], f.record["offsets"]):
                if offset is None:
                    continue
                x0, y0, x1, y1 = unit["target_box"]
                dx, dy = offset
                assert np.array_equal(f.image[y0:y1, x0:x1], page.image[y0 - dy:y1 - dy, x0 - dx:x1 - dx])
                assert unit["source_box"] == [x0 - dx, y0 - dy, x1 - dx, y1 - dy]
                exact += 1
    assert exact > 0


def test_grid_aligned_copy_moves_shift_by_whole_blocks(page, donor):
    forged = [forge(page, donor, "copy_move", kind, s) for kind in ("amount", "practitioner_id") for s in range(20)]
    aligned = [f for f in forged if f.record["grid_aligned"]]
    assert aligned
    for f in aligned:
        assert all(o is not None and o[0] % 8 == 0 and o[1] % 8 == 0 for o in f.record["offsets"])
        assert f.record["transform"] is None


def test_copy_move_sometimes_resamples_the_patch(page, donor):
    transforms = [forge(page, donor, "copy_move", "amount", s).record["transform"] for s in range(30)]
    used = [t for t in transforms if t]
    assert used
    for t in used:
        assert 0.95 <= t.get("scale", 1.0) <= 1.05 and abs(t.get("rotation_deg", 0.0)) <= 2.0


def test_retype_uses_the_same_font_or_its_lookalike(page, donor):
    seen = set()
    for seed in range(12):
        r = forge(page, donor, "retype", "date", seed).record
        seen.add(r["font_matched"])
        expected = r["original_font_family"] if r["font_matched"] else fonts.LOOKALIKE[r["original_font_family"]]
        assert r["font_family"] == expected
        if r["font_matched"]:
            assert abs(r["size_px"] - r["original_size_px"]) <= 0.1 * r["original_size_px"]
        assert r["erase_method"] in ("inpaint", "fill")
    assert seen == {True, False}


def test_retype_erases_the_old_value(page, donor):
    f = forge(page, donor, "retype", "iban", 3)
    x0, y0, x1, y1 = f.record["target_box"]
    before, after = page.image[y0:y1, x0:x1].mean(axis=2), f.image[y0:y1, x0:x1].mean(axis=2)
    assert ((before < 100) & (after > 180)).sum() > 50  # strokes of the old digits are gone


def test_white_out_covers_the_field_with_bright_fluid(page, donor):
    rewrites = set()
    for seed in range(10):
        f = forge(page, donor, "white_out", "date", seed)
        rewrites.add(f.record["rewritten"])
        x0, y0, x1, y1 = f.record["fluid_box"]
        field = next(x for x in page.fields if x.name == f.record["field"])
        if f.record["covered_text"] == field.value:
            assert x0 <= field.box[0] and x1 >= field.box[2]
        if f.record["rewritten"] == "none":
            assert f.record["new_value"] is None
            assert np.median(f.image[y0:y1, x0:x1]) > 230
    assert rewrites == {"none", "retyped", "handwritten"}


def test_splicing_records_its_donor_and_scale(page, donor):
    f = forge(page, donor, "splicing", "patient_name")
    assert f.record["donor_template"] == donor.template
    assert [u["scale"] for u in f.record["units"]] == [pytest.approx(22 / 26, abs=1e-3)]
    assert f.record["font_matched"] is False
    assert f.record["source_box"] is None  # page boxes only; the donor's are apart
    x0, y0, x1, y1 = f.record["donor_source_boxes"][0]
    assert 0 <= x0 < x1 <= donor.image.shape[1] and 0 <= y0 < y1 <= donor.image.shape[0]


def test_a_shorter_word_erases_the_rest_of_the_old_one(page, donor):
    erased = [u for s in range(6) for u in forge(page, donor, "copy_move", "patient_name", s).record["units"]
              if u["erased_box"]]
    assert erased  # "DUPONT" is wider than the "MARTIN" copied over it
    for u in erased:
        ex0, ey0, ex1, ey1 = u["erased_box"]
        x0, y0, x1, y1 = u["target_box"]
        assert ex0 <= x0 and x1 <= ex1 and (ey0, ey1) == (y0, y1)


def test_forgeries_are_deterministic_for_a_seed(page, donor):
    for op in FORGERY_OPERATIONS:
        a, b = forge(page, donor, op, "amount", 7), forge(page, donor, op, "amount", 7)
        assert np.array_equal(a.image, b.image) and a.record == b.record


def test_forgery_on_a_scanned_page(page, donor):
    rng = np.random.default_rng(3)
    plan = dataclasses.replace(degrade.sample_plan(rng), print_scan=True, rotation_deg=0.8, noise_sigma=2.5,
                               blur_sigma=0.7, background_removal=False)
    scanned, affine = degrade.scan(page.image, plan, rng)
    saved = degrade.first_save(scanned, plan)
    mapped = degrade.transform_page(page, affine, saved)
    for op in FORGERY_OPERATIONS:
        for kind in ("amount", "date"):
            f = apply_forgery(saved, mapped, op, kind, np.random.default_rng(1), donor=(donor.image, donor))
            diff = changed(saved, f.image)
            assert f.mask.any() and diff[f.mask].sum() >= 20 and diff[~f.mask].sum() == 0


def test_impossible_requests_raise(page, donor):
    bare = dataclasses.replace(page, fields=[x for x in page.fields if x.kind != "iban"],
                               words=[w for w in page.words if w.field != "iban"])
    assert "iban" not in forgeable_kinds(bare, "retype")
    with pytest.raises(ForgeryError):
        apply_forgery(bare.image, bare, "retype", "iban", np.random.default_rng(0))
    with pytest.raises(ValueError):
        apply_forgery(page.image, page, "splicing", "amount", np.random.default_rng(0))
    with pytest.raises(ValueError):
        apply_forgery(page.image, page, "smudge", "amount", np.random.default_rng(0))
    with pytest.raises(ValueError):
        apply_forgery(page.image, page, "retype", "address", np.random.default_rng(0))
