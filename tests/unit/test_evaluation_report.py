"""The experiment plan's HTML report: one self-contained file with the leaderboard, ROC curves, margins and overlays."""

from __future__ import annotations

import base64
import io
import re
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from imaging import png
from PIL import Image
from toy_handlers import RedSquareDetector
from vigie.core.results import DetectorResult
from vigie.evaluation.datasets import dataset_items
from vigie.evaluation.plan import THUMBNAIL_SIDE, OutputCache, run_plan
from vigie.evaluation.report import auc_margins, example_pages, render_report, write_report
from vigie.forensics.base import Detector
from vigie.runtime.local import LocalFolder, LocalProject
from vigie.runtime.runner import run_recipe

REPO = Path(__file__).resolve().parents[2]
VOID = {"br", "img", "meta", "link", "hr", "input", "line", "rect", "polyline", "path", "circle"}


class CopyMoveToy(Detector):
    """Meant for copy-moves; scores by the amount of red, gives a mask but no heatmap."""

    name, version, operations = "cm_toy", "1", ("copy_move",)

    def detect(self, page):
        image = page.image.astype(int)
        red = (image[..., 0] - image[..., 1]) > 100
        return DetectorResult(score=min(1.0, red.mean() * 20), mask=red)


class ScoreOnly(Detector):
    """A weak peer: the page's mean brightness, no map at all."""

    name, version = "score_only", "1"

    def detect(self, page):
        return DetectorResult(score=float(page.image.mean() / 255.0))


def toy_dataset(root: Path, name: str, seed: int) -> LocalFolder:
    """40 small pages, half forged (a red square; copy-moves and splices alternate), calibration then test."""
    folder = LocalFolder(root / name, name)
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(40):
        forged = i % 2 == 0
        image = np.full((48, 64, 3), 200, np.uint8) + rng.integers(0, 10, (48, 64, 3), dtype=np.uint8)
        mask = np.zeros((48, 64), np.uint8)
        operation = ("copy_move" if i % 4 == 0 else "splicing") if forged else ""
        if forged:
            size = 6 + i % 5
            image[10:10 + size, 30:44] = (230, 40, 40)
            mask[10:10 + size, 30:44] = 255
            folder.write_bytes(f"masks/p{i}.png", png(mask))
        folder.write_bytes(f"images/p{i}.png", png(image))
        rows.append({"id": f"p{i}", "image": f"images/p{i}.png", "forged": forged,
                     "mask": f"masks/p{i}.png" if forged else "", "source_mask": "",
                     "split": "calibration" if i < 20 else "test", "operation": operation,
                     "field": "amount" if forged else "", "status": "ok"})
    folder.write_bytes("labels.csv", pd.DataFrame(rows).to_csv(index=False).encode())
    return folder


@pytest.fixture
def plan(tmp_path):
    datasets = [(f, dataset_items(f)) for f in (toy_dataset(tmp_path, "alpha", 0), toy_dataset(tmp_path, "beta", 1))]
    return run_plan([RedSquareDetector(), CopyMoveToy()], datasets, OutputCache(None), peers=[ScoreOnly()])


class _Balance(HTMLParser):
    """Checks that every non-void element is closed in order."""

    def __init__(self):
        super().__init__()
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def test_run_plan_keeps_scored_pages_and_flags_peers(plan):
    assert len(plan.runs) == 6 and plan.peers == ["score_only"]
    red = plan.runs[0]
    assert red.detector == "red" and red.dataset_name == "alpha" and not red.peer and len(red.pages) == 40
    test = [p for p in red.pages if p.item.split == "test"]
    assert all(p.heatmap is not None and max(p.heatmap.shape) <= THUMBNAIL_SIDE for p in test)
    assert all(p.heatmap is None for p in red.pages if p.item.split != "test")  # only what the report draws
    assert red.image_thresholds.keys() == {"all"} and plan.runs[1].image_thresholds.keys() == {"copy_move", "all"}
    assert all(p.heatmap is None for p in plan.runs[2].pages)  # the score-only peer
    forged, scores = red.scores()
    assert len(forged) == 20 and sum(forged) == 10
    peer_rows = [r for r in plan.rows if r["peer"]]
    assert {r["detector"] for r in peer_rows} == {"score_only"} and len(plan.rows) == 2 * (1 + 2 + 1)


def test_report_is_one_valid_html_file_with_rows_curves_and_overlays(plan):
    page = render_report(plan)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    checker = _Balance()
    checker.feed(page)
    checker.close()
    assert checker.problems == [] and checker.stack == []
    assert page.count('<tr class="entry') == len(plan.rows)
    assert page.count('<tr class="entry peer"') == 2
    assert "upper bound" in page and "Oracle pixel F1" in page
    # one ROC chart per dataset and operation (all forgeries, copy_move, splicing), one curve per detector
    charts = re.findall(r'<figure class="chart" data-dataset="(\w+)" data-operation="(\w+)">(.*?)</figure>', page, re.S)
    assert sorted((d, o) for d, o, _svg in charts) == sorted(
        (d, o) for d in ("alpha", "beta") for o in ("all", "copy_move", "splicing"))
    assert all(svg.count('class="curve"') == 3 and "<svg" in svg for _d, _o, svg in charts)
    # overlays: three examples per detector and dataset, as decodable PNG thumbnails
    thumbnails = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(thumbnails) == 6 * 3
    for encoded in thumbnails:
        image = Image.open(io.BytesIO(base64.b64decode(encoded)))
        assert image.format == "PNG" and max(image.size) <= THUMBNAIL_SIDE
    # self-contained: no script, no stylesheet or image fetched from elsewhere
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    assert page.count('<tr class="margin">') == 2 * 3  # cm_toy on copy_move and all, red on all, per dataset


def test_examples_are_the_top_forged_a_missed_forged_and_the_top_authentic(plan):
    red = plan.runs[0]
    examples = dict(example_pages(red))
    test = [p for p in red.pages if p.item.split == "test"]
    top_forged = max((p for p in test if p.item.forged), key=lambda p: p.score)
    top_authentic = max((p for p in test if not p.item.forged), key=lambda p: p.score)
    assert examples["highest-scoring forged"] is top_forged
    assert examples["highest-scoring authentic"] is top_authentic
    assert len(examples) == 3
    copy_move = dict(example_pages(plan.runs[1]))  # meant for copy-moves: shows copy-moves
    assert copy_move["highest-scoring forged"].item.operation == "copy_move"


def test_overlay_shows_heatmap_and_true_outline(plan):
    page = render_report(plan)
    encoded = re.search(r'alt="p\d+" width="\d+" height="\d+" src="data:image/png;base64,([A-Za-z0-9+/=]+)"',
                        page).group(1)
    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(encoded))).convert("RGB")).astype(int)
    assert ((pixels[..., 1] == 170) & (pixels[..., 0] == 0)).any()  # the true mask's green outline
    assert (pixels[..., 0] - pixels[..., 1] > 100).any()  # the red heatmap


def test_margins_compare_on_the_same_pages(plan):
    margins = auc_margins(plan)
    red = [m for m in margins if m["detector"] == "red" and m["dataset"] == "alpha"]
    assert len(red) == 1 and red[0]["best_peer"] == "score_only" and red[0]["pages"] == 20
    assert red[0]["image_auc"] == 1.0 and red[0]["auc_margin"] == pytest.approx(1.0 - red[0]["best_peer_auc"])
    assert {m["forgeries"] for m in margins if m["detector"] == "cm_toy"} == {"copy_move", "all"}


def test_write_report_writes_into_a_folder(plan, tmp_path):
    folder = LocalFolder(tmp_path / "out", "out")
    assert write_report(folder, plan) == "report.html"
    assert folder.list_paths() == ["report.html"]
    assert folder.read_bytes("report.html").decode("utf-8").startswith("<!DOCTYPE html>")


def test_recipe_writes_the_report_only_when_its_folder_is_bound(tmp_path, monkeypatch):
    from vigie.forensics import registry

    monkeypatch.setattr(registry, "DETECTORS", {"red": "toy_handlers:RedSquareDetector"})
    project = LocalProject(tmp_path / "proj")
    shutil.copytree(toy_dataset(tmp_path, "toy", 0).root, project.folder_path("toy"))
    run_recipe("benchmark-detectors", project, {"datasets": ["toy"]}, {"leaderboard": ["board"]}, {})
    assert not project.folder_path("report").exists()
    run_recipe("benchmark-detectors", project, {"datasets": ["toy"]},
               {"leaderboard": ["board"], "report": ["report"]}, {})
    assert project.folder("report").list_paths() == ["report.html"]
    page = project.folder("report").read_bytes("report.html").decode("utf-8")
    assert page.count('<tr class="entry') == len(project.input_dataset("board").read())


def test_pyifd_peers_follow_the_detector_contract():
    pytest.importorskip("pyIFD.ELA")
    pytest.importorskip("pyIFD.NOI1")
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from peers.pyifd_detectors import pyifd_peers
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    from vigie.core.pages import load_pages

    rng = np.random.default_rng(0)
    image = np.full((120, 90, 3), 235, np.uint8) + rng.integers(0, 6, (120, 90, 3), dtype=np.uint8)
    image[40:70, 20:60] = rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)
    page = load_pages(png(image), "page.png")[0]
    for peer in pyifd_peers():
        result = peer.detect(page)
        assert peer.name.startswith("pyifd_") and 0.0 <= result.score <= 1.0
        assert result.heatmap.shape == (120, 90) and 0.0 <= result.heatmap.min() <= result.heatmap.max() <= 1.0
