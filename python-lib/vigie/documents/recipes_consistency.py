"""Recipe handler of check-consistency: the extracted fields of each page in, one row of checks per page out."""

from __future__ import annotations

import json
from typing import Mapping, Optional

import pandas as pd

from vigie.core.errors import VigieError
from vigie.core.results import Box
from vigie.documents.consistency import FAILED, NOT_RUN, UNREAD, check_page, failures
from vigie.documents.tariffs import Tariff, load_tariffs
from vigie.runtime.context import RecipeContext

CHECKS_SCHEMA = [
    {"name": "document_id", "type": "string"}, {"name": "page", "type": "int"},
    {"name": "doc_type", "type": "string"}, {"name": "n_checks", "type": "int"},
    {"name": "n_failures", "type": "int"}, {"name": "evidence", "type": "string"},
    {"name": "not_run", "type": "string"}, {"name": "status", "type": "string"}, {"name": "error", "type": "string"},
]
_REQUIRED = ("document_id", "page", "doc_type", "field", "value")


def parse_box(raw) -> Optional[Box]:
    """A field box from the fields dataset (JSON "[x0, y0, x1, y1]" or a sequence); None when absent or bad."""
    if raw is None or (isinstance(raw, float) and pd.isna(raw)) or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        values = json.loads(raw) if isinstance(raw, str) else list(raw)
        return tuple(int(v) for v in values) if len(values) == 4 else None
    except (ValueError, TypeError):
        return None


def page_fields(rows: pd.DataFrame, min_confidence: float = 0.0) -> dict[str, tuple]:
    """One page's readable fields as name -> (value, box, OCR confidence or None); of a field read twice, the most
    confident wins. A field read with a confidence under `min_confidence` counts as not read: its checks do not run
    rather than fail; one whose OCR confidence is low is not blamed for a wrong identifier key. A field seen but
    not read (status "unread": its label is printed) is kept with an empty value, so its checks do not run."""
    statuses = rows["status"].fillna("ok").astype(str) if "status" in rows else pd.Series("ok", index=rows.index)
    seen = {str(row.field): ("", parse_box(getattr(row, "box", None)), None)
            for row in rows[statuses == UNREAD].itertuples(index=False)}
    readable = rows[rows["value"].notna() & (rows["value"].astype(str).str.strip() != "")
                    & ~statuses.isin(["error", UNREAD])]
    if "confidence" in readable:
        confidence = pd.to_numeric(readable["confidence"], errors="coerce")
        readable = readable[confidence.isna() | (confidence >= min_confidence)] if min_confidence > 0 else readable
        readable = readable.sort_values("confidence", ascending=True, na_position="first", kind="stable")
    fields = {}
    for row in readable.itertuples(index=False):
        fields[str(row.field)] = (str(row.value), parse_box(getattr(row, "box", None)),
                                  _ocr_confidence(getattr(row, "ocr_confidence", None)))
    return {**seen, **fields} if fields else {}


def _ocr_confidence(raw) -> Optional[float]:
    """The fields dataset's ocr_confidence as a number; None when the column is absent or the cell empty."""
    value = pd.to_numeric(pd.Series([raw]), errors="coerce").iloc[0]
    return None if pd.isna(value) else float(value)


def check_rows(rows: pd.DataFrame, tariffs: Mapping[str, Tariff], min_confidence: float = 0.0) -> dict:
    """The output row of one page: counts, failures' evidence and not-run checks as JSON; a page without any
    field keeps the extraction's status ("empty" for a type without keyed fields, else "error")."""
    first = rows.iloc[0]
    row = {"document_id": str(first["document_id"]), "page": int(first["page"]), "doc_type": str(first["doc_type"]),
           "n_checks": 0, "n_failures": 0, "evidence": "[]", "not_run": "[]", "status": "ok", "error": ""}
    fields = page_fields(rows, min_confidence)
    if not fields:
        errors = rows["error"].dropna().astype(str) if "error" in rows else pd.Series([], dtype=str)
        reason = next((e for e in errors if e.strip()), "no field was read on this page")
        statuses = set(rows["status"].fillna("ok").astype(str)) if "status" in rows else set()
        return {**row, "status": "empty" if statuses == {"empty"} else "error", "error": f"nothing to check: {reason}"}
    try:
        results = check_page(fields, row["doc_type"], tariffs)
    except Exception as error:  # one bad page must not stop the batch
        return {**row, "status": "error", "error": f"{type(error).__name__}: {error}"}
    return {**row, "n_checks": sum(r.status != NOT_RUN for r in results),
            "n_failures": sum(r.status == FAILED for r in results),
            "evidence": json.dumps([e.to_json() for e in failures(results)], ensure_ascii=False),
            "not_run": json.dumps([r.to_json() for r in results if r.status == NOT_RUN], ensure_ascii=False)}


def check_consistency_recipe(ctx: RecipeContext) -> None:
    """Recipe: every consistency rule on every page of the fields dataset; one row per page."""
    fields = ctx.input_dataset("fields").read()
    missing = [c for c in _REQUIRED if c not in fields.columns]
    if missing:
        raise VigieError(f"{ctx.recipe_id}: the fields dataset lacks the columns {', '.join(missing)}")
    tariffs = load_tariffs()
    min_confidence = float(ctx.config["min_confidence"] or 0.0)
    groups = list(fields.groupby(["document_id", "page"], sort=True))
    rows = []
    with ctx.progress(len(groups), "pages checked") as bar:
        for _, page_rows in groups:
            rows.append(check_rows(page_rows, tariffs, min_confidence))
            bar.update(1)
    frame = pd.DataFrame(rows, columns=[c["name"] for c in CHECKS_SCHEMA])
    ctx.output_dataset("checks").write(frame, schema=CHECKS_SCHEMA)
    failed = int((frame["status"] == "error").sum()) if len(frame) else 0
    ctx.log.info(f"check-consistency: {len(frame)} pages, {int(frame['n_failures'].gt(0).sum()) if len(frame) else 0}"
                 f" with a failed check, {failed} errors")
    if len(frame) and failed == len(frame):
        raise VigieError(f"{ctx.recipe_id}: no page could be checked ({failed} errors; first: {frame['error'][0]})")
