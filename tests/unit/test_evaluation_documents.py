"""Scores of the document chain: exact match per field leaves the forged field out, typing macro-F1 is over the
test split only, consistency recall needs the injected field (a forgery over it masks it), watchlist recall needs the
entry's own page."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from vigie.evaluation.documents import PageTruth, consistency_scores, extraction_scores, typing_scores, watchlist_scores


def _page(id_: str, split: str = "test", doc_type: str = "rib", forged_field: str = "", injected=None, **printed):
    return PageTruth(id_, split, doc_type, "", "", printed, forged_field, injected)


def _fields(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame([{"document_id": f"images/{i}", "page": 1, "doc_type": "rib", "field": f, "value": v,
                          "box": "[0, 0, 10, 10]", "confidence": 0.9, "status": "ok", "error": ""}
                         for i, f, v in rows])


IBAN = "FR7630006000011234567890189"


def test_exact_match_counts_misreads_and_leaves_the_forged_field_out():
    truth = {"a": _page("a", iban=IBAN, bic="AGRIFRPP882"),
             "b": _page("b", forged_field="iban", iban=IBAN, bic="AGRIFRPP882"),
             "c": _page("c", split="train", iban=IBAN)}
    fields = _fields([("a", "iban", IBAN), ("a", "bic", "AGRIFRPP88Z"), ("b", "iban", "FR00"),
                      ("b", "bic", "AGRIFRPP882"), ("c", "iban", "wrong")])
    scores = extraction_scores(fields, truth)
    assert scores["per_field"]["rib.iban"] == {"n": 1, "accuracy": 1.0, "coverage": 1.0}
    assert scores["per_field"]["rib.bic"] == {"n": 2, "accuracy": 0.5, "coverage": 1.0}
    assert scores["overall"]["n"] == 3  # train page and forged field left out


def test_typing_scores_on_the_test_split_only():
    truth = {"a": _page("a", doc_type="rib"), "b": _page("b", doc_type="invoice"),
             "c": _page("c", split="train", doc_type="rib")}
    types = pd.DataFrame({"document_id": ["images/a", "images/b", "images/c"], "doc_type": ["rib", "rib", "invoice"],
                          "care_type": "", "beneficiary_role": "", "status": "ok"})
    scores = typing_scores(types, truth)
    assert scores["pages"] == 2 and scores["f1_per_type"] == {"invoice": 0.0, "rib": pytest.approx(2 / 3, abs=1e-4)}


def test_consistency_recall_on_printed_truth_finds_a_wrong_iban_key_and_no_alert_on_a_clean_page():
    bad = IBAN[:-1] + "0"
    truth = {"a": _page("a", injected={"kind": "invalid_iban_key", "field": "iban"}, iban=bad),
             "b": _page("b", iban=IBAN)}
    scores = consistency_scores(pd.DataFrame(), truth, from_truth=True)
    assert scores["recall"]["invalid_iban_key"]["found"] == 1
    assert scores["clean_pages"]["unforged"] == {"pages": 1, "pages_with_alert": 0}


def test_an_injection_whose_field_a_forgery_tampered_with_is_counted_apart_as_masked():
    bad = IBAN[:-1] + "0"
    truth = {"a": _page("a", injected={"kind": "invalid_iban_key", "field": "iban"}, forged_field="iban", iban=bad),
             "b": _page("b", injected={"kind": "invalid_iban_key", "field": "iban"}, forged_field="bic", iban=bad)}
    scores = consistency_scores(_fields([("a", "iban", IBAN), ("b", "iban", IBAN)]), truth)
    assert scores["recall"]["invalid_iban_key"] == {"injected": 1, "found": 0, "named": 0, "recall": 0.0}
    assert scores["masked_by_forgery"]["invalid_iban_key"] == {"injected": 1, "found": 0, "named": 0}
    assert [m["id"] for m in scores["missed"]] == ["b"]  # the page still showing its wrong key, and missed


def test_watchlist_recall_needs_a_hit_naming_the_entry_on_its_own_page():
    decoy = "FR1420041010050500013M02606"
    watchlist = pd.DataFrame({"kind": ["iban", "rpps", "iban"], "value": [IBAN, "10003456781", decoy],
                              "label": "", "source_id": ["a", "a", ""]})
    hit = {"kind": "watchlist_iban", "message": f"IBAN {IBAN} is on the watchlist", "field": "iban"}
    hits = pd.DataFrame({"document_id": ["images/a", "images/b"], "page": 1, "n_hits": [1, 1], "score": 1.0,
                         "evidence": [json.dumps([hit]), json.dumps([hit])], "status": "ok", "error": ""})
    scores = watchlist_scores(hits, watchlist)
    assert scores["recall"]["iban"]["found"] == 1 and scores["recall"]["rpps"]["found"] == 0
    assert scores["hits_on_pages_without_entry"] == 1


def test_an_alert_on_the_forged_field_catches_the_forgery_and_is_not_a_false_alert():
    bad = IBAN[:-1] + "0"  # the forger's IBAN breaks its key
    truth = {"a": _page("a", forged_field="iban", iban=IBAN), "b": _page("b", forged_field="bic", iban=IBAN)}
    fields = _fields([("a", "iban", bad), ("b", "iban", bad)])
    scores = consistency_scores(fields, truth)
    assert scores["clean_pages"]["forged"] == {"pages": 2, "pages_with_alert": 1, "pages_alerting_on_forged_field": 1}
