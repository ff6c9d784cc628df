"""`vigie demo`: a fresh project, the demo flow, a report of what it made; a second run skips what is up to date."""

from __future__ import annotations

from vigie.cli import main


def test_demo_makes_a_project_and_reruns_fast(tmp_path, capsys):
    project = tmp_path / "demo"
    assert main(["demo", "--project", str(project), "--documents", "6"]) == 0
    out = capsys.readouterr().out
    assert "running claims-corpus" in out
    assert "dataset claims_labels: 6 rows" in out and "folder  claims_corpus:" in out
    assert (project / "datasets" / "claims_labels.parquet").is_file()
    assert main(["demo", "--project", str(project), "--documents", "6"]) == 0
    assert "up to date: claims-corpus" in capsys.readouterr().out
