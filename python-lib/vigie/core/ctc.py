"""Decoding of connectionist temporal classification (CTC) outputs: per-frame class log-probabilities, class 0 the
blank, into text with a confidence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Decoded:
    text: str
    confidence: float  # of the least sure character: a word is as doubtful as its most doubtful character


def greedy_decode(log_probs: np.ndarray, alphabet: str) -> Decoded:
    """Best path decoding of a (frames, classes) array of log-probabilities: the likeliest class per frame, repeats
    merged and blanks dropped. A character's probability is that of its best frame; the confidence is the lowest
    over the characters, 0 for none."""
    best = log_probs.argmax(axis=1)
    probs = np.exp(log_probs.max(axis=1))
    text: list[str] = []
    confidences: list[float] = []
    previous = 0
    for label, prob in zip(best, probs):
        if label != 0 and label == previous:
            confidences[-1] = max(confidences[-1], float(prob))
        elif label != 0:
            text.append(alphabet[label - 1])
            confidences.append(float(prob))
        previous = label
    return Decoded("".join(text), min(confidences) if confidences else 0.0)
