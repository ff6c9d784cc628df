"""Document typing: types from text, care type and beneficiary role from cue words, model files, recipes.

Pages are rendered by the corpus templates at low resolution and read back from their ground-truth words (no
Tesseract), so the tests are fast; the accuracy on real OCR is measured by benchmarks/bench_documents.py.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from vigie.core.errors import VigieError
from vigie.documents import doc_typing
from vigie.documents.ocr import OcrPage, OcrWord
from vigie.documents.ocr_store import write_ocr
from vigie.runtime.local import LocalProject
from vigie.runtime.runner import run_recipe
from vigie.synth import other_documents, templates


def as_ocr(rendered) -> OcrPage:
    """The rendered page's words as an OcrPage, one line per baseline band."""
    words = sorted(rendered.words, key=lambda w: (round(w.box[3] / 8), w.box[0]))
    line_of = {}
    ocr_words = []
    for word in words:
        line = line_of.setdefault(round(word.box[3] / 8), len(line_of))
        ocr_words.append(OcrWord(word.text, word.box, 0.95, line))
    height, width = rendered.image.shape[:2]
    return OcrPage(width, height, ocr_words)


def render(doc_type: str, template: str, seed: int):
    rng = np.random.default_rng(seed)
    if doc_type == "other":
        return other_documents.render(template, 72, rng)
    return templates.render(doc_type, template, 72, rng)


@pytest.fixture(scope="module")
def corpus():
    """Two pages of each train template and one of each held-out template, for every type."""
    train, test = [], []
    for doc_type in doc_typing.DOC_TYPES:
        names = other_documents.TEMPLATES if doc_type == "other" else templates.TEMPLATES[doc_type]
        for i, template in enumerate(names):
            for seed in ((1, 2) if template != names[-1] else (4,)):
                page = render(doc_type, template, seed * 10 + i)
                (test if template == names[-1] else train).append((as_ocr(page), doc_type, page.content))
    return train, test


@pytest.fixture(scope="module")
def typer(corpus):
    train, _ = corpus
    return doc_typing.DocumentTyper().fit([p for p, _, _ in train], [t for _, t, _ in train])


def test_fold_ignores_case_accents_and_digit_values():
    assert doc_typing.fold("Relevé d'Identité N° 2024") == "releve d'identite n° 0000"


def test_held_out_templates_are_typed(typer, corpus):
    _, test = corpus
    predicted = typer.predict([p for p, _, _ in test])
    truth = [t for _, t, _ in test]
    assert typer.classes_ == tuple(sorted(doc_typing.DOC_TYPES))
    assert np.mean([a == b for a, b in zip(predicted, truth)]) >= 0.9


def test_type_page_names_its_deciding_words_and_confidences(typer, corpus):
    page, doc_type, _ = next(item for item in corpus[1] if item[1] == "rib")
    result = doc_typing.type_page(typer, page)
    assert result.doc_type == "rib"
    assert 0.5 < result.doc_type_confidence <= 1.0
    typing_evidence = result.evidence[0]
    assert typing_evidence.kind == "doc_type" and "deciding words" in typing_evidence.message
    assert typing_evidence.box is not None
    assert result.care_type == "" and result.beneficiary_role == ""


def test_empty_page_is_refused_clearly(typer):
    with pytest.raises(ValueError, match="no recognised text"):
        doc_typing.type_page(typer, OcrPage(100, 100, []))


def test_training_refuses_unknown_types():
    page = OcrPage(10, 10, [OcrWord("facture", (0, 0, 5, 5), 0.9, 0)])
    with pytest.raises(ValueError, match="unknown document types"):
        doc_typing.DocumentTyper().fit([page, page], ["invoice", "letter"])


@pytest.mark.parametrize("seed", range(4))
def test_invoice_care_type_is_read_from_its_cue_words(seed):
    page = render("invoice", "invoice-c", seed)
    care, confidence, evidence = doc_typing.care_type(as_ocr(page), "invoice")
    assert care == page.content["care_type"]
    assert confidence > 0.2 and evidence[0].box is not None


def test_care_type_follows_the_type_for_quotes_and_none_for_other_documents():
    page = OcrPage(10, 10, [OcrWord("x", (0, 0, 5, 5), 0.9, 0)])
    assert doc_typing.care_type(page, "dental_quote")[0] == "dental"
    assert doc_typing.care_type(page, "optical_quote")[0] == "optical"
    assert doc_typing.care_type(page, "rib")[0] == ""


def _line(words: str, line: int) -> list[OcrWord]:
    return [OcrWord(w, (10 * i, 20 * line, 10 * i + 8, 20 * line + 10), 0.9, line) for i, w in enumerate(words.split())]


@pytest.mark.parametrize("lines, role", [
    (["FACTURE", "Patient : M. DUPONT Jean", "Date des soins : 12/03/2024"], "insured"),
    (["FACTURE", "Patient : DUPONT Léa", "Assuré(e) : M. DUPONT Jean", "Qualité : Enfant"], "child"),
    (["FACTURE", "Patient : DUPONT Léa", "Assuré(e) : M. DUPONT Jean", "Qualité : Conjoint(e)"], "spouse"),
    (["FACTURE 12/03/2024", "Assuré(e) : M. DUPONT Jean", "Né(e) le : 04/05/2015"], "child"),
    (["FACTURE 12/03/2024", "Assuré(e) : M. DUPONT Jean", "Né(e) le : 04/05/1975"], "spouse"),
])
def test_beneficiary_role_from_relation_insured_line_and_age(lines, role):
    page = OcrPage(400, 200, [w for i, text in enumerate(lines) for w in _line(text, i)])
    assert doc_typing.beneficiary_role(page, "invoice")[0] == role
    assert doc_typing.beneficiary_role(page, "rib")[0] == ""


@pytest.mark.parametrize("seed", range(6))
def test_rendered_invoices_show_their_beneficiary_role(seed):
    page = render("invoice", "invoice-a", seed)
    assert doc_typing.beneficiary_role(as_ocr(page), "invoice")[0] == page.content["beneficiary_role"]


def test_model_files_round_trip_and_damage_is_reported(typer, corpus):
    card = doc_typing.model_card(typer, ["a", "b"], ["rib"], ["rib"], corpus="unit")
    files = doc_typing.model_bytes(typer, card)
    loaded, warning = doc_typing.load_typer(files[doc_typing.MODEL_FILE])
    assert warning == ""
    page = corpus[1][0][0]
    assert loaded.predict([page]) == typer.predict([page])
    saved = json.loads(files[doc_typing.CARD_FILE])
    assert saved["classes"] == list(typer.classes_) and saved["test_macro_f1"] == 1.0
    assert saved["sklearn_version"] and saved["version"]
    with pytest.raises(ValueError, match="retrain"):
        doc_typing.load_typer(files[doc_typing.MODEL_FILE][:100])


def test_train_and_score_recipes_write_model_card_and_one_row_per_page(tmp_path, corpus):
    project = LocalProject(tmp_path / "proj")
    ocr = project.folder("ocr")
    rows = []
    for n, (page, doc_type, _) in enumerate(corpus[0] + corpus[1]):
        doc_id = f"{doc_type}-{n}"
        write_ocr(ocr, f"images/{doc_id}", 1, page)
        split = "test" if n >= len(corpus[0]) else "train"
        rows.append({"id": doc_id, "doc_type": doc_type, "split": split})
    ocr.write_bytes("images/damaged/page-1.json", b"{not json")
    project.output_dataset("labels").write(pd.DataFrame(rows))
    run_recipe("train-document-typing", project, {"ocr": ["ocr"], "labels": ["labels"]}, {"model": ["model"]}, {})
    card = json.loads(project.folder("model").read_bytes(doc_typing.CARD_FILE))
    assert card["n_train_pages"] == len(corpus[0]) and card["test_macro_f1"] >= 0.8
    assert f"versions/{card['version']}/{doc_typing.MODEL_FILE}" in project.folder("model").list_paths()
    run_recipe("score-document-typing", project, {"ocr": ["ocr"], "model": ["model"]}, {"types": ["types"]}, {})
    types = project.input_dataset("types").read()
    assert len(types) == len(rows) + 1
    damaged = types[types["document_id"] == "images/damaged"].iloc[0]
    assert damaged["status"] == "error" and "cannot be read" in damaged["error"]
    assert (types[types["status"] == "ok"]["doc_type_confidence"] > 0).all()


def test_score_without_a_model_says_to_train_first(tmp_path):
    project = LocalProject(tmp_path / "proj")
    write_ocr(project.folder("ocr"), "images/x", 1, OcrPage(10, 10, []))
    project.folder("model").write_bytes("readme.txt", b"empty")
    with pytest.raises(VigieError, match="train-document-typing"):
        run_recipe("score-document-typing", project, {"ocr": ["ocr"], "model": ["model"]}, {"types": ["types"]}, {})
