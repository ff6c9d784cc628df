from __future__ import annotations

import dataclasses
import json

import cv2
import numpy as np
import pytest
from PIL import Image
from vigie.synth import degrade
from vigie.synth.degrade import DegradationPlan, compose, first_save, resave, sample_plan, scan, transform_box

MARKER = (250, 300, 330, 360)  # x0, y0, x1, y1 of a solid dark square on the test page


def marker_page(h: int = 640, w: int = 560) -> np.ndarray:
    image = np.full((h, w, 3), 255, np.uint8)
    image[MARKER[1]:MARKER[3], MARKER[0]:MARKER[2]] = (15, 15, 20)
    cv2.putText(image, "12/03/2025  48,50", (40, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)
    return image


def plan_with(seed: int = 0, **changes) -> DegradationPlan:
    return dataclasses.replace(sample_plan(np.random.default_rng(seed)), **changes)


def dark(image: np.ndarray) -> np.ndarray:
    return image.astype(np.float32).mean(axis=2) < 100


def marker_ink(image: np.ndarray) -> np.ndarray:
    """Dark pixels of the lower half of the page, where the marker is the only ink."""
    ink = dark(image)
    ink[: image.shape[0] * 3 // 10] = False
    return ink


def iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum()) / max(1.0, float((a | b).sum()))


def box_mask(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> np.ndarray:
    mask = np.zeros(shape[:2], bool)
    mask[box[1]:box[3], box[0]:box[2]] = True
    return mask


def test_sampled_plans_respect_their_ranges():
    plans = [sample_plan(np.random.default_rng(s)) for s in range(300)]
    for p in plans:
        assert abs(p.rotation_deg) <= 1.5
        assert p.resize_factor == 1.0 or 0.75 <= p.resize_factor <= 1.25
        assert 1 <= len(p.jpeg_qualities) <= 3 and all(60 <= q <= 95 for q in p.jpeg_qualities)
        assert len(p.jpeg_subsamplings) == len(p.jpeg_qualities)
        assert len(p.grid_shifts) == len(p.jpeg_qualities) - 1
        assert all(0 <= dx <= 7 and 0 <= dy <= 7 for dx, dy in p.grid_shifts)
        if not p.print_scan:
            assert p.rotation_deg == 0.0 and p.noise_sigma == 0.0 and p.blur_sigma == 0.0
    assert {len(p.jpeg_qualities) for p in plans} == {1, 2, 3}
    assert {p.print_scan for p in plans} == {True, False}
    assert any(p.resize_factor != 1.0 for p in plans) and any(p.resize_factor == 1.0 for p in plans)


def test_plan_record_is_json_and_complete():
    plan = sample_plan(np.random.default_rng(4))
    record = json.loads(json.dumps(plan.to_record()))
    assert set(record) == {f.name for f in dataclasses.fields(DegradationPlan)}
    assert record["jpeg_qualities"] == plan.jpeg_qualities
    assert sample_plan(np.random.default_rng(4)) == plan


def test_scan_looks_like_a_scan_and_maps_boxes():
    page = marker_page()
    plan = plan_with(1, print_scan=True, rotation_deg=1.2, shift_px=(4, -3), noise_sigma=3.0, blur_sigma=0.8,
                     grayscale=False, background_removal=False)
    scanned, affine = scan(page, plan, np.random.default_rng(0))
    assert scanned.shape == page.shape and scanned.dtype == np.uint8
    paper = scanned[500:600, 20:200].astype(np.float32)
    assert 1.0 < paper.std() < 8.0 and paper.mean() < 254  # grain and a not-quite-white paper
    mapped = transform_box(MARKER, affine, scanned.shape[:2])
    assert iou(box_mask(mapped, scanned.shape), marker_ink(scanned)) > 0.9
    again, _ = scan(page, plan, np.random.default_rng(0))
    assert np.array_equal(scanned, again)


def test_born_digital_pages_pass_through_scan():
    page = marker_page()
    plan = plan_with(2, print_scan=False)
    scanned, affine = scan(page, plan, np.random.default_rng(0))
    assert np.array_equal(scanned, page)
    assert np.allclose(affine, [[1, 0, 0], [0, 1, 0]])


def test_first_save_is_the_scanners_jpeg():
    page = marker_page()
    plan = plan_with(3, jpeg_qualities=[70], jpeg_subsamplings=["4:2:0"], grid_shifts=[], grayscale=False)
    saved = first_save(page, plan)
    assert saved.shape == page.shape and 0 < np.abs(saved.astype(int) - page).mean() < 4
    grey = first_save(page, dataclasses.replace(plan, grayscale=True))
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 1], grey[..., 2])


@pytest.mark.parametrize("qualities,factor", [([80], 1.0), ([80, 65], 0.8), ([90, 70, 75], 1.2)])
def test_resave_returns_decodable_bytes_matching_its_image(qualities, factor):
    page = marker_page()
    plan = plan_with(5, jpeg_qualities=qualities, jpeg_subsamplings=["4:2:0"] * len(qualities),
                     grid_shifts=[(3, 5), (6, 1)][:len(qualities) - 1], resize_factor=factor)
    data, final, masks, affine = resave(first_save(page, plan), plan, [None])
    assert masks == [None]
    assert data[:2] == (b"\xff\xd8" if len(qualities) > 1 else b"\x89P")
    decoded = np.asarray(Image.open(__import__("io").BytesIO(data)).convert("RGB"))
    assert np.array_equal(decoded, final)
    h, w = page.shape[:2]
    dx, dy = plan.grid_shifts[-1] if plan.grid_shifts else (0, 0)
    assert final.shape[:2] == (round(h * factor) - dy, round(w * factor) - dx)
    assert np.allclose(affine[:, :2], np.diag([round(w * factor) / w, round(h * factor) / h]))


def test_masks_and_boxes_stay_on_their_marker_through_the_whole_chain():
    page = marker_page()
    rng = np.random.default_rng(8)
    plan = plan_with(8, print_scan=True, rotation_deg=-1.4, shift_px=(-5, 6), resize_factor=0.78,
                     resize_interpolation="area", jpeg_qualities=[85, 70, 65],
                     jpeg_subsamplings=["4:2:0", "4:4:4", "4:2:0"], grid_shifts=[(5, 2), (3, 7)],
                     background_removal=False)
    scanned, scan_affine = scan(page, plan, rng)
    saved = first_save(scanned, plan)
    mask = box_mask(transform_box(MARKER, scan_affine, saved.shape[:2]), saved.shape) & marker_ink(saved)
    _, final, (final_mask,), affine = resave(saved, plan, [mask])
    assert final_mask.dtype == bool and final_mask.shape == final.shape[:2]
    assert iou(final_mask, marker_ink(final)) > 0.9
    box = transform_box(MARKER, compose(affine, scan_affine), final.shape[:2])
    assert iou(box_mask(box, final.shape), marker_ink(final)) > 0.9


def test_pristine_and_forged_pages_differ_only_near_the_edit_after_the_chain():
    page = marker_page()
    plan = plan_with(9, print_scan=True, resize_factor=0.9, jpeg_qualities=[80, 75], jpeg_subsamplings=["4:2:0"] * 2,
                     grid_shifts=[(2, 6)])
    saved = first_save(scan(page, plan, np.random.default_rng(1))[0], plan)
    forged = saved.copy()
    forged[100:130, 60:90] = 250
    edit = box_mask((60, 100, 90, 130), saved.shape)
    _, a, _, _ = resave(saved, plan, [None])
    _, b, (mask,), _ = resave(forged, plan, [edit])
    near = cv2.dilate(mask.astype(np.uint8), np.ones((33, 33), np.uint8)).astype(bool)
    diff = np.any(a != b, axis=2)
    assert diff[mask].mean() > 0.5 and not diff[~near].any()


def test_recompression_grid_lands_where_asked():
    rng = np.random.default_rng(0)
    image = cv2.GaussianBlur(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8), (0, 0), 2.0)
    for shift in ((3, 5), (0, 0), (7, 2)):
        out = degrade._recompress_shifted(image, 30, "4:4:4", shift).astype(np.float32)
        cols = np.abs(np.diff(out, axis=1)).mean(axis=(0, 2))  # cols[k]: step between columns k and k + 1
        rows = np.abs(np.diff(out, axis=0)).mean(axis=(1, 2))
        block_col = np.array([cols[k::8].mean() for k in range(8)])
        block_row = np.array([rows[k::8].mean() for k in range(8)])
        assert (int(np.argmax(block_col)) + 1) % 8 == shift[0] and (int(np.argmax(block_row)) + 1) % 8 == shift[1]


def test_transform_box_clips_and_rounds_outwards():
    affine = np.array([[0.5, 0.0, -10.0], [0.0, 0.5, 3.0]])
    assert transform_box((10, 10, 31, 31), affine, (100, 100)) == (0, 8, 6, 19)
    assert transform_box((0, 0, 1000, 1000), np.eye(3)[:2], (50, 40)) == (0, 0, 40, 50)
