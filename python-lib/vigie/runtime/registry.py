"""Which python-lib function implements each plugin component: the one map the local runner and DSS share."""

from __future__ import annotations

import importlib
from typing import Callable

from vigie.core.errors import UsageError

# component kind -> component id -> "module:function"
HANDLERS: dict[str, dict[str, str]] = {
    "recipe": {
        "generate-claims-corpus": "vigie.synth.recipes:generate_claims_corpus_recipe",
        "benchmark-detectors": "vigie.evaluation.recipes:benchmark_detectors_recipe",
        "detect-copy-move": "vigie.forensics.recipes:detect_copy_move_recipe",
        "detect-splicing": "vigie.forensics.recipes:detect_splicing_recipe",
        "detect-retyped-text": "vigie.forensics.recipes:detect_retyped_text_recipe",
        "ocr-pages": "vigie.documents.recipes_ocr:ocr_pages_recipe",
        "train-document-typing": "vigie.documents.recipes_typing:train_document_typing_recipe",
        "score-document-typing": "vigie.documents.recipes_typing:score_document_typing_recipe",
        "extract-fields": "vigie.documents.recipes_extraction:extract_fields_recipe",
        "check-consistency": "vigie.documents.recipes_consistency:check_consistency_recipe",
        "scan-watchlist": "vigie.documents.recipes_watchlist:scan_watchlist_recipe",
    },
    "macro": {
        "generate-claims-corpus": "vigie.synth.recipes:generate_claims_corpus_macro",
    },
}


def handler(kind: str, component_id: str) -> Callable:
    """The function that runs a component, imported on demand."""
    target = HANDLERS.get(kind, {}).get(component_id)
    if target is None:
        known = ", ".join(sorted(HANDLERS.get(kind, {}))) or "none"
        raise UsageError(f"unknown {kind} '{component_id}' (known: {known})")
    module_name, _, function_name = target.partition(":")
    return getattr(importlib.import_module(module_name), function_name)
