"""The result shapes every check shares: evidence items and a forgery detector's result.

Detectors, consistency checks, the watchlist and typing all report `Evidence`, so the risk score, the reports and
the webapp consume one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import numpy as np

Box = tuple[int, int, int, int]  # x0, y0, x1, y1 in page pixels, x1/y1 exclusive


def union(boxes: list[Box]) -> Box:
    """The smallest box holding every box."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass(frozen=True)
class Evidence:
    """One finding: where (box), what kind, a readable message, the field concerned and how strong it is."""

    kind: str  # e.g. "copy_move", "noise_inconsistency", "invalid_iban_key"
    message: str
    box: Optional[Box] = None
    field: Optional[str] = None
    score: float = 1.0
    source_box: Optional[Box] = None  # copy-move: where the duplicated pixels come from

    def to_json(self) -> dict:
        return {"kind": self.kind, "message": self.message, "box": list(self.box) if self.box else None,
                "field": self.field, "score": round(float(self.score), 4),
                "source_box": list(self.source_box) if self.source_box else None}


@dataclass
class DetectorResult:
    """A forgery detector's answer for one page: score in [0, 1], optional heatmap and masks, and evidence."""

    score: float
    heatmap: Optional[np.ndarray] = None  # float32 H x W in [0, 1], page size
    mask: Optional[np.ndarray] = None  # bool H x W: tampered (copy-move: target) pixels
    source_mask: Optional[np.ndarray] = None  # bool H x W: copy-move source pixels
    evidence: list[Evidence] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 0.0 <= float(self.score) <= 1.0:
            raise ValueError(f"detector score must be in [0, 1], got {self.score}")
