"""The rendered page and its ground truth, shared by templates, forgeries, degradations and the corpus writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels, x1/y1 exclusive

# The field categories a forgery can target, as named in labels.
FORGEABLE_KINDS = ("amount", "date", "iban", "practitioner_id", "patient_name")


@dataclass
class Word:
    """One run of text drawn on the page, with the exact style it was drawn in."""

    text: str
    box: Box
    font_path: str
    size_px: int
    color: tuple[int, int, int]
    field: Optional[str] = None  # name of the field this word belongs to, if any


@dataclass
class FieldValue:
    """A keyed field as printed on the page: its name, category, printed value and box."""

    name: str  # e.g. "total_ttc", "iban", "invoice_date", "patient_name", "rpps"
    kind: str  # one of FORGEABLE_KINDS, or "identifier", "text", "code"
    value: str
    box: Box
    font_path: str
    size_px: int
    color: tuple[int, int, int] = (0, 0, 0)


@dataclass
class RenderedPage:
    """A clean page straight out of a template, before any edit, forgery or degradation."""

    image: np.ndarray  # H x W x 3 uint8, RGB
    doc_type: str
    template: str  # e.g. "invoice-a"
    dpi: int
    fields: list[FieldValue]
    words: list[Word]
    content: dict  # structured truth: parties, identifiers, line items, totals
    inconsistencies: list[str] = field(default_factory=list)  # deliberate errors, e.g. "wrong_total"
    paper_color: tuple[int, int, int] = (255, 255, 255)

    def fields_of_kind(self, kind: str) -> list[FieldValue]:
        return [f for f in self.fields if f.kind == kind]
