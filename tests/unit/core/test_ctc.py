"""Best-path CTC decoding: what the printed-word recogniser's frames become as text."""

from __future__ import annotations

import numpy as np
from vigie.core.ctc import greedy_decode


def frames(*rows: dict[int, float], classes: int = 4) -> np.ndarray:
    """Log-probabilities of frames, each given as {class: probability}, the rest shared by the other classes."""
    out = np.zeros((len(rows), classes))
    for i, row in enumerate(rows):
        rest = (1.0 - sum(row.values())) / (classes - len(row))
        out[i] = [row.get(c, rest) for c in range(classes)]
    return np.log(out)


def test_repeated_frames_make_one_character_and_a_blank_between_makes_two():
    decoded = greedy_decode(frames({1: 0.9}, {1: 0.8}, {0: 0.9}, {1: 0.7}, {2: 0.95}), "01 ")
    assert decoded.text == "001"


def test_confidence_is_the_least_sure_character_at_its_best_frame():
    decoded = greedy_decode(frames({1: 0.6}, {1: 0.9}, {0: 0.9}, {2: 0.55}), "ab ")
    assert decoded.text == "ab"
    assert np.isclose(decoded.confidence, 0.55)


def test_only_blanks_read_nothing_with_no_confidence():
    decoded = greedy_decode(frames({0: 0.9}, {0: 0.99}), "ab ")
    assert decoded.text == "" and decoded.confidence == 0.0
