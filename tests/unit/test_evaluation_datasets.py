"""Dataset adapters: the benchmark contract, images + masks, CASIA v1/v2 and Find it again! give one item shape."""

from __future__ import annotations

import numpy as np
import pytest
from imaging import png
from vigie.core.errors import UsageError
from vigie.evaluation.datasets import dataset_items, detect_layout, read_mask, truth_mask
from vigie.runtime.local import LocalFolder


@pytest.fixture
def folder(tmp_path):
    return LocalFolder(tmp_path / "ds", "ds")


def test_images_masks_layout(folder):
    mask = np.zeros((8, 8), np.uint8)
    mask[2:4, 2:4] = 255
    folder.write_bytes("images/a.jpg", b"x")
    folder.write_bytes("images/b.png", b"x")
    folder.write_bytes("masks/a.png", png(mask))
    items = {i.id: i for i in dataset_items(folder)}
    assert detect_layout(folder) == "images_masks"
    assert items["a"].forged and items["a"].mask == "masks/a.png" and not items["b"].forged
    assert read_mask(folder, "masks/a.png", (16, 16)).sum() == 16
    assert not read_mask(folder, None, (4, 4)).any()


def test_casia_v1_and_v2_layouts(folder):
    for path in ("CASIA1/Au/Au_ani_0001.jpg", "CASIA1/Tp/CM/Sp_S_CND_a_pla0005.jpg", "CASIA1/Tp/Sp/Sp_D_x.jpg",
                 "CASIA1/Groundtruth/Sp_S_CND_a_pla0005_gt.png", "CASIA2/Au/Au_nat_1.jpg",
                 "CASIA2/Tp/Tp_S_NRN_S_N_arc00013.tif", "CASIA2/Tp/Tp_D_CRN_M_N_nat10.jpg",
                 "CASIA2/CASIA 2 Groundtruth/Tp_S_NRN_S_N_arc00013_gt.png"):
        folder.write_bytes(path, b"x")
    items = {i.id: i for i in dataset_items(folder)}
    assert detect_layout(folder) == "casia" and len(items) == 6
    assert not items["Au_ani_0001"].forged and not items["Au_nat_1"].forged
    assert items["Sp_S_CND_a_pla0005"].operation == "copy_move" and items["Sp_S_CND_a_pla0005"].mask
    assert items["Sp_D_x"].operation == "splicing" and items["Sp_D_x"].mask is None
    assert items["Tp_S_NRN_S_N_arc00013"].operation == "copy_move"
    assert items["Tp_S_NRN_S_N_arc00013"].mask.endswith("_gt.png")
    assert items["Tp_D_CRN_M_N_nat10"].operation == "splicing"


def test_benchmark_contract_from_the_corpus(folder):
    from vigie.synth.corpus import CorpusOptions, generate_corpus

    labels = generate_corpus(folder, CorpusOptions(n_documents=3, seed=2, dpi="150", forged_fraction=1.0))
    items = dataset_items(folder)
    assert detect_layout(folder) == "benchmark"
    assert [i.id for i in items] == labels["id"].tolist()
    assert all(i.forged == bool(f) for i, f in zip(items, labels["forged"]))
    assert all((i.mask is not None) == i.forged for i in items)


def test_unknown_layout_is_a_usage_error(folder):
    folder.write_bytes("random/file.txt", b"x")
    with pytest.raises(UsageError, match="unknown dataset layout"):
        dataset_items(folder)


def test_find_it_again_layout_reads_via_regions(folder):
    forged = {"regions": [
        {"shape_attributes": {"name": "rect", "x": 10, "y": 5, "width": 20, "height": 4},
         "region_attributes": {"Modified area": {"CPI": True, "None": False}, "Original area": "no"}},
        {"shape_attributes": {"name": "rect", "x": 40, "y": 30, "width": 20, "height": 4},
         "region_attributes": {"Modified area": {"None": True}, "Original area": "yes"}},
    ]}
    table = ("image,digital annotation,handwritten annotation,forged,forgery annotations\n"
             f'X001.png,0,0,1,"{forged}"\nX002.png,0,1,0,0\nX404.png,0,0,0,0\n')
    folder.write_bytes("test.txt", table.encode())
    folder.write_bytes("val.txt", b"image,digital annotation,handwritten annotation,forged,forgery annotations\n"
                       b"X003.png,0,0,0,0\n")
    for name in ("test/X001.png", "test/X002.png", "val/X003.png"):
        folder.write_bytes(name, b"x")
    assert detect_layout(folder) == "findit"
    items = {i.id: i for i in dataset_items(folder)}
    assert set(items) == {"X001", "X002", "X003"}  # X404 is listed but missing from the archive
    hit = items["X001"]
    assert hit.forged and hit.operation == "copy_move" and hit.split == "test"
    assert hit.boxes == ((10, 5, 30, 9),) and hit.source_boxes == ((40, 30, 60, 34),)
    assert not items["X002"].forged and items["X003"].split == "calibration"
    truth = truth_mask(folder, hit, (50, 80))
    assert truth.sum() == 2 * 20 * 4 and truth[5:9, 10:30].all() and truth[30:34, 40:60].all()
