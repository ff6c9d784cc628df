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

    @abstractmethod
    def detect(self, page: Page) -> DetectorResult:
        """Score one page; the heatmap and masks, when given, have the page's height and width."""
