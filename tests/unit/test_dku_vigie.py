"""The DSS adapters, run against a test double of the documented `dataiku` API (tests/doubles/dataiku)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "doubles"))

import dataiku  # noqa: E402  (the double)


@pytest.fixture
def dss(tmp_path):
    dataiku.reset(tmp_path / "dss")
    return tmp_path / "dss"


def test_recipe_context_in_dss_applies_defaults_and_streams_data(dss, toy_plugin):
    from dku_vigie.recipe import run_recipe

    ds = dataiku.Dataset("rows_in")
    ds.write_with_schema(pd.DataFrame({"value": range(9)}))
    dataiku.reset(dss, inputs={"rows": ["rows_in"]}, outputs={"copy": ["copy_out"], "notes": ["notes_f"]},
                  config={"mode": "b", "factor": 3.0, "flag": True, "dssAddedKey": 1})
    run_recipe("toy-copy")
    out = dataiku.Dataset("copy_out").get_dataframe()
    assert out["value"].tolist() == [3 * v for v in range(9)] and set(out["mode"]) == {"b"}
    assert dataiku.Folder("notes_f").list_paths_in_partition() == ["/sub/note.txt"]
    with dataiku.Folder("notes_f").get_download_stream("/sub/note.txt") as stream:
        assert stream.read() == b"flag=True"


def test_dss_recipe_refuses_out_of_range_values(dss, toy_plugin):
    from dku_vigie.recipe import run_recipe
    from vigie.core.errors import UsageError

    dataiku.Dataset("rows_in").write_with_schema(pd.DataFrame({"value": [1]}))
    dataiku.reset(dss, inputs={"rows": ["rows_in"]}, outputs={"copy": ["o"]}, config={"factor": 50})
    with pytest.raises(UsageError, match="parameter factor must be between 1 and 10, got 50"):
        run_recipe("toy-copy")


def test_real_corpus_recipe_py_runs_in_dss(dss):
    dataiku.reset(dss, outputs={"corpus_folder": ["corpus"], "labels": ["labels"]},
                  config={"n_documents": 3, "seed": 1, "dpi": "150", "workers": 1, "forged_fraction": 1.0})
    runpy.run_path(str(REPO / "custom-recipes" / "generate-claims-corpus" / "recipe.py"), run_name="__main__")
    labels = dataiku.Dataset("labels").get_dataframe()
    assert len(labels) == 3 and labels["status"].eq("ok").all()
    assert [c["name"] for c in dataiku.Dataset("labels").read_schema()] == labels.columns.tolist()
    paths = dataiku.Folder("corpus").list_paths_in_partition()
    assert sum(p.startswith("/images/") for p in paths) == 3 and "/labels.csv" in paths
    assert sum(p.startswith("/masks/") for p in paths) == labels["forged"].sum()


def test_real_detection_recipe_py_runs_in_dss_and_keeps_bad_files_as_rows(dss):
    from PIL import Image

    sys.path.insert(0, str(REPO / "tests"))
    from imaging import encode

    pages = dataiku.Folder("pages")
    for path, data in {"/ok.png": encode(Image.new("RGB", (160, 120), "white"), "PNG"), "/empty.jpg": b""}.items():
        with pages.get_writer(path) as writer:
            writer.write(data)
    dataiku.reset(dss, inputs={"pages": ["pages"]}, outputs={"results": ["rows"], "maps": ["maps"]}, config={})
    runpy.run_path(str(REPO / "custom-recipes" / "detect-copy-move" / "recipe.py"), run_name="__main__")
    rows = dataiku.Dataset("rows").get_dataframe().set_index("file")
    assert rows.loc["empty.jpg", "status"] == "error" and "empty file" in rows.loc["empty.jpg", "error"]
    assert rows.loc["ok.png", "status"] == "ok" and 0.0 <= rows.loc["ok.png", "score"] <= 1.0
    assert "/ok/page-1-heatmap.png" in dataiku.Folder("maps").list_paths_in_partition()


def test_real_corpus_macro_runs_in_dss(dss):
    module = runpy.run_path(str(REPO / "python-runnables" / "generate-claims-corpus" / "runnable.py"))
    runnables = [v for v in module.values() if isinstance(v, type) and issubclass(v, dataiku.runnables.Runnable)
                 and v is not dataiku.runnables.Runnable]
    assert len(runnables) == 1
    calls = []
    macro = runnables[0]("PROJ", {"output_folder": "corpus", "n_documents": 2, "workers": 1}, {})
    html = macro.run(calls.append)
    assert "2 pages" in html and calls[-1] == 100
    assert sum(p.startswith("/images/") for p in dataiku.Folder("corpus").list_paths_in_partition()) == 2
