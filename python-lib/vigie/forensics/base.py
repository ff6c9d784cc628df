"""The detector contract: a loaded page in, a `DetectorResult` (score, heatmap, masks, evidence) out."""

from __future__ import annotations

from abc import ABC, abstractmethod

from vigie.core.pages import Page
from vigie.core.results import DetectorResult


class Detector(ABC):
    """A forgery detector. `version` changes whenever its output may change, so cached results are recomputed."""

    name: str = ""
    version: str = "1"
    description: str = ""
    operations: tuple[str, ...] = ()  # forgery operations it is meant to catch; empty: all of them
    # Image-level decision threshold, fixed at 1 % false alerts on the calibration split of the synthetic benchmark
    # (`vigie bench` reports it as image_threshold); recipes use it unless given a threshold or a leaderboard.
    threshold: float = 0.5

    @abstractmethod
    def detect(self, page: Page) -> DetectorResult:
        """Score one page; the heatmap and masks, when given, have the page's height and width."""
