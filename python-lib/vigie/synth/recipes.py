"""Recipe and macro handlers of the synthetic claims corpus: map a context onto `vigie.synth.corpus`."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from vigie.runtime.context import Folder, RecipeContext
from vigie.runtime.macro import MacroContext
from vigie.synth import templates
from vigie.synth.corpus import CorpusOptions, generate_corpus
from vigie.synth.watchlist import WATCHLIST_SCHEMA, sample_watchlist

LABELS_SCHEMA = [
    {"name": "id", "type": "string"}, {"name": "doc_type", "type": "string"}, {"name": "template", "type": "string"},
    {"name": "forged", "type": "boolean"}, {"name": "operation", "type": "string"},
    {"name": "field", "type": "string"}, {"name": "field_name", "type": "string"}, {"name": "dpi", "type": "bigint"},
    {"name": "jpeg_quality", "type": "bigint"}, {"name": "n_compressions", "type": "bigint"},
    {"name": "resize_factor", "type": "double"}, {"name": "rotation_deg", "type": "double"},
    {"name": "split", "type": "string"}, {"name": "seed", "type": "bigint"},
    {"name": "inconsistency", "type": "string"}, {"name": "benign_edits", "type": "string"},
    {"name": "width", "type": "bigint"}, {"name": "height", "type": "bigint"},
    {"name": "tampered_fraction", "type": "double"}, {"name": "image", "type": "string"},
    {"name": "mask", "type": "string"}, {"name": "source_mask", "type": "string"},
    {"name": "status", "type": "string"}, {"name": "error", "type": "string"},
    {"name": "care_type", "type": "string"}, {"name": "beneficiary_role", "type": "string"},
]


def corpus_options(config: Mapping[str, Any]) -> CorpusOptions:
    """Corpus options from a recipe or macro configuration (both declare the same parameters)."""
    doc_types = tuple(config["doc_types"] or ()) or templates.DOC_TYPES
    return CorpusOptions(
        n_documents=config["n_documents"], seed=config["seed"], doc_types=doc_types, dpi=config["dpi"],
        forged_fraction=config["forged_fraction"], inconsistent_fraction=config["inconsistent_fraction"],
        benign_fraction=config["benign_fraction"], degrade=config["degrade"],
        calibration_fraction=config["calibration_fraction"], other_fraction=config["other_fraction"],
    )


def _generate(folder: Folder, config: Mapping[str, Any], progress) -> pd.DataFrame:
    options = corpus_options(config)
    with progress(options.n_documents, "pages") as bar:
        return generate_corpus(folder, options, workers=config["workers"], on_page=lambda _page: bar.update(1))


def summary_lines(labels: pd.DataFrame) -> list[str]:
    """A short account of a corpus: pages, forged share, operations, splits, errors."""
    ok = labels[labels["status"] == "ok"]
    lines = [f"{len(labels)} pages ({int(ok['forged'].sum())} forged, {int((ok['inconsistency'] != '').sum())} "
             f"with a deliberate inconsistency, {int((labels['status'] == 'error').sum())} errors)"]
    if ok["forged"].any():
        lines.append("operations: " + ", ".join(f"{k} {v}" for k, v in ok[ok["forged"]]["operation"]
                                                 .value_counts().sort_index().items()))
    lines.append("splits: " + ", ".join(f"{k} {v}" for k, v in ok["split"].value_counts().sort_index().items()))
    return lines


def generate_claims_corpus_recipe(ctx: RecipeContext) -> None:
    """Recipe: write the corpus to the output folder and its labels to the output dataset."""
    folder = ctx.output_folder("corpus_folder")
    labels = _generate(folder, ctx.config, ctx.progress)
    ctx.output_dataset("labels").write(labels, schema=LABELS_SCHEMA)
    if ctx.has_output("watchlist"):
        ctx.output_dataset("watchlist").write(sample_watchlist(folder, labels, ctx.config["seed"]),
                                              schema=WATCHLIST_SCHEMA)
    for line in summary_lines(labels):
        ctx.log.info(line)


def generate_claims_corpus_macro(ctx: MacroContext) -> str:
    """Macro: write the corpus into the chosen managed folder and return an HTML summary."""
    labels = _generate(ctx.store.folder(ctx.config["output_folder"]), ctx.config, ctx.progress)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in summary_lines(labels))
    return f"<h4>Synthetic claims corpus</h4><ul>{items}</ul>"
