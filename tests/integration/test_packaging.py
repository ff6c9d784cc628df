"""`make plugin`: a DSS plugin zip of the committed plugin files, without tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("git") is None or not (REPO / ".git").exists(), reason="needs a git checkout")
def test_make_plugin_writes_the_zip_without_tests():
    version = json.loads((REPO / "plugin.json").read_text())["version"]
    subprocess.run(["make", "-s", "plugin"], cwd=REPO, check=True, capture_output=True)
    archive = REPO / "dist" / f"dss-plugin-vigie-{version}.zip"
    names = zipfile.ZipFile(archive).namelist()
    assert "plugin.json" in names and "code-env/python/desc.json" in names
    assert "custom-recipes/generate-claims-corpus/recipe.json" in names
    assert any(n.startswith("python-lib/vigie/") for n in names) and any(n.startswith("python-lib/dku_vigie/")
                                                                         for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/", ".ci/")) for n in names)
