"""The detector contract: scores in [0, 1], page-size maps, evidence in the shared shape, unknown names refused."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from vigie.core.errors import UsageError
from vigie.core.pages import load_pages
from vigie.core.results import DetectorResult, Evidence
from vigie.forensics.registry import detector_names, get_detector


def test_scores_outside_the_unit_interval_are_refused():
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        DetectorResult(score=1.5)


def test_evidence_serialises_to_plain_json():
    item = Evidence("copy_move", "duplicated digit", box=(1, 2, 3, 4), field="total_ttc", score=0.91234,
                    source_box=(5, 6, 7, 8))
    assert item.to_json() == {"kind": "copy_move", "message": "duplicated digit", "box": [1, 2, 3, 4],
                              "field": "total_ttc", "score": 0.9123, "source_box": [5, 6, 7, 8]}


def test_unknown_detector_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown detector 'nope'"):
        get_detector("nope")


@pytest.mark.parametrize("name", detector_names())
def test_every_detector_honours_the_contract(name):
    rng = np.random.default_rng(1)
    image = np.full((300, 240, 3), 250, np.uint8)
    image[40:60, 30:200] = rng.integers(0, 80, (20, 170, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=85)
    [page] = load_pages(buffer.getvalue(), "synthetic.jpg")
    detector = get_detector(name)
    result = detector.detect(page)
    assert detector.name == name and detector.version
    assert 0.0 <= result.score <= 1.0
    for array in (result.heatmap, result.mask, result.source_mask):
        assert array is None or array.shape[:2] == page.image.shape[:2]
    assert all(isinstance(e, Evidence) for e in result.evidence)
