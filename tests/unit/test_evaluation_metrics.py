"""The metric protocol on cases small enough to check by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from vigie.evaluation.cost import CostModel
from vigie.evaluation.metrics import (
    average_precision,
    false_positive_area,
    image_auc,
    oracle_f1,
    pixel_f1_iou,
    threshold_at_fpr,
    tpr_at_fpr,
)

FORGED = [True, True, False, False, True, False]
SCORES = [0.9, 0.4, 0.35, 0.1, 0.8, 0.5]


def test_image_level_metrics_by_hand():
    # positives 0.9 0.8 0.4; negatives 0.5 0.35 0.1: 8 of 9 pairs ordered right
    assert image_auc(FORGED, SCORES) == pytest.approx(8 / 9)
    assert average_precision(FORGED, SCORES) == pytest.approx((1 + 1 + 3 / 4) / 3)
    assert tpr_at_fpr(FORGED, SCORES, 0.0) == pytest.approx(2 / 3)
    assert tpr_at_fpr(FORGED, SCORES, 0.34) == pytest.approx(1.0)
    assert math.isnan(image_auc([True, True], [0.1, 0.2]))


def test_threshold_at_fpr_flags_at_most_that_share_of_pristine_pages():
    pristine = np.linspace(0, 1, 200)
    for fpr in (0.0, 0.01, 0.05):
        t = threshold_at_fpr(pristine, fpr)
        assert (pristine >= t).mean() <= fpr + 1e-9


def test_pixel_metrics():
    truth = np.zeros((10, 10), bool)
    truth[2:4, 2:6] = True  # 8 pixels
    predicted = np.zeros_like(truth)
    predicted[2:4, 4:8] = True  # 4 right, 4 wrong
    f1, iou = pixel_f1_iou(predicted, truth)
    assert f1 == pytest.approx(0.5) and iou == pytest.approx(4 / 12)
    heat = truth.astype(float) * 0.7
    assert oracle_f1(heat, truth) == pytest.approx(1.0)
    assert false_positive_area(predicted) == pytest.approx(0.08)
    with pytest.raises(ValueError, match="shapes differ"):
        pixel_f1_iou(predicted[:5], truth)


def test_cost_model_defaults_match_the_use_case_card():
    cost = CostModel()
    assert cost.break_even_probability == pytest.approx(0.0375)
    assert cost.net_value(100, 1600) == pytest.approx(320_000)
    assert cost.net_value_at_budget(FORGED, SCORES, 3) == pytest.approx(2 * 8000 - 900)
