"""Recipe handler of the experiment plan: map a context onto `vigie.evaluation.plan.run_plan` and its report."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from vigie.evaluation.datasets import dataset_items
from vigie.evaluation.plan import OutputCache, PlanResult, run_plan, scored_items
from vigie.evaluation.report import write_report
from vigie.forensics.base import Detector
from vigie.forensics.registry import detector_names, get_detector
from vigie.runtime.context import RecipeContext


def leaderboard_frame(rows: list[dict]) -> pd.DataFrame:
    """The leaderboard as a table: nested figures (recall per field) as JSON text."""
    frame = pd.DataFrame(rows)
    if "field_recall" in frame:
        frame["field_recall"] = frame["field_recall"].map(lambda v: json.dumps(v, sort_keys=True))
    return frame


def benchmark_plan(ctx: RecipeContext, peers: Sequence[Detector] = ()) -> PlanResult:
    """Every selected detector (and the given peers, which are not registered) on every input dataset folder:
    writes the leaderboard, and the HTML report when the `report` folder is bound; returns the plan's result."""
    detectors = [get_detector(name) for name in (ctx.config["detectors"] or detector_names())]
    datasets = [(folder, scored_items(dataset_items(folder, ctx.config["layout"])))
                for folder in ctx.input_folders("datasets")]
    cache = OutputCache(ctx.output_folder("cache") if ctx.has_output("cache") else None)
    total = sum(len(items) for _folder, items in datasets) * (len(detectors) + len(peers))
    with ctx.progress(total, "pages scored") as bar:
        plan = run_plan(detectors, datasets, cache, ctx.config["max_fpr"], on_item=lambda _item: bar.update(1),
                        peers=peers)
    ctx.output_dataset("leaderboard").write(leaderboard_frame(plan.rows))
    if ctx.has_output("report"):
        path = write_report(ctx.output_folder("report"), plan)
        ctx.log.info("report written to %s in folder %s", path, ctx.output_folder("report").name)
    return plan


def benchmark_detectors_recipe(ctx: RecipeContext) -> None:
    """Recipe: every selected detector on every input dataset folder, one leaderboard row per pairing."""
    benchmark_plan(ctx)
