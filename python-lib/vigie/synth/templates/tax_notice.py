"""Income tax notices (avis d'impôt sur le revenu): an official first page, a sectioned summary and a
two-column layout with a reference sidebar."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_tax_notice
from vigie.synth.layout import INK, Cell, Column
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import NARROW, SANS, SERIF, Formats, Sheet, paper, pick, table_style

INCONSISTENCIES = ("wrong_total", "date_order")

_AMOUNTS = Formats("slash", "€", cents=False)
_INCOMES = (("Salaires, pensions - déclarant 1", "income_declarant_1"),
            ("Salaires, pensions - déclarant 2", "income_declarant_2"),
            ("Déduction de 10 % pour frais professionnels", "deduction_total"),
            ("Revenu imposable", "taxable_income"))
_TAX = (("Impôt sur le revenu net", "tax_amount"), ("Prélèvement à la source déjà payé", "withholding"),
        ("Montant restant à payer", "amount_due"))
_REFS = (("Numéro fiscal", "numero_fiscal"), ("Référence de l'avis", "reference_avis"),
         ("Date d'établissement", "statement_date"), ("Date de mise en recouvrement", "collection_date"))
_HELP = ("Le revenu fiscal de référence permet de déterminer vos droits à certaines aides et exonérations. "
         "Pour toute question, vous pouvez contacter votre centre des finances publiques par la messagerie "
         "sécurisée de votre espace particulier.")


def _state_header(sheet: Sheet, x: float, y: float, color: tuple[int, int, int]) -> None:
    c, f = sheet.canvas, sheet.font
    c.logo(x, y, 14, "", "tricolour", color, f(8))
    c.text(x + 11, y + 3.5, "RÉPUBLIQUE", f(7.5, "bold"))
    c.text(x + 11, y + 7, "FRANÇAISE", f(7.5, "bold"))
    c.text(x, y + 15, "DIRECTION GÉNÉRALE DES FINANCES PUBLIQUES", f(8, "bold"), color)


def _year_title(sheet: Sheet, x: float, y: float, size: float, align: str = "left") -> float:
    """"AVIS D'IMPÔT <n+1>" and "sur les revenus de l'année <n>" (the year is a field)."""
    year = int(sheet.printed["tax_year"])
    sheet.canvas.text(x, y, f"AVIS D'IMPÔT {year + 1}", sheet.font(size, "bold"), align=align)
    return sheet.field("tax_year", x, y + size * 0.55, sheet.font(size * 0.6), align=align,
                       prefix="IMPÔT SUR LES REVENUS de l'année")


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Official first page: state header, title and 2D code, references box, address window, amount due
    highlighted, RFR and parts, then the detail of incomes and tax in ruled rows."""
    content = build_tax_notice(rng, inconsistency)
    blue = (0, 35, 120)
    sheet = Sheet("tax_notice", "tax_notice-a", dpi, content, pick(rng, SANS), _AMOUNTS, paper(rng))
    c, f = sheet.canvas, sheet.font
    _state_header(sheet, 14, 12, blue)
    _year_title(sheet, 110, 20, 14)
    c.matrix_code(176, 34, 20, rng)
    c.rect(14, 36, 100, 64, outline=blue, width_mm=0.3)
    c.text(17, 41, "Vos références", f(8.5, "bold"), blue)
    sheet.rows(_REFS, 17, 47, f(7.5), f(8, "bold"), value_x=62, leading=1.7)
    y = sheet.field("taxpayer_name", 110, 70, f(10, "bold"), width_mm=85)
    sheet.field("taxpayer_address", 110, y, f(10))
    c.rect(14, 96, 196, 118, fill=(230, 236, 248))
    c.text(18, 105, "Montant restant à payer", f(12, "bold"), blue)
    c.text(18, 112, "Il sera prélevé sur votre compte bancaire à la date limite de paiement.", f(8.5))
    sheet.field("amount_due", 192, 109, f(18, "bold"), blue, align="right")
    sheet.rows((("Revenu fiscal de référence", "rfr"), ("Nombre de parts", "nb_parts"),
                ("Situation du foyer", "household")), 14, 130, f(10), f(10, "bold"), value_x=80, leading=1.7)
    c.text(14, 156, "Détail de l'imposition", f(11, "bold"), blue)
    style = table_style(sheet.family, 9.5, rules="rows", rule_color=(170, 170, 190), row_mm=7.5)
    rows = [[Cell(label), sheet.cell(name)] for label, name in _INCOMES + _TAX[:2] if sheet.has(name)]
    y = c.table(14, 160, [Column("", 140), Column("", 42, "right")], rows, style)
    c.paragraph(14, y + 12, _HELP, f(8.5), 182, (70, 70, 70))
    c.text(14, 288, "Cet avis ne constitue pas un justificatif de domicile.", f(7), (110, 110, 110))
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Sectioned summary: title band, taxpayer block, three sections under coloured bars with dotted leaders
    between labels and amounts."""
    content = build_tax_notice(rng, inconsistency)
    color = (30, 60, 110)
    sheet = Sheet("tax_notice", "tax_notice-b", dpi, content, pick(rng, SERIF), _AMOUNTS, paper(rng, True))
    c, f = sheet.canvas, sheet.font
    _state_header(sheet, 14, 10, color)
    c.rect(0, 32, 210, 50, fill=(236, 240, 246))
    _year_title(sheet, 105, 40, 15, align="center")
    y = sheet.field("taxpayer_name", 14, 60, f(10.5, "bold"), width_mm=95)
    sheet.field("taxpayer_address", 14, y, f(10))
    sheet.rows(_REFS, 115, 60, f(8), f(8.5), value_x=158, leading=1.7)
    sections = (("VOTRE SITUATION", (("Situation du foyer", "household"), ("Nombre de parts", "nb_parts"),
                                     ("Revenu fiscal de référence", "rfr"))),
                ("VOS REVENUS", _INCOMES), ("VOTRE IMPÔT", _TAX))
    y = 92.0
    for title, items in sections:
        c.rect(14, y, 196, y + 7, fill=color)
        c.text(17, y + 5, title, f(9, "bold"), (255, 255, 255))
        y += 14
        for label, name in items:
            if not sheet.has(name):
                continue
            c.text(17, y, label, f(10))
            c.hline(19 + c.width(label, f(10)), 160, y, (150, 150, 150), 0.2, dash_mm=0.6)
            sheet.field(name, 193, y, f(10.5, "bold" if name in ("amount_due", "rfr") else "regular"),
                        align="right")
            y += 7.5
        y += 5
    c.paragraph(14, y + 6, _HELP, f(9, "italic"), 182, (70, 70, 70))
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Two columns: a grey reference sidebar on the left (references, RFR, parts), the address and a framed
    detail table on the right, amount due in a box at the bottom."""
    content = build_tax_notice(rng, inconsistency)
    color = (60, 60, 70)
    sheet = Sheet("tax_notice", "tax_notice-c", dpi, content, pick(rng, NARROW), _AMOUNTS, paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(0, 0, 66, 297, fill=(238, 239, 241))
    _state_header(sheet, 8, 12, color)
    y = 44.0
    for label, name in _REFS + (("Revenu fiscal de référence", "rfr"), ("Nombre de parts", "nb_parts"),
                                ("Situation du foyer", "household")):
        c.text(8, y, label, f(8), color)
        sheet.field(name, 8, y + 5, f(10, "bold"))
        y += 14
    _year_title(sheet, 76, 22, 14)
    y = sheet.field("taxpayer_name", 120, 46, f(10, "bold"), width_mm=80)
    sheet.field("taxpayer_address", 120, y, f(10))
    c.text(76, 86, "Calcul de votre impôt", f(12, "bold"))
    style = table_style(sheet.family, 10, header_fill=(225, 226, 230), rules="frame", rule_color=color, row_mm=8)
    rows = [[Cell(label), sheet.cell(name)] for label, name in _INCOMES + _TAX[:2] if sheet.has(name)]
    y = c.table(76, 91, [Column("Élément", 86), Column("Montant", 38, "right")], rows, style)
    c.rect(76, y + 8, 200, y + 24, outline=INK, width_mm=0.5)
    c.text(79, y + 18, "MONTANT RESTANT À PAYER", f(10, "bold"))
    sheet.field("amount_due", 197, y + 18, f(14, "bold"), align="right")
    c.paragraph(76, y + 36, _HELP, f(8.5), 124, (70, 70, 70))
    c.barcode(76, 270, 70, 10, rng)
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
