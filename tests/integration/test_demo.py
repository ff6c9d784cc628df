"""`vigie demo`: a fresh project, the demo flow (corpus, the three detectors, the experiment plan, OCR, typing,
extraction, checks, watchlist), a report of what it made; a second run skips what is up to date."""

from __future__ import annotations

from vigie.cli import main


def test_demo_makes_a_project_and_reruns_fast(tmp_path, capsys):
    project = tmp_path / "demo"
    assert main(["demo", "--project", str(project), "--documents", "6"]) == 0
    out = capsys.readouterr().out
    assert "running claims-corpus" in out
    assert "dataset claims_labels: 6 rows" in out and "folder  claims_corpus:" in out
    assert (project / "datasets" / "claims_labels.parquet").is_file()
    for detector in ("copy_move", "splicing", "retyped_text"):
        assert f"dataset {detector}_results: 6 rows x 18 columns, " in out and f"folder  {detector}_maps:" in out
    assert (project / "folders" / "detector_report" / "report.html").is_file()
    assert "dataset detector_leaderboard:" in out
    for name in ("claims_pages", "claims_types", "claims_checks", "watchlist_hits"):  # one row per page each
        assert f"dataset {name}: 6 rows x " in out
    assert "dataset claims_fields: " in out and "folder  claims_ocr: 6 files" in out
    assert (project / "folders" / "typing_model" / "model_card.json").is_file()
    assert main(["demo", "--project", str(project), "--documents", "6"]) == 0
    assert "up to date: claims-corpus" in capsys.readouterr().out
