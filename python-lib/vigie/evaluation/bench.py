"""`vigie bench`: the experiment plan on a local project, on a fresh synthetic corpus unless datasets are given."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import pandas as pd

from vigie.runtime.local import LocalProject
from vigie.runtime.runner import run_recipe

BENCH_CORPUS = "bench_corpus"
COLUMNS = ["detector", "dataset", "forgeries", "image_auc", "average_precision", "tpr_at_1pct_fpr", "tpr_at_5pct_fpr",
           "pixel_f1", "pixel_iou", "oracle_pixel_f1", "false_alerts_per_100_authentic", "false_positive_area",
           "seconds_per_megapixel", "median_seconds_per_page", "net_value_eur"]


def run_bench(project_dir: Path, documents: int, seed: int, datasets: Optional[list[str]] = None,
              detectors: Optional[list[str]] = None) -> pd.DataFrame:
    """Generate the corpus if no dataset folder is named, run the benchmark-detectors recipe, return its leaderboard."""
    project = LocalProject(project_dir)
    if not datasets:
        run_recipe("generate-claims-corpus", project, {}, {"corpus_folder": [BENCH_CORPUS], "labels": ["bench_labels"]},
                   {"n_documents": documents, "seed": seed, "dpi": "200"})
        datasets = [BENCH_CORPUS]
    params = {"detectors": ",".join(detectors)} if detectors else {}
    run_recipe("benchmark-detectors", project, {"datasets": datasets},
               {"leaderboard": ["leaderboard"], "cache": ["detector_cache"]}, params)
    return project.input_dataset("leaderboard").read()


def format_leaderboard(frame: pd.DataFrame) -> str:
    """The leaderboard's headline columns as a plain-text table."""
    shown = frame[[c for c in COLUMNS if c in frame.columns]].copy()
    return shown.to_string(index=False, float_format=lambda v: f"{v:.3f}")
