"""Consistency rules on hand-made pages: a clean page passes, each kind of error is named with its field and box,
and a check whose fields were not read is reported as not run, never as a failure."""

from __future__ import annotations

import json

import pandas as pd
from vigie.documents.consistency import FAILED, NOT_RUN, PASSED, check_page, failures
from vigie.documents.recipes_consistency import check_rows
from vigie.documents.tariffs import load_tariffs


def _boxed(values: dict) -> dict:
    """Fields with a distinct box each, so that a test can tell which box an evidence points at."""
    return {name: (value, (10, 20 * i, 200, 20 * i + 15)) for i, (name, value) in enumerate(values.items())}


PHARMACY_INVOICE = {
    "siret": "73282932000074", "rpps": "10003456786", "finess": "750712184",
    "patient_name": "M. Jean DUPONT", "nir": "185057800608491",
    "prescription_date": "2024-03-01", "care_date": "2024-03-05", "invoice_date": "2024-03-05",
    "act_code_1": "3400930000007", "act_qty_1": "2", "act_unit_price_1": "1.96", "act_vat_rate_1": "2.1",
    "act_amount_1": "3.92",
    "act_code_2": "HDA", "act_qty_2": "2", "act_unit_price_2": "1.02", "act_vat_rate_2": "2.1", "act_amount_2": "2.04",
    "act_code_3": "1104870", "act_qty_3": "1", "act_unit_price_3": "30.00", "act_vat_rate_3": "20",
    "act_amount_3": "30.00",
    "total_ht": "35.96", "vat": "6.13", "total_ttc": "42.09", "amo_share": "27.36", "amount_paid": "14.73",
}


def _failed(fields: dict, doc_type: str = "invoice"):
    return [r for r in check_page(_boxed(fields), doc_type) if r.status == FAILED]


def test_a_clean_invoice_passes_every_check_it_runs():
    results = check_page(_boxed(PHARMACY_INVOICE), "invoice")
    assert not [r for r in results if r.status == FAILED]
    ran = {r.kind for r in results if r.status != NOT_RUN}
    assert {"invalid_siret_key", "invalid_rpps_key", "invalid_nir_key", "invalid_finess_key", "invalid_cip13_key",
            "wrong_line_total", "wrong_total", "wrong_vat", "date_order", "tariff_out_of_range"} <= ran


def test_a_wrong_total_is_named_with_its_field_and_box():
    fields = {**PHARMACY_INVOICE, "total_ttc": "52.09"}
    evidence = failures(check_page(_boxed(fields), "invoice"))
    totals = [e for e in evidence if e.kind == "wrong_total"]
    assert totals and all(e.field == "total_ttc" for e in totals)
    assert totals[0].box == _boxed(fields)["total_ttc"][1]
    assert "52.09" in totals[0].message


def test_a_wrong_line_is_blamed_on_the_line_not_on_the_total():
    failed = _failed({**PHARMACY_INVOICE, "act_amount_1": "4.50"})
    assert [(r.kind, r.evidence.field) for r in failed] == [("wrong_line_total", "act_amount_1")]


def test_vat_accepts_rounding_per_rate_or_per_line_to_the_cent():
    page = {"act_qty_1": "1", "act_unit_price_1": "0.70", "act_vat_rate_1": "2.1", "act_amount_1": "0.70",
            "act_qty_2": "1", "act_unit_price_2": "0.70", "act_vat_rate_2": "2.1", "act_amount_2": "0.70",
            "total_ht": "1.40"}
    for vat, ok in (("0.03", True), ("0.02", True), ("0.04", False)):
        ttc = f"{1.40 + float(vat):.2f}"
        kinds = [r.kind for r in _failed({**page, "vat": vat, "total_ttc": ttc})]
        assert ("wrong_vat" not in kinds) is ok
    half_cent = {"act_qty_1": "1", "act_unit_price_1": "3.00", "act_vat_rate_1": "5.5", "act_amount_1": "3.00",
                 "total_ht": "3.00", "total_ttc": "3.17"}
    assert not _failed({**half_cent, "vat": "0.17"})  # 16.5 cents rounds half up
    assert [r.evidence.field for r in _failed({**half_cent, "vat": "0.16", "total_ttc": "3.16"})] == ["vat"]
    broken_twice = _failed({**half_cent, "vat": "0.16"})  # VAT and HT + VAT = TTC: the VAT is the one named
    assert {r.kind for r in broken_twice} == {"wrong_vat", "wrong_total"}
    assert {r.evidence.field for r in broken_twice} == {"vat"}


def test_dates_out_of_order_are_found():
    late_care = _failed({**PHARMACY_INVOICE, "care_date": "2024-03-20"})
    assert late_care and all(r.kind == "date_order" and "care_date" in r.fields for r in late_care)
    assert late_care[0].evidence.field == "care_date"  # the one date that breaks two orders
    quote = {"quote_date": "2024-05-10", "validity_date": "2024-05-10"}
    assert [r.kind for r in _failed(quote, "dental_quote")] == ["date_order"]  # validity must end after the quote
    born_after = _failed({"patient_birth_date": "2024-06-01", "prescription_date": "2024-05-01"}, "prescription")
    assert [r.kind for r in born_after] == ["date_order"]


def test_a_unit_price_outside_the_reference_range_is_evidence():
    consultation = {"act_code_1": "G", "act_qty_1": "1", "act_unit_price_1": "45.00", "act_amount_1": "45.00",
                    "total_ttc": "45.00"}
    failed = _failed(consultation)
    assert [(r.kind, r.evidence.field) for r in failed] == [("tariff_out_of_range", "act_unit_price_1")]
    assert load_tariffs()["G"].contains(3000)
    statement = {"act_code_1": "AMI", "act_paid_1": "15.75", "act_base_1": "15.75", "act_rate_1": "60",
                 "act_amount_1": "9.45"}  # 5 units at 3.15: the base tells how many
    assert not _failed(statement, "social_security_statement")


def test_a_price_misread_doubtfully_outside_its_range_asks_for_a_look_instead_of_failing():
    consultation = {**_boxed({"act_code_1": "G", "act_qty_1": "1", "act_amount_1": "45.00"}),
                    "act_unit_price_1": ("45.00", (1, 2, 3, 4), 0.74)}  # 25,00 misread
    results = [r for r in check_page(consultation, "invoice") if r.kind == "tariff_out_of_range"]
    assert [r.status for r in results] == [NOT_RUN] and "verify by hand" in results[0].message


DENTAL_QUOTE = {"act_code_1": "HBLD634", "act_amount_1": "320.00", "act_base_1": "120.00", "act_amo_1": "72.00",
                "act_code_2": "HBQK389", "act_amount_2": "7.98", "act_base_2": "7.98", "act_amo_2": "4.79",
                "total_ttc": "327.98", "total_base": "127.98", "amo_share": "76.79"}


def test_an_act_line_not_read_at_all_is_not_blamed_on_the_totals_but_a_forged_total_is():
    unread_line = {k: v for k, v in DENTAL_QUOTE.items() if not k.endswith("_2")}  # the last line: no gap shows
    assert not _failed(DENTAL_QUOTE, "dental_quote") and not _failed(unread_line, "dental_quote")
    forged = _failed({**DENTAL_QUOTE, "total_ttc": "427.98"}, "dental_quote")
    assert [(r.kind, r.evidence.field) for r in forged] == [("wrong_total", "total_ttc")]


def test_a_check_missing_a_field_is_not_run_and_not_a_failure():
    fields = {k: v for k, v in PHARMACY_INVOICE.items() if k not in ("total_ht", "act_amount_2")}
    results = check_page(_boxed({**fields, "vat": "9.99"}), "invoice")  # wrong, but its base was not read
    not_run = [r for r in results if r.status == NOT_RUN]
    assert any(r.check.startswith("total:total_ttc") for r in not_run)
    assert any(r.check == "vat:vat" for r in not_run)
    assert any(r.check == "line_total:act_amount_2" for r in not_run)
    assert not [r for r in results if r.status == FAILED]


def test_statement_reimbursement_is_base_times_rate():
    statement = {"act_code_1": "CS", "act_paid_1": "50.00", "act_base_1": "31.50", "act_rate_1": "70",
                 "act_amount_1": "22.05", "amount_paid": "22.05", "statement_date": "2024-04-02",
                 "act_date_1": "2024-03-20"}
    assert not _failed(statement, "social_security_statement")
    wrong = _failed({**statement, "act_amount_1": "31.90", "amount_paid": "31.90"}, "social_security_statement")
    assert ("wrong_line_total", "act_amount_1") in [(r.kind, r.evidence.field) for r in wrong]


def test_beneficiary_birth_date_and_sex_against_the_nir():
    quote = {"patient_name": "M. Jean DUPONT", "patient_birth_date": "1985-05-12", "nir": "185057800608491",
             "quote_date": "2024-05-10", "validity_date": "2024-08-08"}
    assert not _failed(quote, "dental_quote")
    wrong_birth = _failed({**quote, "patient_birth_date": "1987-05-12"}, "dental_quote")
    assert [(r.kind, r.evidence.field) for r in wrong_birth] == [("beneficiary_mismatch", "patient_birth_date")]
    wrong_sex = _failed({**quote, "patient_name": "Mme Jeanne DUPONT"}, "dental_quote")
    assert [(r.kind, r.evidence.field) for r in wrong_sex] == [("beneficiary_mismatch", "patient_name")]
    child = {**quote, "patient_birth_date": "2015-05-12"}  # a minor's claim may carry a parent's NIR
    assert not _failed(child, "dental_quote")
    spouse = {**quote, "patient_name": "Mme Jeanne DUPONT", "patient_birth_date": "1987-02-01",
              "insured_name": "M. Jean DUPONT"}  # the NIR is the insured's, not the patient's
    assert not _failed(spouse, "invoice")
    namesake = {**quote, "patient_birth_date": "1987-02-01", "insured_name": "M. Jean DUPONT",
                "beneficiary_relation": "Conjoint(e)"}  # the printed relation says the patient is not the insured
    assert not _failed(namesake, "invoice")


def test_the_insured_must_be_among_the_card_beneficiaries():
    card = {"insured_name": "M. Jean DUPONT", "nir": "185057800608491", "valid_from": "2024-01-01",
            "valid_to": "2024-12-31", "beneficiary_name_1": "DUPONT Jean", "beneficiary_birth_date_1": "1985-05-12",
            "beneficiary_name_2": "DUPONT Léa", "beneficiary_birth_date_2": "2016-09-30"}
    assert not _failed(card, "tp_card")
    stranger = _failed({**card, "insured_name": "M. Paul MARTIN"}, "tp_card")
    assert [(r.kind, r.evidence.field) for r in stranger] == [("beneficiary_mismatch", "insured_name")]


def test_recipe_rows_report_failures_as_evidence_and_empty_pages_as_errors():
    rows = pd.DataFrame([{"document_id": "images/x", "page": 1, "doc_type": "rib", "field": "iban",
                          "value": "FR7630006000011234567890180", "box": "[1, 2, 3, 4]", "confidence": 0.9,
                          "status": "ok", "error": ""}])
    row = check_rows(rows, load_tariffs())
    assert row["status"] == "ok" and row["n_failures"] == 1
    assert json.loads(row["evidence"])[0] | {"message": ""} == {
        "kind": "invalid_iban_key", "message": "", "box": [1, 2, 3, 4], "field": "iban", "score": 1.0,
        "source_box": None}
    unsure = check_rows(rows, load_tariffs(), min_confidence=0.95)  # a doubtful read is not read
    assert unsure["n_failures"] == 0 and unsure["status"] == "error"
    failed = check_rows(rows.assign(value="", status="error", error="unreadable page"), load_tariffs())
    assert failed["status"] == "error" and "unreadable page" in failed["error"]
    no_fields = check_rows(rows.assign(value="", status="empty", doc_type="other"), load_tariffs())
    assert no_fields["status"] == "empty"


def test_a_wrong_key_read_with_low_ocr_confidence_asks_for_a_look_instead_of_failing():
    fields = {"finess": ("418077849", (1, 2, 3, 4), 0.21)}  # 318077849 misread: its key no longer checks
    results = check_page(fields, "invoice")
    assert [(r.status, r.kind) for r in results if r.check == "key:finess"] == [(NOT_RUN, "invalid_finess_key")]
    assert "verify by hand" in next(r.message for r in results if r.check == "key:finess")
    clearly_read = check_page({"finess": ("418077849", (1, 2, 3, 4), 0.93)}, "invoice")
    assert [r.kind for r in clearly_read if r.status == FAILED] == ["invalid_finess_key"]


def test_the_recipe_reads_the_ocr_confidence_of_each_field():
    rows = pd.DataFrame([{"document_id": "images/x", "page": 1, "doc_type": "rib", "field": "iban",
                          "value": "FR7630006000011234567890180", "box": "[1, 2, 3, 4]", "confidence": 0.9,
                          "ocr_confidence": 0.2, "status": "ok", "error": ""}])
    unreadable = check_rows(rows, load_tariffs())
    assert unreadable["n_failures"] == 0 and "invalid_iban_key" in unreadable["not_run"]
    assert check_rows(rows.assign(ocr_confidence=0.9), load_tariffs())["n_failures"] == 1


def test_an_optional_term_seen_but_not_read_stops_its_sum_instead_of_counting_zero():
    statement = {"act_code_1": "CS", "act_amount_1": "22.05", "act_amc_1": "9.45", "act_code_2": "G",
                 "act_amount_2": "18.90", "act_amc_2": "8.10", "amount_paid": "58.50"}
    assert not _failed(statement, "social_security_statement")
    without_amc = {k: v for k, v in statement.items() if not k.startswith("act_amc")}
    assert [r.kind for r in _failed(without_amc, "social_security_statement")] == ["wrong_total"]  # a plain statement
    seen = {**_boxed(without_amc), "act_amc_1": ("", (5, 5, 9, 9))}  # its column printed, its values not read
    results = check_page(seen, "social_security_statement")
    assert not [r for r in results if r.status == FAILED]
    assert any(r.check.startswith("total:amount_paid") and r.status == NOT_RUN for r in results)
    tax = {"income_declarant_1": "30000", "deduction_total": "3000", "taxable_income": "47000"}
    assert _failed(tax, "tax_notice")
    assert not _failed({**tax, "income_declarant_2": ""}, "tax_notice")  # the second declarant printed, not read


def test_the_nir_is_not_compared_with_the_patient_when_an_insured_is_shown_but_not_read():
    quote = {"patient_name": "Mme Jeanne DUPONT", "patient_birth_date": "1987-02-01", "nir": "185057800608491",
             "invoice_date": "2024-05-10"}
    assert _failed(quote, "invoice")
    assert not _failed({**quote, "insured_name": ""}, "invoice")


def test_the_recipe_keeps_fields_seen_but_not_read_so_their_checks_do_not_run():
    rows = pd.DataFrame([
        {"field": "act_code_1", "value": "CS", "status": "ok"},
        {"field": "act_amount_1", "value": "22.05", "status": "ok"},
        {"field": "amount_paid", "value": "31.50", "status": "ok"},
        {"field": "act_amc_1", "value": "", "status": "unread"}]).assign(
        document_id="images/x", page=1, doc_type="social_security_statement", box="[1, 2, 3, 4]", confidence=0.9,
        error="")
    assert check_rows(rows, load_tariffs())["n_failures"] == 0
    assert check_rows(rows[rows["status"] == "ok"], load_tariffs())["n_failures"] == 1


def test_a_doubtful_total_is_blamed_only_when_no_misread_of_one_digit_or_comma_explains_it():
    acts = _boxed({"act_code_1": "HBLD634", "act_amount_1": "320.00", "act_code_2": "HBQK389",
                   "act_amount_2": "7.98"})
    def total_check(read: str, confidence: float = 0.78) -> str:
        page = {**acts, "total_ttc": (read, (1, 2, 3, 4), confidence)}
        return next(r.status for r in check_page(page, "dental_quote") if r.check.startswith("total:total_ttc"))
    assert total_check("327.98") == PASSED
    assert total_check("321.98") == NOT_RUN and total_check("32798.00") == NOT_RUN  # a digit, a comma misread
    assert total_check("632.70") == FAILED  # a forged total: a different number altogether
    assert total_check("632.70", confidence=0.6) == NOT_RUN  # so doubtful it may be another word of the page


def test_a_price_read_as_zero_on_a_billed_line_asks_for_a_look_instead_of_failing():
    line = _boxed({"act_code_1": "2280660", "act_qty_1": "2", "act_unit_price_1": "0.00", "act_amount_1": "420.00"})
    results = {r.kind: r for r in check_page(line, "optical_quote") if r.kind in ("wrong_line_total",
                                                                                 "tariff_out_of_range")}
    assert [r.status for r in results.values()] == [NOT_RUN, NOT_RUN]
    assert "read as 0.00" in results["wrong_line_total"].message
