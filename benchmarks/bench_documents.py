"""Document understanding end to end on a fresh synthetic corpus: the recipes of the demo flow in order (OCR, typing
trained on the train and calibration splits, field extraction, consistency checks, watchlist scan), scored on the
template-disjoint test split against the corpus truth, with the speed per page.

Prints the typing F1 per type, the per-field exact-match table (per type and pooled), consistency recall per
injected inconsistency with false alerts on clean pages (on extracted values, and on the printed truth to show the
rules alone), watchlist identifier recall, and seconds per page; writes benchmarks/results/documents.json.

Run:
    .venv/bin/python benchmarks/bench_documents.py [--documents 300] [--seed 2027] [--inconsistent-fraction 0.3]
        [--project DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import pandas as pd
from vigie.evaluation.documents import (
    consistency_scores,
    corpus_truth,
    extraction_scores,
    typing_scores,
    watchlist_scores,
)
from vigie.runtime.local import LocalProject
from vigie.runtime.runner import run_recipe

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_FIELD_ACCURACY = 0.95


def run_chain(project: LocalProject, documents: int, seed: int, inconsistent_fraction: float) -> dict[str, float]:
    """Generate the corpus and run every recipe of the chain; seconds per recipe."""
    steps = [
        ("generate-claims-corpus", {}, {"corpus_folder": ["corpus"], "labels": ["labels"], "watchlist": ["watchlist"]},
         {"n_documents": documents, "seed": seed, "dpi": "200", "workers": 0,
          "inconsistent_fraction": inconsistent_fraction}),
        ("ocr-pages", {"pages": ["corpus"]}, {"ocr": ["ocr"], "pages": ["pages"]}, {"files": "images/*"}),
        ("train-document-typing", {"ocr": ["ocr"], "labels": ["labels"]}, {"model": ["typing_model"]}, {}),
        ("score-document-typing", {"ocr": ["ocr"], "model": ["typing_model"]}, {"types": ["types"]}, {}),
        ("extract-fields", {"ocr": ["ocr"], "types": ["types"]}, {"fields": ["fields"]}, {}),
        ("check-consistency", {"fields": ["fields"]}, {"checks": ["checks"]}, {}),
        ("scan-watchlist", {"pages": ["corpus"], "ocr": ["ocr"], "watchlist": ["watchlist"]}, {"hits": ["hits"]},
         {"files": "images/*"}),
    ]
    seconds = {}
    for recipe, inputs, outputs, params in steps:
        seconds[recipe] = run_recipe(recipe, project, inputs, outputs, params).seconds
        print(f"  {recipe}: {seconds[recipe]:.1f} s", flush=True)
    return seconds


def speed(project: LocalProject, seconds: dict[str, float]) -> dict:
    """Seconds per page: OCR's median per page (as read by its worker), plus the later steps' time per page."""
    pages = project.input_dataset("pages").read()
    ok = pages[pages["status"] != "error"]
    per_page_rest = {k: seconds[k] / max(1, len(ok)) for k in
                     ("score-document-typing", "extract-fields", "check-consistency")}
    ocr_median = float(statistics.median(ok["seconds"])) if len(ok) else float("nan")
    return {"pages": len(ok), "ocr_median_s": round(ocr_median, 3),
            "ocr_wall_s_per_page": round(seconds["ocr-pages"] / max(1, len(ok)), 3),
            **{f"{k}_s_per_page": round(v, 4) for k, v in per_page_rest.items()},
            "total_median_s_per_page": round(ocr_median + sum(per_page_rest.values()), 3),
            "watchlist_s_per_page": round(seconds["scan-watchlist"] / max(1, len(ok)), 4)}


def print_report(result: dict) -> None:
    typing = result["typing"]
    print(f"\nTyping (test split, {typing['pages']} pages): macro-F1 {typing['macro_f1']:.4f}; "
          f"care type {typing['care_type_accuracy']}, beneficiary role {typing['beneficiary_role_accuracy']}")
    for name, f1 in typing["f1_per_type"].items():
        print(f"  {name:28s} F1 {f1:.3f}")
    extraction = result["extraction"]
    print(f"\nField exact match (test split): overall {extraction['overall']['accuracy']:.3f} "
          f"on {extraction['overall']['n']} fields")
    print(f"  {'type.field':52s} {'n':>5s} {'exact':>6s} {'found':>6s}")
    for name, cell in extraction["per_field"].items():
        flag = "" if cell["accuracy"] >= TARGET_FIELD_ACCURACY else "  < 0.95"
        print(f"  {name:52s} {cell['n']:5d} {cell['accuracy']:6.3f} {cell['coverage']:6.3f}{flag}")
    for name, cell in extraction["per_type"].items():
        print(f"  TYPE {name:47s} {cell['n']:5d} {cell['accuracy']:6.3f} {cell['coverage']:6.3f}")
    for label, scores in (("extracted values", result["consistency"]), ("printed truth", result["consistency_rules"])):
        print(f"\nConsistency on {label}:")
        for kind, cell in scores["recall"].items():
            print(f"  {kind:22s} found {cell['found']}/{cell['injected']}  named {cell['named']}")
        for kind, cell in scores["masked_by_forgery"].items():
            print(f"  {kind:22s} found {cell['found']}/{cell['injected']}  masked: a forgery tampered with a field"
                  " its check reads")
        for group, cell in scores["clean_pages"].items():
            alerted, pages = cell.get("pages_with_alert", 0), cell.get("pages", 0)
            caught = cell.get("pages_alerting_on_forged_field")
            print(f"  clean {group:9s} pages with a false alert: {alerted}/{pages}"
                  f"  by check: {scores['false_alerts_by_check'][group]}"
                  + (f"  (pages with an alert on the forged field: {caught})" if caught is not None else ""))
    print("\nWatchlist identifiers and names drawn from pages:")
    for kind, cell in result["watchlist"]["recall"].items():
        print(f"  {kind:8s} found {cell['found']}/{cell['listed']}")
    print(f"  hits on pages no entry came from: {result['watchlist']['hits_on_pages_without_entry']}")
    print(f"\nSpeed: {json.dumps(result['speed'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--inconsistent-fraction", type=float, default=0.3,
                        help="share of pages with an injected inconsistency (the corpus default 0.1 leaves few)")
    parser.add_argument("--project", default="", help="keep the project here (default: a temporary directory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = LocalProject(Path(args.project or Path(tmp) / "project"))
        seconds = run_chain(project, args.documents, args.seed, args.inconsistent_fraction)
        truth = corpus_truth(project.folder("corpus"), project.input_dataset("labels").read())
        fields = project.input_dataset("fields").read()
        result = {
            "benchmark": "documents", "documents": args.documents, "seed": args.seed, "split": "test",
            "inconsistent_fraction": args.inconsistent_fraction,
            "typing": typing_scores(project.input_dataset("types").read(), truth),
            "extraction": extraction_scores(fields, truth),
            "consistency": consistency_scores(fields, truth),
            "consistency_rules": consistency_scores(pd.DataFrame(), truth, from_truth=True),
            "watchlist": watchlist_scores(project.input_dataset("hits").read(),
                                          project.input_dataset("watchlist").read()),
            "speed": speed(project, seconds), "recipe_seconds": {k: round(v, 2) for k, v in seconds.items()},
        }
    print_report(result)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "documents.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
