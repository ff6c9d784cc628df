"""The experiment plan on a toy detector and dataset: protocol figures, fixed thresholds, caching, bad pages."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest
from imaging import png
from toy_handlers import RedSquareDetector
from vigie.evaluation.datasets import dataset_items
from vigie.evaluation.plan import OutputCache, evaluate, score_dataset
from vigie.runtime.local import LocalFolder


@pytest.fixture
def dataset(tmp_path):
    folder = LocalFolder(tmp_path / "ds", "ds")
    rng = np.random.default_rng(0)
    rows = []
    for i in range(40):
        forged = i % 2 == 0
        image = np.full((64, 64, 3), 200, np.uint8) + rng.integers(0, 10, (64, 64, 3), dtype=np.uint8)
        mask = np.zeros((64, 64), np.uint8)
        if forged:
            image[10:20, 30:44] = (230, 40, 40)
            mask[10:20, 30:44] = 255
            folder.write_bytes(f"masks/p{i}.png", png(mask))
        folder.write_bytes(f"images/p{i}.png", png(image))
        rows.append({"id": f"p{i}", "image": f"images/p{i}.png", "forged": forged,
                     "mask": f"masks/p{i}.png" if forged else "", "source_mask": "",
                     "split": "calibration" if i < 20 else "test", "operation": "splicing" if forged else "",
                     "field": "amount" if forged else "", "status": "ok"})
    folder.write_bytes("images/broken.png", b"\x89PNG not really")
    rows.append({"id": "broken", "image": "images/broken.png", "forged": False, "mask": "", "source_mask": "",
                 "split": "test", "operation": "", "field": "", "status": "ok"})
    folder.write_bytes("labels.csv", pd.DataFrame(rows).to_csv(index=False).encode())
    return folder


def test_protocol_figures_on_a_detector_with_known_answers(dataset, tmp_path):
    detector = RedSquareDetector()
    scored = score_dataset(detector, dataset, dataset_items(dataset), OutputCache(None))
    figures = evaluate(scored)
    assert figures["image_auc"] == 1.0 and figures["tpr_at_1pct_fpr"] == 1.0
    assert figures["pixel_f1"] > 0.95 and figures["oracle_pixel_f1"] >= figures["pixel_f1"]
    assert figures["false_alerts_per_100_authentic"] == 0.0 and figures["false_positive_area"] == 0.0
    assert figures["field_recall"] == {"amount": 1.0}
    assert figures["errors"] == 1 and figures["pages_test"] == 20
    assert figures["net_value_eur"] == 10 * 8000 - 10 * 300


def test_cached_outputs_are_reused_until_the_version_changes(dataset, tmp_path):
    cache = OutputCache(LocalFolder(tmp_path / "cache", "cache"))
    detector = RedSquareDetector()
    first = evaluate(score_dataset(detector, dataset, dataset_items(dataset), cache))
    assert detector.calls == 40  # the broken page never reaches the detector
    again = RedSquareDetector()
    second = evaluate(score_dataset(again, dataset, dataset_items(dataset), OutputCache(cache.folder)))
    assert again.calls == 0 and second["image_auc"] == first["image_auc"]
    again.version = "2"
    score_dataset(again, dataset, dataset_items(dataset), OutputCache(cache.folder))
    assert again.calls == 40


def test_benchmark_recipe_and_bench_command(dataset, tmp_path, monkeypatch, capsys):
    from vigie.cli import main
    from vigie.forensics import registry
    from vigie.runtime.local import LocalProject

    monkeypatch.setattr(registry, "DETECTORS", {"red": "toy_handlers:RedSquareDetector"})
    project = LocalProject(tmp_path / "proj")
    shutil.copytree(dataset.root, project.folder_path("toy"))
    assert main(["bench", "--project", str(project.root), "--dataset", "toy"]) == 0
    out = capsys.readouterr().out
    assert "red" in out and "image_auc" in out
    frame = project.input_dataset("leaderboard").read()
    assert frame.loc[0, "detector"] == "red" and frame.loc[0, "image_auc"] == 1.0
    assert len(project.folder("detector_cache").list_paths()) == 41  # the unreadable page is cached as an error
    report = project.folder_path("bench_report") / "report.html"
    assert f"report: {report}" in out and report.read_text().count('<tr class="entry') == len(frame)


def test_bench_scores_peers_beside_registered_detectors_and_reuses_the_cache(dataset, tmp_path, monkeypatch):
    from vigie.evaluation.bench import format_leaderboard, run_plan_bench
    from vigie.forensics import registry
    from vigie.runtime.local import LocalProject

    class Peer(RedSquareDetector):
        name = "peer_red"

    monkeypatch.setattr(registry, "DETECTORS", {"red": "toy_handlers:RedSquareDetector"})
    project = LocalProject(tmp_path / "proj")
    shutil.copytree(dataset.root, project.folder_path("toy"))
    peer = Peer()
    result = run_plan_bench(project.root, 0, 0, ["toy"], peers=[peer])
    assert list(result.leaderboard["detector"]) == ["red", "peer_red"]
    assert list(result.leaderboard["peer"]) == [False, True] and peer.calls == 40
    assert "peer_red*" in format_leaderboard(result.leaderboard)
    assert "peer_red" not in registry.DETECTORS and result.plan.peers == ["peer_red"]
    again = Peer()
    run_plan_bench(project.root, 0, 0, ["toy"], peers=[again])
    assert again.calls == 0  # cached like any detector
