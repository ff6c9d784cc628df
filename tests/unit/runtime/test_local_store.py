"""The local project store: Parquet datasets with their schema, chunked I/O, folders by streams, atomic writes."""

from __future__ import annotations

import pandas as pd
import pytest
from vigie.core.errors import UsageError
from vigie.runtime.local import LocalProject


def test_dataset_round_trip_keeps_values_and_declared_schema(tmp_path):
    project = LocalProject(tmp_path / "p")
    frame = pd.DataFrame({"id": ["a", "b", "c"], "n": [1, 2, 3], "x": [0.5, 1.5, None], "ok": [True, False, True]})
    schema = [{"name": "id", "type": "string"}, {"name": "n", "type": "bigint"}, {"name": "x", "type": "double"},
              {"name": "ok", "type": "boolean"}]
    project.output_dataset("scores").write(frame, schema=schema)
    back = project.input_dataset("scores")
    assert back.schema() == schema
    pd.testing.assert_frame_equal(back.read(), frame)


def test_chunked_write_and_read(tmp_path):
    project = LocalProject(tmp_path / "p")
    with project.output_dataset("big").writer() as out:
        for start in range(0, 25, 10):
            out.write(pd.DataFrame({"i": range(start, min(start + 10, 25))}))
    chunks = list(project.input_dataset("big").iter_chunks(chunksize=7))
    assert [len(c) for c in chunks] == [7, 7, 7, 4]
    assert pd.concat(chunks)["i"].tolist() == list(range(25))
    assert project.input_dataset("big").schema() == [{"name": "i", "type": "bigint"}]


def test_empty_output_still_has_its_schema(tmp_path):
    project = LocalProject(tmp_path / "p")
    with project.output_dataset("empty").writer(schema=[{"name": "a", "type": "string"}]):
        pass
    assert project.input_dataset("empty").read().columns.tolist() == ["a"]


def test_failed_write_leaves_previous_dataset_intact(tmp_path):
    project = LocalProject(tmp_path / "p")
    project.output_dataset("d").write(pd.DataFrame({"a": [1]}))
    with pytest.raises(RuntimeError):
        with project.output_dataset("d").writer() as out:
            out.write(pd.DataFrame({"a": [2]}))
            raise RuntimeError("boom")
    assert project.input_dataset("d").read()["a"].tolist() == [1]
    assert [p.name for p in (tmp_path / "p" / "datasets").iterdir()] == ["d.parquet"]


def test_folder_streams_listing_and_clear(tmp_path):
    folder = LocalProject(tmp_path / "p").folder("pages")
    folder.write_bytes("images/a.jpg", b"jpeg")
    with folder.open_write("/masks/a.png") as stream:
        stream.write(b"png")
    assert folder.list_paths() == ["images/a.jpg", "masks/a.png"]
    assert folder.read_bytes("/images/a.jpg") == b"jpeg"
    with pytest.raises(FileNotFoundError):
        folder.read_bytes("nope.txt")
    with pytest.raises(UsageError, match="leaves folder"):
        folder.write_bytes("../escape.txt", b"x")
    folder.clear()
    assert folder.list_paths() == []


def test_missing_dataset_and_bad_names_are_clear_errors(tmp_path):
    project = LocalProject(tmp_path / "p")
    with pytest.raises(UsageError, match="dataset nope does not exist"):
        project.input_dataset("nope")
    with pytest.raises(UsageError, match="invalid dataset name"):
        project.output_dataset("../x")


def test_refuses_to_take_over_a_non_project_directory(tmp_path):
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "file.txt").write_text("mine")
    with pytest.raises(UsageError, match="not a Vigie project"):
        LocalProject(tmp_path / "stuff")
