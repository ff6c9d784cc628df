"""The reference tariff table shipped in resource/tariffs/acts.csv: per act code (NGAP, CCAM, LPP) its
reimbursement base and the range of unit prices a genuine claim plausibly shows.

A billed unit price outside that range is evidence worth a look (over-billing, misprint, forged amount).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional

from vigie.core.errors import VigieError

TARIFF_TABLE = Path(__file__).resolve().parents[3] / "resource" / "tariffs" / "acts.csv"
_COLUMNS = ("code", "system", "label_fr", "care_type", "base_rate_eur", "min_eur", "max_eur")


@dataclass(frozen=True)
class Tariff:
    """One act or product: code, coding system, label, care type, reimbursement base and plausible unit-price
    range, amounts in cents."""

    code: str
    system: str
    label: str
    care_type: str
    base_cents: int
    min_cents: int
    max_cents: int

    def contains(self, unit_cents: int) -> bool:
        """Whether a unit price lies inside the plausible range, bounds included."""
        return self.min_cents <= unit_cents <= self.max_cents


def _cents(text: str, code: str, column: str) -> int:
    try:
        return int((Decimal(text.strip()) * 100).to_integral_value())
    except (InvalidOperation, AttributeError) as error:
        raise VigieError(f"tariff table: {column} of {code!r} is not an amount: {text!r}") from error


@functools.lru_cache(maxsize=4)
def load_tariffs(path: Optional[str] = None) -> dict[str, Tariff]:
    """The tariff table by act code (upper case); `path` defaults to the shipped resource/tariffs/acts.csv."""
    source = Path(path) if path else TARIFF_TABLE
    try:
        with open(source, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise VigieError(f"cannot read the tariff table {source}: {error}") from error
    if rows and not set(_COLUMNS).issubset(rows[0]):
        raise VigieError(f"tariff table {source} must have the columns {', '.join(_COLUMNS)}")
    table = {}
    for row in rows:
        code = row["code"].strip().upper()
        table[code] = Tariff(code, row["system"], row["label_fr"], row["care_type"],
                             _cents(row["base_rate_eur"], code, "base_rate_eur"),
                             _cents(row["min_eur"], code, "min_eur"), _cents(row["max_eur"], code, "max_eur"))
    return table
