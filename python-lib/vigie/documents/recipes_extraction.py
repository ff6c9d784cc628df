"""Recipe handler of extract-fields: OCR pages and their document types in, one row per keyed field out."""

from __future__ import annotations

import json

import pandas as pd

from vigie.core.errors import VigieError
from vigie.core.results import Box
from vigie.documents.extraction import ExtractedField, read_page
from vigie.documents.field_specs import field_specs
from vigie.documents.ocr_store import read_ocr
from vigie.runtime.context import Folder, RecipeContext

FIELDS_SCHEMA = [
    {"name": "document_id", "type": "string"}, {"name": "page", "type": "int"}, {"name": "doc_type", "type": "string"},
    {"name": "field", "type": "string"}, {"name": "value", "type": "string"}, {"name": "text", "type": "string"},
    {"name": "box", "type": "string"}, {"name": "confidence", "type": "double"},
    {"name": "ocr_confidence", "type": "double"}, {"name": "status", "type": "string"},
    {"name": "error", "type": "string"},
]
_REQUIRED = ("document_id", "page", "doc_type")


def field_row(page: dict, found: ExtractedField) -> dict:
    """One output row for one extracted field."""
    return {**page, "field": found.name, "value": found.value, "text": found.text,
            "box": json.dumps([int(v) for v in found.box]), "confidence": float(found.confidence),
            "ocr_confidence": float(found.ocr_confidence), "status": "ok", "error": ""}


def unread_row(page: dict, name: str, label_box: Box) -> dict:
    """A row saying a field's label is printed at `label_box` but its value was not read (status "unread")."""
    return {**page, "field": name, "value": "", "text": "", "box": json.dumps([int(v) for v in label_box]),
            "confidence": None, "ocr_confidence": None, "status": "unread", "error": ""}


def status_row(page: dict, status: str, error: str) -> dict:
    """The single row of a page that yields no field: an error, or a type without keyed fields."""
    return {**page, "field": "", "value": "", "text": "", "box": "", "confidence": None, "ocr_confidence": None,
            "status": status, "error": error}


def page_rows(folder: Folder, typed: pd.Series, min_confidence: float) -> list[dict]:
    """The rows of one typed page; every failure becomes one row with status error, never an exception."""
    page = {"document_id": str(typed["document_id"]), "page": int(typed["page"]), "doc_type": str(typed["doc_type"])}
    if str(typed.get("status", "ok") or "ok") == "error":
        return [status_row(page, "error", f"typing failed: {typed.get('error') or 'no reason given'}")]
    if not field_specs(page["doc_type"]):
        return [status_row(page, "empty", f"no keyed field is defined for document type {page['doc_type']!r}")]
    try:
        reading = read_page(read_ocr(folder, page["document_id"], page["page"]), page["doc_type"])
    except Exception as error:  # one bad page must not stop the batch
        return [status_row(page, "error", f"{type(error).__name__}: {error}")]
    kept = [f for f in reading.fields if f.confidence >= min_confidence]
    if not kept:
        return [status_row(page, "empty", "no keyed field was found on this page")]
    return [field_row(page, f) for f in kept] + [unread_row(page, n, b) for n, b in reading.unread.items()]


def extract_fields_recipe(ctx: RecipeContext) -> None:
    """Recipe: the keyed fields of every typed page; one row per field, one status row per page without any."""
    types = ctx.input_dataset("types").read()
    missing = [c for c in _REQUIRED if c not in types.columns]
    if missing:
        raise VigieError(f"{ctx.recipe_id}: the types dataset lacks the columns {', '.join(missing)}")
    folder = ctx.input_folder("ocr")
    min_confidence = float(ctx.config.get("min_confidence") or 0.0)
    rows: list[dict] = []
    with ctx.progress(len(types), "pages read") as bar:
        for _, typed in types.iterrows():
            rows.extend(page_rows(folder, typed, min_confidence))
            bar.update(1)
    frame = pd.DataFrame(rows, columns=[c["name"] for c in FIELDS_SCHEMA])
    ctx.output_dataset("fields").write(frame, schema=FIELDS_SCHEMA)
    pages = frame.drop_duplicates(["document_id", "page"])
    failed = int((pages["status"] == "error").sum())
    if len(pages) and failed == len(pages):
        raise VigieError(f"{ctx.recipe_id}: no page could be read ({failed} errors; first: {frame['error'].iloc[0]})")
    ctx.log.info(f"{len(frame)} rows from {len(pages)} pages, {failed} pages in error")
