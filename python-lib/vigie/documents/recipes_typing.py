"""Recipe handlers of document typing: train a typer from OCR pages and corpus labels, score OCR pages with it.

The model folder holds the current model (`doc_typing.joblib`, `model_card.json`) and a copy of every trained
version under `versions/<version>/`, so a score can always be traced to the model that gave it.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from vigie.core.errors import VigieError
from vigie.documents import doc_typing
from vigie.documents.ocr import OcrPage
from vigie.documents.ocr_store import corpus_id
from vigie.runtime.context import Folder, RecipeContext

TYPES_SCHEMA = [
    {"name": "document_id", "type": "string"}, {"name": "page", "type": "bigint"},
    {"name": "doc_type", "type": "string"}, {"name": "doc_type_confidence", "type": "double"},
    {"name": "care_type", "type": "string"}, {"name": "care_type_confidence", "type": "double"},
    {"name": "beneficiary_role", "type": "string"}, {"name": "beneficiary_role_confidence", "type": "double"},
    {"name": "evidence", "type": "string"}, {"name": "status", "type": "string"}, {"name": "error", "type": "string"},
]
_PAGE_FILE = re.compile(r"^(?P<doc>.+)/page-(?P<page>\d+)\.json$")
TRAIN_SPLITS = ("train", "calibration")


def ocr_page_paths(folder: Folder) -> list[tuple[str, int, str]]:
    """(document id, page, path) of every stored OCR page, in path order."""
    found = []
    for path in sorted(folder.list_paths()):
        match = _PAGE_FILE.match(path)
        if match:
            found.append((match["doc"], int(match["page"]), path))
    return found


def read_page(folder: Folder, path: str) -> OcrPage:
    """One stored OCR page (ocr_store layout), with a readable error when the file is damaged."""
    try:
        return OcrPage.from_json(json.loads(folder.read_bytes(path))["ocr"])
    except Exception as exc:  # damaged or foreign file
        raise ValueError(f"OCR file {path} cannot be read ({type(exc).__name__}: {exc})") from exc


def train_document_typing_recipe(ctx: RecipeContext) -> None:
    """Recipe: fit the typer on the train and calibration splits, measure it on the test split, save it."""
    ocr = ctx.input_folder("ocr")
    labels = ctx.input_dataset("labels").read()
    missing = {"id", "doc_type", "split"} - set(labels.columns)
    if missing:
        raise VigieError(f"{ctx.recipe_id}: the labels dataset lacks columns {sorted(missing)}")
    truth = labels.drop_duplicates("id").set_index("id")
    train_pages, train_types, train_ids, test_pages, test_types = [], [], [], [], []
    skipped = 0
    paths = ocr_page_paths(ocr)
    with ctx.progress(len(paths), "OCR pages read") as bar:
        for document_id, page, path in paths:
            bar.update(1)
            key = corpus_id(document_id)
            if key not in truth.index:
                skipped += 1
                continue
            try:
                ocr_page = read_page(ocr, path)
            except ValueError as exc:
                ctx.log.warning(str(exc))
                skipped += 1
                continue
            row = truth.loc[key]
            if row["split"] == "test":
                test_pages.append(ocr_page)
                test_types.append(str(row["doc_type"]))
            elif row["split"] in TRAIN_SPLITS:
                train_pages.append(ocr_page)
                train_types.append(str(row["doc_type"]))
                train_ids.append(f"{key}/{page}")
    if skipped:
        ctx.log.warning(f"{skipped} OCR pages without a label or unreadable were left out")
    if not train_pages:
        raise VigieError(f"{ctx.recipe_id}: no OCR page of the train or calibration split matches the labels")
    typer = doc_typing.DocumentTyper(c=float(ctx.config["regularisation_c"])).fit(train_pages, train_types)
    predicted = typer.predict(test_pages) if test_pages else []
    card = doc_typing.model_card(typer, train_ids, test_types, predicted, corpus=ocr.name)
    files = doc_typing.model_bytes(typer, card)
    model = ctx.output_folder("model")
    for name, data in files.items():
        model.write_bytes(name, data)
        model.write_bytes(f"versions/{card['version']}/{name}", data)
    ctx.log.info(f"document typing {card['version']}: {len(train_pages)} training pages, test macro-F1 "
                 f"{card['test_macro_f1'] if card['test_macro_f1'] is not None else 'n/a (no test page)'}")


def _result_row(document_id: str, page: int, result: doc_typing.TypingResult) -> dict:
    return {"document_id": document_id, "page": page, "doc_type": result.doc_type,
            "doc_type_confidence": round(result.doc_type_confidence, 4), "care_type": result.care_type,
            "care_type_confidence": round(result.care_type_confidence, 4),
            "beneficiary_role": result.beneficiary_role,
            "beneficiary_role_confidence": round(result.beneficiary_role_confidence, 4),
            "evidence": json.dumps([e.to_json() for e in result.evidence], ensure_ascii=False),
            "status": "ok", "error": ""}


def _error_row(document_id: str, page: int, error: str) -> dict:
    return {"document_id": document_id, "page": page, "doc_type": "", "doc_type_confidence": 0.0, "care_type": "",
            "care_type_confidence": 0.0, "beneficiary_role": "", "beneficiary_role_confidence": 0.0,
            "evidence": "[]", "status": "error", "error": error}


def score_document_typing_recipe(ctx: RecipeContext) -> None:
    """Recipe: type every OCR page with the trained model; one row per page, a bad page an error row."""
    model = ctx.input_folder("model")
    try:
        typer, warning = doc_typing.load_typer(model.read_bytes(doc_typing.MODEL_FILE))
    except FileNotFoundError as exc:
        raise VigieError(f"{ctx.recipe_id}: folder {model.name} holds no {doc_typing.MODEL_FILE}; run "
                         "train-document-typing first") from exc
    except ValueError as exc:
        raise VigieError(f"{ctx.recipe_id}: {exc}") from exc
    if warning:
        ctx.log.warning(warning)
    ocr = ctx.input_folder("ocr")
    paths = ocr_page_paths(ocr)
    if not paths:
        raise VigieError(f"{ctx.recipe_id}: folder {ocr.name} holds no OCR page (<document id>/page-<n>.json)")
    rows = []
    with ctx.progress(len(paths), "pages typed") as bar:
        for document_id, page, path in paths:
            try:
                rows.append(_result_row(document_id, page, doc_typing.type_page(typer, read_page(ocr, path))))
            except Exception as exc:  # one bad page must not stop the batch
                rows.append(_error_row(document_id, page, f"{type(exc).__name__}: {exc}"))
            bar.update(1)
    frame = pd.DataFrame(rows, columns=[c["name"] for c in TYPES_SCHEMA])
    ctx.output_dataset("types").write(frame, schema=TYPES_SCHEMA)
    failed = int((frame["status"] == "error").sum())
    ctx.log.info(f"{len(frame)} pages typed, {failed} errors; " + ", ".join(
        f"{k} {v}" for k, v in frame[frame["status"] == "ok"]["doc_type"].value_counts().sort_index().items()))
    if failed == len(frame):
        raise VigieError(f"{ctx.recipe_id}: no page could be typed (first error: {frame['error'][0]})")
