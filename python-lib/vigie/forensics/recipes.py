"""Recipe handlers of the forgery detectors: one recipe per detector, all mapping a context onto `scan_folder`.

The decision threshold is, in order: the `threshold` parameter, the detector's image threshold in a leaderboard
written by `benchmark-detectors` (calibrated on that plan's calibration split; the strictest when several datasets
were scored), or the threshold the detector ships with (calibrated the same way on the synthetic benchmark).
"""

from __future__ import annotations

from typing import Optional

import pandas as pd

from vigie.core.errors import VigieError
from vigie.core.page_files import page_files
from vigie.forensics.base import Detector
from vigie.forensics.registry import get_detector
from vigie.forensics.scan import RESULT_SCHEMA, MapWriter, scan_folder
from vigie.runtime.context import RecipeContext


def leaderboard_threshold(leaderboard: pd.DataFrame, detector: Detector) -> Optional[float]:
    """The detector's calibrated image threshold in a leaderboard, for its current version; None if absent."""
    needed = {"detector", "version", "image_threshold"}
    if not needed.issubset(leaderboard.columns):
        return None
    rows = leaderboard[(leaderboard["detector"] == detector.name)
                       & (leaderboard["version"].astype(str) == str(detector.version))]
    values = pd.to_numeric(rows["image_threshold"], errors="coerce").dropna()
    return float(values.max()) if len(values) else None


def decision_threshold(ctx: RecipeContext, detector: Detector) -> float:
    if ctx.config["threshold"] is not None:
        return float(ctx.config["threshold"])
    if ctx.has_input("leaderboard"):
        found = leaderboard_threshold(ctx.input_dataset("leaderboard").read(), detector)
        if found is not None:
            return found
        ctx.log.warning(f"no calibrated threshold for {detector.name} v{detector.version} in the leaderboard; "
                        f"using the shipped one ({detector.threshold})")
    return detector.threshold


def run_detection(ctx: RecipeContext, detector_name: str) -> None:
    """Score every page file of the input folder; one row per page, maps to the optional output folder."""
    detector = get_detector(detector_name)
    threshold = decision_threshold(ctx, detector)
    pages = ctx.input_folder("pages")
    paths = page_files(pages, ctx.config["files"] or "*")
    if not paths:
        raise VigieError(f"{ctx.recipe_id}: no file in folder {pages.name} matches {ctx.config['files']!r}")
    maps = MapWriter(ctx.output_folder("maps") if ctx.has_output("maps") else None)
    if maps.folder is not None:
        maps.folder.clear()  # maps of a previous run must not outlive it
    with ctx.progress(len(paths), "files scanned") as bar:
        rows = scan_folder(detector, pages, paths, threshold, maps, on_file=lambda _path: bar.update(1))
    frame = pd.DataFrame(rows, columns=[c["name"] for c in RESULT_SCHEMA])
    ctx.output_dataset("results").write(frame, schema=RESULT_SCHEMA)
    failed = int((frame["status"] == "error").sum())
    flagged = int(frame["decision"].fillna(False).astype(bool).sum())
    ctx.log.info(f"{detector.name}: {len(frame)} pages, {flagged} flagged at threshold {threshold:.3f}, "
                 f"{failed} errors")
    if failed == len(frame):
        raise VigieError(f"{ctx.recipe_id}: no page could be processed ({failed} errors; first: {frame['error'][0]})")


def detect_copy_move_recipe(ctx: RecipeContext) -> None:
    """Recipe: copy-move detection (duplicated digits, words, signatures or stamps inside a page)."""
    run_detection(ctx, "copy_move")


def detect_splicing_recipe(ctx: RecipeContext) -> None:
    """Recipe: splicing detection (regions whose noise or JPEG history differs from the page's)."""
    run_detection(ctx, "splicing")


def detect_retyped_text_recipe(ctx: RecipeContext) -> None:
    """Recipe: retyped-text detection (text whose font, stroke, baseline or edges differ from its line)."""
    run_detection(ctx, "retyped_text")
