"""`vigie bench`: the experiment plan on a local project, on a fresh synthetic corpus unless datasets are given.

The benchmark-detectors recipe runs on the project with its leaderboard, cache and report roles bound, so a re-run
only scores what changed and the HTML report lands in the project's `bench_report` folder. Peers (reference
detectors that are not registered in the plugin, e.g. those of benchmarks/peers/) can be passed as instances: they
are scored on the same pages in the same run, through the same recipe code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pandas as pd

from vigie.evaluation.plan import PlanResult
from vigie.evaluation.recipes import benchmark_plan
from vigie.evaluation.report import REPORT_FILE
from vigie.forensics.base import Detector
from vigie.runtime.local import LocalProject
from vigie.runtime.runner import recipe_context, run_recipe

BENCH_CORPUS = "bench_corpus"
BENCH_RECIPE = "benchmark-detectors"
REPORT_FOLDER = "bench_report"
COLUMNS = ["detector", "dataset", "forgeries", "image_auc", "average_precision", "tpr_at_1pct_fpr", "tpr_at_5pct_fpr",
           "pixel_f1", "pixel_iou", "oracle_pixel_f1", "false_alerts_per_100_authentic", "false_positive_area",
           "seconds_per_megapixel", "median_seconds_per_page", "net_value_eur"]


@dataclass
class BenchResult:
    """What a bench run made: the leaderboard table, the plan's result (scored pages) and the report's path."""

    leaderboard: pd.DataFrame
    plan: PlanResult
    report_path: Path


def run_plan_bench(project_dir: Path, documents: int, seed: int, datasets: Optional[list[str]] = None,
                   detectors: Optional[list[str]] = None, peers: Sequence[Detector] = ()) -> BenchResult:
    """Generate the corpus if no dataset folder is named, then run the benchmark-detectors recipe (with `peers`
    scored alongside the registered detectors) exactly as `vigie recipe run` would, report folder bound."""
    project = LocalProject(project_dir)
    if not datasets:
        run_recipe("generate-claims-corpus", project, {}, {"corpus_folder": [BENCH_CORPUS], "labels": ["bench_labels"]},
                   {"n_documents": documents, "seed": seed, "dpi": "200"})
        datasets = [BENCH_CORPUS]
    params = {"detectors": ",".join(detectors)} if detectors else {}
    inputs = {"datasets": list(datasets)}
    outputs = {"leaderboard": ["leaderboard"], "cache": ["detector_cache"], "report": [REPORT_FOLDER]}
    ctx = recipe_context(BENCH_RECIPE, project, inputs, outputs, params)
    plan = benchmark_plan(ctx, peers)
    report = project.folder_path(REPORT_FOLDER) / REPORT_FILE
    return BenchResult(project.input_dataset("leaderboard").read(), plan, report)


def run_bench(project_dir: Path, documents: int, seed: int, datasets: Optional[list[str]] = None,
              detectors: Optional[list[str]] = None, peers: Sequence[Detector] = ()) -> pd.DataFrame:
    """Generate the corpus if no dataset folder is named, run the benchmark-detectors recipe, return its leaderboard.

    The report is written to the project's `bench_report/report.html` (see `run_plan_bench` for its path)."""
    return run_plan_bench(project_dir, documents, seed, datasets, detectors, peers).leaderboard


def format_leaderboard(frame: pd.DataFrame) -> str:
    """The leaderboard's headline columns as a plain-text table (peers marked with a '*' after their name)."""
    shown = frame[[c for c in COLUMNS if c in frame.columns]].copy()
    if "peer" in frame.columns:
        shown["detector"] = [f"{d}*" if p else d for d, p in zip(frame["detector"], frame["peer"].astype(bool))]
    return shown.to_string(index=False, float_format=lambda v: f"{v:.3f}")
