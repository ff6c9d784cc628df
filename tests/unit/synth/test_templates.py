"""Clean-page templates: every layout renders at every dpi with tight field boxes on ink, printed amounts and
dates add up unless a deliberate inconsistency says otherwise, rendering is reproducible and layouts differ."""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from PIL import Image
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.fr import nir, siret
from vigie.documents.tariffs import TARIFF_TABLE, load_tariffs
from vigie.synth import content as content_mod
from vigie.synth.page import FORGEABLE_KINDS
from vigie.synth.templates import DOC_TYPES, INCONSISTENCIES, TEMPLATES, render

KINDS = set(FORGEABLE_KINDS) | {"identifier", "code", "text"}
ALL_INCONSISTENCIES = {"wrong_total", "wrong_line_total", "wrong_vat", "invalid_iban_key", "invalid_siret_key",
                       "invalid_nir_key", "invalid_rpps_key", "date_order"}
CASES = [(t, tpl) for t in DOC_TYPES for tpl in TEMPLATES[t]]
FORGEABLE_BY_TYPE = {"invoice": {"amount", "date", "practitioner_id", "patient_name"},
                     "prescription": {"date", "practitioner_id", "patient_name"},
                     "dental_quote": {"amount", "date", "practitioner_id", "patient_name"},
                     "optical_quote": {"amount", "date", "practitioner_id", "patient_name"},
                     "social_security_statement": {"amount", "date", "patient_name"},
                     "rib": {"iban", "patient_name"}, "tax_notice": {"amount", "date", "patient_name"},
                     "tp_card": {"date", "patient_name"}, "sick_leave": {"amount", "date", "patient_name"}}


# ----------------------------------------------------------------------------- a small independent checker

def _cents(value: str) -> int:
    return int(Decimal(value) * 100)


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _indexed(printed: dict, prefix: str) -> list[int]:
    return sorted(int(k[len(prefix):]) for k in printed if re.fullmatch(re.escape(prefix) + r"\d+", k))


def violations(doc_type: str, p: dict) -> set[str]:
    """Which consistency rules a document's printed values break (the checks a claims handler would run)."""
    found: set[str] = set()
    lines = _indexed(p, "act_amount_")
    if "act_qty_1" in p:
        for i in lines:
            if int(p[f"act_qty_{i}"]) * _cents(p[f"act_unit_price_{i}"]) != _cents(p[f"act_amount_{i}"]):
                found.add("wrong_line_total")
    if doc_type == "social_security_statement":
        for i in lines:
            expected = _half_up(Decimal(_cents(p[f"act_base_{i}"])) * Decimal(p[f"act_rate_{i}"]) / 100)
            if expected != _cents(p[f"act_amount_{i}"]):
                found.add("wrong_line_total")
        total = sum(_cents(p[f"act_amount_{i}"]) for i in lines)
        total += sum(_cents(p[f"act_amc_{i}"]) for i in _indexed(p, "act_amc_"))
        if total != _cents(p["amount_paid"]):
            found.add("wrong_total")
    if doc_type in ("invoice", "optical_quote", "dental_quote"):
        line_sum = sum(_cents(p[f"act_amount_{i}"]) for i in lines)
        if "vat" in p:
            by_rate: dict[str, int] = {}
            for i in lines:
                by_rate[p[f"act_vat_rate_{i}"]] = by_rate.get(p[f"act_vat_rate_{i}"], 0) + _cents(p[f"act_amount_{i}"])
            vat = sum(_half_up(Decimal(v) * Decimal(r) / 100) for r, v in by_rate.items())
            if vat != _cents(p["vat"]):
                found.add("wrong_vat")
            if line_sum != _cents(p["total_ht"]):
                found.add("wrong_total")
            if _cents(p["total_ht"]) + _cents(p["vat"]) != _cents(p["total_ttc"]):
                found.add("wrong_total")
        elif line_sum != _cents(p["total_ttc"]):
            found.add("wrong_total")
    if doc_type == "sick_leave":
        if sum(_cents(p[f"salary_{i}"]) for i in _indexed(p, "salary_")) != _cents(p["salary_total"]):
            found.add("wrong_total")
    if doc_type == "tax_notice":
        incomes = _cents(p["income_declarant_1"]) + _cents(p.get("income_declarant_2", "0"))
        if incomes - _cents(p["deduction_total"]) != _cents(p["taxable_income"]):
            found.add("wrong_total")
        if _cents(p["tax_amount"]) - _cents(p["withholding"]) != _cents(p["amount_due"]):
            found.add("wrong_total")
    if "iban" in p and not stdnum_iban.is_valid(p["iban"]):
        found.add("invalid_iban_key")
    if "siret" in p and not siret.is_valid(p["siret"]):
        found.add("invalid_siret_key")
    if "nir" in p and not nir.is_valid(p["nir"]):
        found.add("invalid_nir_key")
    if "rpps" in p and not luhn.is_valid(p["rpps"]):
        found.add("invalid_rpps_key")
    if not _dates_in_order(doc_type, p):
        found.add("date_order")
    return found


def _dates_in_order(doc_type: str, p: dict) -> bool:
    d = {k: dt.date.fromisoformat(v) for k, v in p.items() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)}
    chains = {
        "invoice": [("prescription_date", "care_date"), ("care_date", "invoice_date")],
        "dental_quote": [("quote_date", "validity_date")],
        "optical_quote": [("prescription_date", "quote_date")],
        "social_security_statement": [(f"act_date_{i}", "statement_date") for i in _indexed(p, "act_date_")],
        "tax_notice": [("statement_date", "collection_date")],
        "tp_card": [("valid_from", "valid_to")],
        "sick_leave": [("hire_date", "last_work_day"), ("last_work_day", "leave_start"),
                       ("leave_start", "signature_date")],
    }.get(doc_type, [])
    return all(d[a] <= d[b] for a, b in chains if a in d and b in d)


def _parse_amount(text: str) -> int:
    digits = text.replace("€", "").replace("EUR", "").replace(" ", "").replace(".", "").replace(",", ".")
    return _cents(digits)


# ----------------------------------------------------------------------------- registry

def test_registry_shape():
    assert DOC_TYPES == ("invoice", "prescription", "dental_quote", "optical_quote", "social_security_statement",
                         "rib", "tax_notice", "tp_card", "sick_leave")
    for doc_type in DOC_TYPES:
        assert len(TEMPLATES[doc_type]) >= 3
        assert all(t.startswith(doc_type + "-") for t in TEMPLATES[doc_type])
        assert set(INCONSISTENCIES[doc_type]) <= ALL_INCONSISTENCIES and INCONSISTENCIES[doc_type]


def test_bad_arguments_are_refused():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError):
        render("payslip", "payslip-a", 200, rng)
    with pytest.raises(ValueError):
        render("invoice", "rib-a", 200, rng)
    with pytest.raises(ValueError):
        render("rib", "rib-a", 200, rng, inconsistency="wrong_total")


# ----------------------------------------------------------------------------- rendering

@pytest.mark.parametrize("doc_type,template", CASES)
def test_renders_at_every_dpi_with_tight_boxes_on_ink(doc_type, template):
    for dpi, seed in ((150, 1), (200, 2), (300, 3)):
        page = render(doc_type, template, dpi, np.random.default_rng(seed))
        h, w = page.image.shape[:2]
        assert page.image.dtype == np.uint8 and page.image.shape[2] == 3
        if template != "tp_card-b":
            assert (w, h) == (round(210 * dpi / 25.4), round(297 * dpi / 25.4))
        if template != "tp_card-b":  # the card-size page is the card itself, printed on tinted plastic
            assert min(page.paper_color) >= 245
        assert FORGEABLE_BY_TYPE[doc_type] <= {f.kind for f in page.fields}
        names = [f.name for f in page.fields]
        assert len(names) == len(set(names))
        assert set(names) == set(page.content["printed"])
        for fv in page.fields:
            x0, y0, x1, y1 = fv.box
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h, (fv.name, fv.box)
            assert page.image[y0:y1, x0:x1].mean(axis=2).min() < 128, fv.name
            assert fv.kind in KINDS and fv.value.strip()
            words = [wd for wd in page.words if wd.field == fv.name]
            assert words
            union = (min(b.box[0] for b in words), min(b.box[1] for b in words), max(b.box[2] for b in words),
                     max(b.box[3] for b in words))
            assert union == fv.box
            assert [wd.text for wd in words] == fv.value.split()
        for wd in page.words:
            x0, y0, x1, y1 = wd.box
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h and " " not in wd.text
            assert wd.field is None or wd.field in page.content["printed"]
        assert not page.inconsistencies and violations(doc_type, page.content["printed"]) == set()


def test_word_boxes_are_tight_around_their_ink():
    page = render("invoice", "invoice-b", 200, np.random.default_rng(5))
    ink = np.any(page.image != np.array(page.paper_color, dtype=np.uint8), axis=2)
    for wd in page.words:
        x0, y0, x1, y1 = wd.box
        inside = ink[y0:y1, x0:x1]
        assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any(), wd.text
        ring = np.concatenate([ink[y0 - 1, x0 - 1:x1 + 1], ink[y1, x0 - 1:x1 + 1], ink[y0:y1, x0 - 1],
                               ink[y0:y1, x1]])
        assert not ring.any(), wd.text


def test_printed_amounts_match_the_canonical_values():
    for doc_type, template in (("invoice", "invoice-c"), ("optical_quote", "optical_quote-b"),
                               ("tax_notice", "tax_notice-a")):
        page = render(doc_type, template, 150, np.random.default_rng(11))
        for fv in page.fields_of_kind("amount"):
            assert _parse_amount(fv.value) == _cents(page.content["printed"][fv.name]), fv.value


# ----------------------------------------------------------------------------- content

@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_totals_add_up_and_each_inconsistency_breaks_its_rule(doc_type):
    for seed in range(12):
        clean = content_mod.build(doc_type, np.random.default_rng(seed))
        assert violations(doc_type, clean["printed"]) == set()
        assert clean["inconsistency"] is None
        for kind in INCONSISTENCIES[doc_type]:
            broken = content_mod.build(doc_type, np.random.default_rng(seed), kind)
            record = broken["inconsistency"]
            assert record["kind"] == kind and record["true_value"] != record["printed_value"]
            assert broken["printed"][record["field"]] == record["printed_value"]
            assert kind in violations(doc_type, broken["printed"]), (seed, record)


def test_inconsistency_is_printed_and_listed_on_the_page():
    page = render("invoice", "invoice-b", 150, np.random.default_rng(3), inconsistency="wrong_total")
    assert page.inconsistencies == ["wrong_total"]
    total = next(f for f in page.fields if f.name == "total_ttc")
    assert _parse_amount(total.value) == _cents(page.content["inconsistency"]["printed_value"])
    assert page.content["totals"]["total_ttc"] == float(page.content["inconsistency"]["true_value"])


def test_dates_are_coherent_in_the_truth():
    for seed in range(10):
        invoice = content_mod.build("invoice", np.random.default_rng(seed))
        dates = invoice["dates"]
        if dates["prescription_date"]:
            assert dates["prescription_date"] <= dates["care_date"]
        assert dates["care_date"] <= dates["invoice_date"]


def test_tariff_table_and_prices_within_its_ranges():
    with open(TARIFF_TABLE, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["code", "system", "label_fr", "care_type", "base_rate_eur", "min_eur", "max_eur"]
    assert 35 <= len(rows) <= 45
    assert {r["system"] for r in rows} == {"CCAM", "NGAP", "LPP"}
    assert {r["care_type"] for r in rows} == {"dental", "optical", "audio", "pharmacy", "consultation", "hospital"}
    for r in rows:
        assert 0 <= float(r["base_rate_eur"]) and float(r["min_eur"]) <= float(r["max_eur"])
    table = load_tariffs()
    for doc_type in ("invoice", "dental_quote", "optical_quote"):
        for seed in range(15):
            for line in content_mod.build(doc_type, np.random.default_rng(seed))["lines"]:
                act = table.get(line["code"])
                if act:
                    assert act.min_cents <= line["unit_cents"] <= act.max_cents, line


def test_content_is_json_serialisable():
    import json

    for doc_type in DOC_TYPES:
        json.dumps(content_mod.build(doc_type, np.random.default_rng(4), INCONSISTENCIES[doc_type][0]))


# ----------------------------------------------------------------------------- reproducibility and variety

def test_same_seed_same_page_and_different_seed_different_page():
    first = render("optical_quote", "optical_quote-a", 150, np.random.default_rng(42))
    again = render("optical_quote", "optical_quote-a", 150, np.random.default_rng(42))
    other = render("optical_quote", "optical_quote-a", 150, np.random.default_rng(43))
    assert np.array_equal(first.image, again.image)
    assert first.fields == again.fields and first.words == again.words and first.content == again.content
    assert not np.array_equal(first.image, other.image)


def _signature(page) -> np.ndarray:
    image = Image.fromarray(page.image).convert("L").resize((60, 84), Image.BILINEAR)
    return np.asarray(image, dtype=float)


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_templates_of_a_type_differ_more_than_seeds_of_a_template(doc_type):
    sig = {t: [_signature(render(doc_type, t, 150, np.random.default_rng(s))) for s in (1, 2)]
           for t in TEMPLATES[doc_type]}
    within = {t: np.abs(a - b).mean() for t, (a, b) in sig.items()}
    names = TEMPLATES[doc_type]
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            between = np.abs(sig[x][0] - sig[y][0]).mean()
            assert between > 1.2 * max(within[x], within[y]), (x, y, between, within)


def test_a_page_at_200_dpi_renders_quickly():
    render("invoice", "invoice-a", 200, np.random.default_rng(0))  # warm the font cache
    start = time.perf_counter()
    for seed in range(5):
        render("tax_notice", "tax_notice-b", 200, np.random.default_rng(seed))
    assert (time.perf_counter() - start) / 5 < 1.0
