"""Detection recipes: one row per page, bad files as error rows, maps in the folder, calibrated decisions."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from imaging import encode
from PIL import Image
from toy_handlers import RedSquareDetector
from vigie.core.errors import VigieError
from vigie.core.page_files import page_files
from vigie.core.pages import MAX_PIXELS
from vigie.forensics.recipes import leaderboard_threshold
from vigie.forensics.scan import MapWriter, scan_folder
from vigie.runtime.local import LocalProject
from vigie.runtime.runner import run_recipe


def _page(red: bool, size=(120, 90)) -> Image.Image:
    image = np.full((size[1], size[0], 3), 245, np.uint8)
    if red:
        image[20:40, 30:60] = (220, 20, 20)
    return Image.fromarray(image)


def _bad_and_odd_files() -> dict[str, bytes]:
    side = int(MAX_PIXELS ** 0.5) + 100
    jpeg = encode(_page(True, (400, 300)), "JPEG", quality=90)
    frames = [_page(False), _page(True), _page(False)]
    return {
        "scans/zero.jpg": b"",
        "scans/truncated.jpg": jpeg[: len(jpeg) // 3],
        "scans/bomb.png": encode(Image.new("1", (side, side), 1), "PNG", optimize=True),
        "scans/notes.txt": b"not a page",
        "scans/cmyk.tif": encode(_page(True).convert("CMYK"), "TIFF"),
        "scans/deep.tif": encode(Image.fromarray(np.full((90, 120), 40000, np.uint16)), "TIFF"),
        "scans/gray.png": encode(_page(False).convert("L"), "PNG"),
        "scans/alpha.png": encode(_page(True).convert("RGBA"), "PNG"),
        "scans/multi.tif": encode(frames[0], "TIFF", save_all=True, append_images=frames[1:]),
        "scans/multi.pdf": encode(frames[0], "PDF", save_all=True, append_images=frames[1:], resolution=100),
        "scans/red.jpg": jpeg,
    }


@pytest.fixture
def pages_project(tmp_path):
    project = LocalProject(tmp_path / "proj")
    folder = project.folder("pages")
    for path, data in _bad_and_odd_files().items():
        folder.write_bytes(path, data)
    folder.write_bytes("readme/ignored.md", b"# not scanned: outside the glob")
    return project


def test_every_file_yields_rows_and_bad_ones_say_why(pages_project):
    folder = pages_project.folder("pages")
    paths = page_files(folder, "scans/*")
    maps = MapWriter(pages_project.folder("maps"))
    rows = pd.DataFrame(scan_folder(RedSquareDetector(), folder, paths, 0.5, maps))
    assert set(rows["file"]) == set(paths) and "readme/ignored.md" not in set(rows["file"])
    errors = rows.set_index("file")["error"][rows.set_index("file")["status"] == "error"]
    assert set(errors.index) == {"scans/zero.jpg", "scans/truncated.jpg", "scans/bomb.png", "scans/notes.txt"}
    assert "empty file" in errors["scans/zero.jpg"] and "decompression bomb" in errors["scans/bomb.png"]
    ok = rows[rows["status"] == "ok"]
    assert sorted(ok[ok["file"] == "scans/multi.pdf"]["page"]) == [1, 2, 3]
    assert sorted(ok[ok["file"] == "scans/multi.tif"]["page"]) == [1, 2, 3]
    flagged = set(zip(ok[ok["decision"]]["file"], ok[ok["decision"]]["page"]))
    assert flagged == {("scans/red.jpg", 1), ("scans/cmyk.tif", 1), ("scans/alpha.png", 1),
                       ("scans/multi.tif", 2), ("scans/multi.pdf", 2)}
    heat = np.asarray(Image.open(f"{maps.folder.root}/scans/red/page-1-heatmap.png"))
    assert heat.shape == (300, 400) and heat[22:38, 32:58].mean() > 150 and heat[60:].max() < 30
    assert ok.loc[ok["file"] == "scans/red.jpg", "heatmap"].item() == "scans/red/page-1-heatmap.png"


def test_a_detector_crash_on_one_page_is_that_pages_error(pages_project):
    class Fragile(RedSquareDetector):
        def detect(self, page):
            if page.page_number == 2:
                raise RuntimeError("boom")
            return super().detect(page)

    folder = pages_project.folder("pages")
    rows = pd.DataFrame(scan_folder(Fragile(), folder, ["scans/multi.tif"], 0.5, MapWriter(None)))
    assert list(rows["status"]) == ["ok", "error", "ok"] and "boom" in rows["error"][1]


def test_copy_move_recipe_runs_on_odd_files_and_writes_maps(pages_project):
    run_recipe("detect-copy-move", pages_project, {"pages": ["pages"]},
               {"results": ["cm"], "maps": ["cm_maps"]}, {"files": "scans/*"})
    rows = pages_project.input_dataset("cm").read()
    assert len(rows) == 4 + 1 + 1 + 1 + 1 + 3 + 3 + 1  # 4 bad files, then one row per page
    ok = rows[rows["status"] == "ok"]
    assert ok["score"].between(0, 1).all() and (ok["detector"] == "copy_move").all()
    assert all(isinstance(json.loads(e), list) for e in ok["evidence"])
    stored = pages_project.folder("cm_maps").list_paths()
    assert all(p.endswith(".png") for p in stored) and set(ok["heatmap"][ok["heatmap"] != ""]) <= set(stored)


def test_recipe_fails_only_when_no_page_could_be_read(tmp_path):
    project = LocalProject(tmp_path / "p")
    project.folder("pages").write_bytes("broken.jpg", b"\xff\xd8 nothing")
    with pytest.raises(VigieError, match="no page could be processed"):
        run_recipe("detect-copy-move", project, {"pages": ["pages"]}, {"results": ["r"]}, {})
    assert project.input_dataset("r").read()["status"].tolist() == ["error"]


def test_threshold_comes_from_param_then_leaderboard_then_detector(pages_project):
    from vigie.forensics.registry import get_detector
    detector = get_detector("copy_move")
    board = pd.DataFrame({"detector": ["copy_move", "copy_move", "other"], "version": [detector.version] * 3,
                          "image_threshold": [0.4, 0.7, 0.01], "forgeries": ["all", "all", "all"]})
    assert leaderboard_threshold(board, detector) == 0.7
    assert leaderboard_threshold(board.assign(version="old"), detector) is None
    pages_project.output_dataset("board").write(board)
    common = ({"pages": ["pages"]}, {"results": ["r"]})
    run_recipe("detect-copy-move", pages_project, {**common[0], "leaderboard": ["board"]}, common[1],
               {"files": "scans/red.jpg"})
    assert pages_project.input_dataset("r").read()["threshold"].tolist() == [0.7]
    run_recipe("detect-copy-move", pages_project, {**common[0], "leaderboard": ["board"]}, common[1],
               {"files": "scans/red.jpg", "threshold": 0.25})
    assert pages_project.input_dataset("r").read()["threshold"].tolist() == [0.25]
    run_recipe("detect-copy-move", pages_project, *common, {"files": "scans/red.jpg"})
    assert pages_project.input_dataset("r").read()["threshold"].tolist() == [detector.threshold]

