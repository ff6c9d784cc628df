"""Recipe handler of the experiment plan: map a context onto `vigie.evaluation.plan.leaderboard`."""

from __future__ import annotations

import json

import pandas as pd

from vigie.evaluation.datasets import dataset_items
from vigie.evaluation.plan import OutputCache, leaderboard
from vigie.forensics.registry import detector_names, get_detector
from vigie.runtime.context import RecipeContext


def leaderboard_frame(rows: list[dict]) -> pd.DataFrame:
    """The leaderboard as a table: nested figures (recall per field) as JSON text."""
    frame = pd.DataFrame(rows)
    if "field_recall" in frame:
        frame["field_recall"] = frame["field_recall"].map(lambda v: json.dumps(v, sort_keys=True))
    return frame


def benchmark_detectors_recipe(ctx: RecipeContext) -> None:
    """Recipe: every selected detector on every input dataset folder, one leaderboard row per pairing."""
    detectors = [get_detector(name) for name in (ctx.config["detectors"] or detector_names())]
    datasets = [(folder, dataset_items(folder, ctx.config["layout"])) for folder in ctx.input_folders("datasets")]
    cache = OutputCache(ctx.output_folder("cache") if ctx.has_output("cache") else None)
    total = sum(len(items) for _folder, items in datasets) * len(detectors)
    with ctx.progress(total, "pages scored") as bar:
        rows = leaderboard(detectors, datasets, cache, ctx.config["max_fpr"], on_item=lambda _item: bar.update(1))
    ctx.output_dataset("leaderboard").write(leaderboard_frame(rows))
