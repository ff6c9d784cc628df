"""Watchlist scan: identifiers hit through OCR confusions and regrouping, names fuzzily, every page gets a row."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pandas as pd
import pytest
from vigie.core.errors import VigieError
from vigie.documents.near_duplicates import NearDuplicateIndex, page_signature
from vigie.documents.ocr import OcrPage, OcrWord
from vigie.documents.ocr_store import write_ocr
from vigie.documents.watchlist import Watchlist, WatchlistEntry, entries_from_frame
from vigie.runtime.local import LocalProject
from vigie.runtime.runner import run_recipe

IBAN = "FR7630002083890971915130085"


def _ocr(lines: list[str]) -> OcrPage:
    words = [OcrWord(text, (100 * k, 30 * i, 100 * k + 90, 30 * i + 20), 0.9, i)
             for i, line in enumerate(lines) for k, text in enumerate(line.split())]
    return OcrPage(1000, 1400, words)


def _kinds(hits) -> list[tuple[str, str]]:
    return [(h.entry.kind, h.entry.value) for h in hits]


@pytest.mark.parametrize("line", ["IBAN : FR76 3000 2083 8909 7191 5130 085", "IBAN FR76 3OOO 2O83 89O9 7I9l 5I3O O85",
                                  "IBAN:FR76-3000-2083-8909-7191-5130-085 BIC CRLYFRPP"])
def test_iban_read_in_groups_or_misread_is_hit_with_its_box(line):
    hits = Watchlist([WatchlistEntry("iban", IBAN, "mule account")]).scan(_ocr(["Relevé d'identité", line]))
    assert _kinds(hits) == [("iban", IBAN)]
    evidence = hits[0].to_evidence()
    assert evidence.kind == "watchlist_iban" and evidence.field == "iban" and "mule account" in evidence.message
    assert evidence.box[1::2] == (30, 50)  # on line 2
    assert evidence.box[2] - evidence.box[0] >= (90 if ":" in line else 690)  # every group read as a word


def test_practitioner_ids_and_siret_hit_after_labels_and_punctuation():
    watchlist = Watchlist([WatchlistEntry("rpps", "10427705081"), WatchlistEntry("siret", "48569176000857"),
                           WatchlistEntry("adeli", "728899055"), WatchlistEntry("finess", "330781196")])
    page = _ocr(["Dr Rémy DA COSTA", "RPPS:1O4277O5O81 ADELI 728 899 O55", "SIRET 485 691 760 00857"])
    assert sorted(_kinds(watchlist.scan(page))) == [("adeli", "728899055"), ("rpps", "10427705081"),
                                                     ("siret", "48569176000857")]


def test_one_misread_digit_is_a_hit_with_a_lower_score_but_not_for_bics():
    watchlist = Watchlist([WatchlistEntry("rpps", "10293978887"), WatchlistEntry("bic", "BNPAFRPPPAA")])
    for line in ["RPPS 10203978887", "RPPS 1029397887", "RPPS 102939788874"]:  # changed, dropped, added
        hits = watchlist.scan(_ocr([line]))
        assert [(h.entry.kind, h.score) for h in hits] == [("rpps", 0.9)], line
        assert "one character differs" in hits[0].to_evidence().message
    assert watchlist.scan(_ocr(["RPPS 10203078887"])) == []  # two digits wrong
    assert watchlist.scan(_ocr(["BIC BNPAFRPPPAB"])) == []  # another branch of the bank


def test_identifier_inside_a_longer_number_is_not_a_hit():
    watchlist = Watchlist([WatchlistEntry("adeli", "728899055")])
    assert watchlist.scan(_ocr(["Ref 17288990553"])) == []
    assert watchlist.scan(_ocr(["Réf. 7288 99055"])) != []


def test_names_hit_in_any_order_with_accents_case_and_one_ocr_slip():
    watchlist = Watchlist([WatchlistEntry("name", "Bernard Raynaud", "known abuser")])
    for line in ["Patient : RAYNAUD Bernard", "M. Bérnard RAYNAUD né le", "Patient RAYNAUO Bernard"]:
        hits = watchlist.scan(_ocr([line]))
        assert _kinds(hits) == [("name", "Bernard Raynaud")], line
        assert 0.9 <= hits[0].score <= 1.0 and hits[0].to_evidence().kind == "watchlist_name"


def test_close_but_different_names_are_not_hits():
    watchlist = Watchlist([WatchlistEntry("name", "Bernard Raynaud")])
    for line in ["Patient : RENAUD Bernard", "Patient : RAYNAUD Bertrand", "Bernard", "Patient : MARTIN Louise"]:
        assert watchlist.scan(_ocr([line])) == [], line


def test_bad_watchlist_rows_are_refused_with_their_row_number():
    frame = pd.DataFrame({"kind": ["IBAN", "phone", "rpps", "name"], "value": [IBAN, "0102030405", None, "Al"],
                          "label": ["a", "b", "c", "d"]})
    entries, refused = entries_from_frame(frame)
    assert entries == [WatchlistEntry("iban", IBAN, "a")]
    assert [m.split(":")[0] for m in refused] == ["watchlist row 2", "watchlist row 3", "watchlist row 4"]
    with pytest.raises(ValueError, match="lacks column"):
        entries_from_frame(pd.DataFrame({"value": ["x"]}))


def _page_image(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    page = np.full((700, 500, 3), 255, np.uint8)
    for _ in range(30):
        x, y = int(rng.integers(20, 400)), int(rng.integers(20, 650))
        cv2.rectangle(page, (x, y), (x + 60, y + 10), (10, 10, 10), -1)
    return page


@pytest.fixture
def project(tmp_path):
    project = LocalProject(tmp_path / "proj")
    pages, ocr, known = project.folder("pages"), project.folder("ocr"), project.folder("known")
    fraud_lines = ["FACTURE 2023-93068 du 07/03/2023", "Patient RAYNAUD Bernard",
                   "IBAN FR76 3000 2083 8909 7191 5130 085", "Acte 2355084 1420,00", "Total 1498,10 TVA 78,10",
                   "RPPS 10427705081 SIRET 485 691 760 00857"]
    other_lines = ["FACTURE 2024-11873 du 12/01/2024", "Patient MARTIN Louise", "Acte 2301457 310,00",
                   "Total 327,05 TVA 17,05", "RPPS 10998877665 SIRET 512 334 908 00021"]
    for name, seed, lines in [("claims/a", 1, fraud_lines), ("claims/b", 2, other_lines)]:
        _, png = cv2.imencode(".png", _page_image(seed))
        pages.write_bytes(f"{name}.png", png.tobytes())
        write_ocr(ocr, name, 1, _ocr(lines))
    pages.write_bytes("claims/broken.jpg", b"\xff\xd8 not really a jpeg")
    index = NearDuplicateIndex()
    index.add("frauds/f1#1", page_signature(_page_image(1), _ocr(fraud_lines)))
    index.save(known, "near-duplicates")
    project.output_dataset("watchlist").write(pd.DataFrame(
        {"kind": ["iban", "name", "rpps"], "value": [IBAN, "Bernard Raynaud", "1"], "label": ["mule", "abuser", ""]}))
    return project


def test_recipe_reports_every_page_with_evidence_and_errors(project):
    run_recipe("scan-watchlist", project, {"pages": ["pages"], "ocr": ["ocr"], "watchlist": ["watchlist"],
                                           "known_documents": ["known"]}, {"hits": ["hits"]}, {})
    rows = project.input_dataset("hits").read().set_index("document_id")
    assert list(rows.index) == ["claims/a", "claims/b", "claims/broken"]
    assert rows.loc["claims/broken", "status"] == "error" and "claims/broken.jpg" in rows.loc["claims/broken", "error"]
    kinds = sorted(e["kind"] for e in json.loads(rows.loc["claims/a", "evidence"]))
    assert kinds == ["near_duplicate", "watchlist_iban", "watchlist_name"]
    assert rows.loc["claims/a", "n_hits"] == 3 and rows.loc["claims/a", "score"] == 1.0
    assert rows.loc["claims/b", "n_hits"] == 0 and rows.loc["claims/b", "status"] == "ok"


def test_recipe_refuses_to_run_with_nothing_to_look_for(project):
    project.output_dataset("empty").write(pd.DataFrame({"kind": ["phone"], "value": ["0102"], "label": [""]}))
    with pytest.raises(VigieError, match="nothing to scan for"):
        run_recipe("scan-watchlist", project, {"pages": ["pages"], "ocr": ["ocr"], "watchlist": ["empty"]},
                   {"hits": ["hits"]}, {})


def test_nine_digit_ids_tolerate_a_slip_in_one_number_but_not_in_groups_dates_amounts_or_look_alikes():
    watchlist = Watchlist([WatchlistEntry("finess", "331163139"), WatchlistEntry("adeli", "315001750"),
                           WatchlistEntry("finess", "591700406")])
    for line in ["FINESS 331163189", "FINESS 33116319", "FINESS 3311631399"]:  # changed, dropped, added
        assert [(h.entry.value, h.score) for h in watchlist.scan(_ocr([line]))] == [("331163139", 0.9)], line
    assert watchlist.scan(_ocr(["Tél 33 11 63 19"])) == []  # groups one digit short: as likely another number
    assert watchlist.scan(_ocr(["Total 315,00€ 107,50€"])) == []  # amounts one edit from the ADELI
    assert watchlist.scan(_ocr(["Le 33/11/63189"])) == []  # a date-like run one digit off the FINESS
    assert watchlist.scan(_ocr(["N°SS 17004 06"])) == []  # letters folded to digits plus one slip: too far
    assert watchlist.scan(_ocr(["FINESS S91700406"])) != []  # a look-alike alone is still a hit


def test_a_date_printed_without_separators_is_not_a_slip_of_an_identifier():
    watchlist = Watchlist([WatchlistEntry("finess", "311202022")])
    assert watchlist.scan(_ocr(["Valable jusqu'au 31122022"])) == []  # one added digit away, but a date
    assert [h.score for h in watchlist.scan(_ocr(["FINESS 311202022"]))] == [1.0]  # printed exactly: a hit


def test_a_nir_whose_key_ocr_lost_is_a_hit_but_not_one_with_another_key_or_followed_by_digits():
    watchlist = Watchlist([WatchlistEntry("nir", "141013164848436")])
    hits = watchlist.scan(_ocr(["N° SS 1 41 01 31 648 484 %"]))
    assert [(h.entry.kind, h.score) for h in hits] == [("nir", 0.85)]
    assert "key not read" in hits[0].to_evidence().message
    assert watchlist.scan(_ocr(["N° SS 1 41 01 31 648 484 36"]))[0].score == 1.0
    assert watchlist.scan(_ocr(["N° SS 1 41 01 31 648 484 71"])) == []  # a two-digit key read, and another one
    assert watchlist.scan(_ocr(["Réf 14101316484847"])) == []  # the body inside a longer number


def test_a_nir_misread_with_look_alike_letters_and_one_slip_is_a_hit():
    watchlist = Watchlist([WatchlistEntry("nir", "196088445924741")])
    assert [h.score for h in watchlist.scan(_ocr(["ss 1 96 ON B4 459 247 41"]))] == [0.9]  # O, B folded; N a slip
    assert watchlist.scan(_ocr(["ss 1 96 ON B4 459 247 71"])) == []  # a second slip is another number
