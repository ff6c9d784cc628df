"""The insurer's cost model: what reviewing a case costs, what finding an abuse saves, and the net value of a ranking.

Defaults come from the use-case card: about 1,600 expert reviews a year at 300 EUR found about 100 abuses, each
saving about 8,000 EUR. Reviewing a case pays when the calibrated P(fraud) >= 300 / 8,000 = 3.75 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CostModel:
    review_cost_eur: float = 300.0
    saving_per_abuse_eur: float = 8_000.0
    review_budget: int = 1_600

    @property
    def break_even_probability(self) -> float:
        """Review a case when its calibrated probability of fraud is at least this."""
        return self.review_cost_eur / self.saving_per_abuse_eur

    def net_value(self, true_positives: int, reviews: int) -> float:
        return self.saving_per_abuse_eur * true_positives - self.review_cost_eur * reviews

    def net_value_at_budget(self, forged: Sequence[bool], scores: Sequence[float], budget: int) -> float:
        """Net value of reviewing the `budget` highest-scored cases (ties broken by order, stable)."""
        order = np.argsort(-np.asarray(scores, float), kind="stable")[:budget]
        hits = int(np.asarray(forged, bool)[order].sum())
        return self.net_value(hits, len(order))
