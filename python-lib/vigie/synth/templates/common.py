"""Shared pieces of the document templates: a sheet that formats and draws keyed fields, French number and date
formats, and the blocks every type reuses (label/value rows, totals, line tables)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from vigie.synth import fonts
from vigie.synth import identifiers as ids
from vigie.synth.content import MONTHS_FR
from vigie.synth.layout import INK, RGB, Canvas, Cell, Column, Font, TableStyle, line_height
from vigie.synth.page import RenderedPage

SANS = ("liberation-sans", "dejavu-sans", "free-sans", "carlito", "biolinum")
SERIF = ("liberation-serif", "dejavu-serif", "free-serif", "caladea", "libertine")
NARROW = ("liberation-narrow", "dejavu-condensed", "carlito")
MONO = ("liberation-mono", "dejavu-mono", "free-mono")

_AMOUNT = re.compile(r"^(act_(amount|unit_price|base|amo|amc|paid)_\d+|salary_(\d+|total)|total_\w+|vat|amo_share|"
                     r"amc_share|patient_share|amount_\w+|income_declarant_\d|deduction_total|taxable_income|rfr|"
                     r"tax_amount|withholding)$")
_DATE = re.compile(r"^(\w+_date(_\d+)?|act_date_\d+|period_(start|end)_\d+|valid_(from|to)|last_work_day|"
                   r"leave_start)$")
_NAME = re.compile(r"^(patient_name|insured_name|holder_name|taxpayer_name|beneficiary_name_\d+)$")
_IDENTIFIER = {"siret", "nir", "bic", "bank_code", "branch_code", "account_number", "rib_key", "numero_fiscal",
               "reference_avis", "invoice_number", "quote_number", "statement_number", "amc_number",
               "contract_number"}
# Printed when the patient is not the insured (see content._set_beneficiary).
BENEFICIARY_ROWS = (("Assuré(e) :", "insured_name"), ("Qualité :", "beneficiary_relation"),
                    ("Né(e) le :", "patient_birth_date"))
QUOTE_BENEFICIARY_ROWS = BENEFICIARY_ROWS[:2]  # quotes print the patient's birth date already
_CODE = re.compile(r"^(act_code_\d+|act_tooth_\d+|naf_code)$")


def field_kind(name: str) -> str:
    """The FieldValue kind of a field name: a forgeable kind, or identifier / code / text."""
    if name == "iban":
        return "iban"
    if name in ("rpps", "adeli", "finess"):
        return "practitioner_id"
    if _NAME.match(name):
        return "patient_name"
    if _DATE.match(name):
        return "date"
    if _AMOUNT.match(name):
        return "amount"
    if name in _IDENTIFIER:
        return "identifier"
    if _CODE.match(name):
        return "code"
    return "text"


@dataclass(frozen=True)
class Formats:
    """How a template prints dates and amounts: date style ("slash", "dot", "dash", "long"), currency
    ("€", "EUR" or ""), thousands separator, whether identifiers are grouped."""

    date: str = "slash"
    currency: str = "€"
    thousands: str = " "
    group_ids: bool = True
    cents: bool = True


def format_date(iso: str, style: str) -> str:
    """A French date: 15/03/2024, 15.03.2024, 15-03-2024 or 15 mars 2024."""
    day = dt.date.fromisoformat(iso)
    if style == "long":
        return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"
    sep = {"slash": "/", "dot": ".", "dash": "-"}[style]
    return f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}"


def format_amount(value: str, fmt: Formats, currency: bool = True) -> str:
    """A French amount from its canonical form: "1234.50" -> "1 234,50 €"."""
    negative = value.startswith("-")
    units, _, cents = value.lstrip("-").partition(".")
    groups = []
    while len(units) > 3:
        groups.insert(0, units[-3:])
        units = units[:-3]
    groups.insert(0, units)
    text = fmt.thousands.join(groups) + ("," + (cents or "00") if fmt.cents else "")
    text = ("-" if negative else "") + text
    return f"{text} {fmt.currency}" if currency and fmt.currency else text


def format_rate(value: str) -> str:
    """A percentage from its canonical form: "5.5" -> "5,5 %"."""
    return value.replace(".", ",") + " %"


def pick(rng: np.random.Generator, families: Sequence[str]) -> str:
    """One installed family among a template's allowed ones (the first installed printed family if none is)."""
    installed = fonts.available_families(tuple(families))
    return installed[int(rng.integers(len(installed)))] if installed else families[0]


def paper(rng: np.random.Generator, warm: bool = False) -> RGB:
    """White or very slightly off-white paper."""
    shade = int(rng.integers(0, 4))
    return (255 - shade, 255 - shade, 255 - shade - (3 if warm else 0))


class Sheet:
    """A canvas plus the document's printed values: draws each keyed field formatted for its kind and checks at
    the end that every printed value was drawn exactly once."""

    def __init__(self, doc_type: str, template: str, dpi: int, content: dict, family: str, fmt: Formats,
                 paper_color: RGB, size_mm: tuple[float, float] = (210.0, 297.0)) -> None:
        self.doc_type, self.template, self.content, self.family, self.fmt = doc_type, template, content, family, fmt
        self.printed: dict[str, str] = content["printed"]
        self.canvas = Canvas(size_mm[0], size_mm[1], dpi, paper_color)
        self._drawn: set[str] = set()

    def font(self, size_pt: float, style: str = "regular", family: Optional[str] = None) -> Font:
        return Font(family or self.family, size_pt, style)

    def has(self, name: str) -> bool:
        return name in self.printed

    def display(self, name: str) -> str:
        """The printed value of a field, formatted for its kind and this template's formats."""
        value = self.printed[name]
        kind = field_kind(name)
        if kind == "amount":
            return format_amount(value, self.fmt)
        if kind == "date":
            return format_date(value, self.fmt.date)
        if name in ("act_vat_rate", "act_rate") or re.match(r"^act_(vat_)?rate_\d+$", name):
            return format_rate(value)
        if self.fmt.group_ids:
            grouped = {"iban": ids.format_iban, "nir": ids.format_nir, "siret": ids.format_siret,
                       "numero_fiscal": ids.format_numero_fiscal}
            if name in grouped:
                return grouped[name](value)
        return value

    def cell(self, name: str) -> Cell:
        """A table cell holding a field."""
        self._drawn.add(name)
        return Cell(self.display(name), name, field_kind(name))

    def field(self, name: str, x: float, y: float, font: Font, color: RGB = INK, align: str = "left",
              width_mm: Optional[float] = None, prefix: str = "") -> float:
        """Draw a field (optionally after a plain prefix on the same line); return the next baseline."""
        if prefix:
            if align != "left":
                total = self.canvas.width(f"{prefix} {self.display(name)}", font)
                x -= total if align == "right" else total / 2
                align = "left"
            self.canvas.text(x, y, prefix, font, color)
            x += self.canvas.width(prefix + " ", font)
        self._drawn.add(name)
        return self.canvas.field(name, field_kind(name), self.display(name), x, y, font, color, align,
                                 width_mm=width_mm)

    def labelled(self, label: str, name: str, x: float, y: float, label_font: Font, value_font: Font,
                 value_x: Optional[float] = None, color: RGB = INK, label_color: Optional[RGB] = None,
                 align: str = "left", width_mm: Optional[float] = None) -> float:
        """"Label : value" on one baseline, the value at value_x when given; returns the next baseline."""
        self.canvas.text(x, y, label, label_font, label_color or color)
        start = value_x if value_x is not None else x + self.canvas.width(label + " ", label_font)
        return self.field(name, start, y, value_font, color, align, width_mm)

    def rows(self, items: Sequence[tuple[str, str]], x: float, y: float, label_font: Font, value_font: Font,
             value_x: Optional[float] = None, leading: float = 1.45, color: RGB = INK,
             label_color: Optional[RGB] = None, align: str = "left", right: Optional[float] = None) -> float:
        """Label/value rows (only the fields this document prints), values aligned at value_x or just after the
        widest label and wrapped before `right` when given; returns the next baseline."""
        if value_x is None:
            value_x = x + max(self.canvas.width(label, label_font) for label, _ in items) + 2.5
        width = right - value_x if right is not None else None
        for label, name in items:
            if not self.has(name):
                continue
            after = self.labelled(label, name, x, y, label_font, value_font, value_x, color, label_color, align,
                                  width)
            y = max(after + line_height(value_font, leading - 1.22), y + line_height(value_font, leading))
        return y

    def lines_table(self, x: float, y: float, columns: Sequence[tuple[str, str, float, str]],
                    style: TableStyle, count: int, width_mm: Optional[float] = None) -> float:
        """A table of document lines: each column (header, field prefix, width, align) shows field
        prefix + index; a column whose prefix the document lacks is skipped and the others are scaled to
        width_mm (default: the sum of all widths). Returns the bottom."""
        present = [c for c in columns if self.has(f"{c[1]}1")]
        cols = [Column(h, w, a) for h, _, w, a in present]
        scale = (width_mm or sum(c[2] for c in columns)) / max(1e-6, sum(c.width_mm for c in cols))
        cols = [Column(c.header, c.width_mm * scale, c.align) for c in cols]
        rows = [[self.cell(f"{prefix}{i}") for _, prefix, _, _ in present] for i in range(1, count + 1)]
        return self.canvas.table(x, y, cols, rows, style)

    def count(self, prefix: str) -> int:
        """How many indexed fields `prefix + i` the document prints."""
        n = 0
        while self.has(f"{prefix}{n + 1}"):
            n += 1
        return n

    def finish(self) -> RenderedPage:
        """The rendered page; fails loudly when a printed value was not drawn (a template bug)."""
        missing = set(self.printed) - self._drawn
        if missing:
            raise RuntimeError(f"{self.template} did not draw fields {sorted(missing)}")
        inconsistency = self.content.get("inconsistency")
        return self.canvas.to_page(self.doc_type, self.template, self.content,
                                   [inconsistency["kind"]] if inconsistency else [])


def table_style(family: str, size_pt: float, *, header_fill: Optional[RGB] = None, header_color: RGB = INK,
                rules: str = "grid", zebra: Optional[RGB] = None, rule_color: RGB = (80, 80, 80),
                row_mm: Optional[float] = None, header_family: Optional[str] = None) -> TableStyle:
    """A table style from a family and body size (header in bold, slightly smaller, padding in proportion)."""
    body = Font(family, size_pt)
    header = Font(header_family or family, size_pt * 0.92, "bold")
    return TableStyle(header_font=header, body_font=body, header_fill=header_fill, header_color=header_color,
                      rules=rules, rule_color=rule_color, zebra=zebra,
                      row_mm=row_mm if row_mm is not None else size_pt * 0.75, pad_mm=max(0.5, size_pt * 0.16))


def initials(name: str) -> str:
    """Up to two initials of an organisation or person name, skipping titles and small words."""
    skip = {"dr", "de", "du", "des", "la", "le", "les", "l'", "d'", "et", "m.", "mme", "-"}
    words = [w for w in re.split(r"[\s']+", name) if w and w.lower() not in skip and w[0].isalpha()]
    return "".join(w[0].upper() for w in words[:2]) or name[:1].upper()
