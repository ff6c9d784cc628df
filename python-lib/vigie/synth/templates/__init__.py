"""Clean-page templates of the synthetic claims corpus: nine document types, three layouts each.

`render` draws one page of a type in one of its layouts; the last layout of each type is held out for the
test split. Every keyed value a page prints is a `FieldValue` with its box, every token a `Word`.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.page import RenderedPage
from vigie.synth.templates import (
    dental_quote,
    invoice,
    optical_quote,
    prescription,
    rib,
    sick_leave,
    social_security_statement,
    tax_notice,
    tp_card,
)

_MODULES = {"invoice": invoice, "prescription": prescription, "dental_quote": dental_quote,
            "optical_quote": optical_quote, "social_security_statement": social_security_statement, "rib": rib,
            "tax_notice": tax_notice, "tp_card": tp_card, "sick_leave": sick_leave}

DOC_TYPES: tuple[str, ...] = ("invoice", "prescription", "dental_quote", "optical_quote",
                              "social_security_statement", "rib", "tax_notice", "tp_card", "sick_leave")
TEMPLATES: dict[str, tuple[str, ...]] = {t: tuple(f"{t}-{v}" for v in _MODULES[t].VARIANTS) for t in DOC_TYPES}
INCONSISTENCIES: dict[str, tuple[str, ...]] = {t: _MODULES[t].INCONSISTENCIES for t in DOC_TYPES}
DPIS = (150, 200, 300)


def render(doc_type: str, template: str, dpi: int, rng: np.random.Generator,
           inconsistency: Optional[str] = None) -> RenderedPage:
    """One clean page of `doc_type` in `template` at `dpi`, drawn from `rng`, with at most one deliberate
    inconsistency (one of INCONSISTENCIES[doc_type]) printed and listed on the page."""
    if doc_type not in _MODULES:
        raise ValueError(f"unknown document type {doc_type!r}; expected one of {DOC_TYPES}")
    if template not in TEMPLATES[doc_type]:
        raise ValueError(f"unknown template {template!r} for {doc_type}; expected one of {TEMPLATES[doc_type]}")
    if inconsistency is not None and inconsistency not in INCONSISTENCIES[doc_type]:
        raise ValueError(f"{doc_type} does not support inconsistency {inconsistency!r}; "
                         f"expected one of {INCONSISTENCIES[doc_type]}")
    if dpi < 72 or dpi > 600:
        raise ValueError(f"dpi {dpi} is outside 72-600")
    variant = template.rsplit("-", 1)[1]
    return _MODULES[doc_type].VARIANTS[variant](dpi, rng, inconsistency)
