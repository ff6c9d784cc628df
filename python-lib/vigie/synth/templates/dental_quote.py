"""Dental quotes (devis pour traitements bucco-dentaires): a standard form, a dental-centre letter and a
sidebar layout."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_dental_quote
from vigie.synth.layout import INK
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import (
    NARROW,
    QUOTE_BENEFICIARY_ROWS,
    SANS,
    SERIF,
    Formats,
    Sheet,
    initials,
    paper,
    pick,
    table_style,
)

INCONSISTENCIES = ("wrong_total", "invalid_rpps_key", "invalid_nir_key", "date_order")

_COLUMNS = {"t": ("Dent", "act_tooth_", 12, "center"), "c": ("Code CCAM", "act_code_", 22, "left"),
            "l": ("Libellé de l'acte", "act_label_", 56, "left"), "p": ("Panier", "act_basket_", 20, "left"),
            "h": ("Honoraires", "act_amount_", 22, "right"), "b": ("Base de\nremb.", "act_base_", 20, "right"),
            "r": ("Remb.\nAMO", "act_amo_", 20, "right")}
_TOTALS = (("Total des honoraires", "total_ttc"), ("Total base de remboursement", "total_base"),
           ("Remboursement AMO estimé", "amo_share"), ("Reste à charge avant AMC", "patient_share"))
_LEGAL = ("Le présent devis est remis au patient avant la réalisation des soins. Les montants de remboursement "
          "sont indiqués à titre indicatif et dépendent de la situation du patient et de son contrat complémentaire.")


def _columns(order: str) -> list[tuple[str, str, float, str]]:
    return [_COLUMNS[k] for k in order]


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Standard form: boxed title, practitioner and patient identification boxes side by side, fully ruled
    table, totals grid and two signature boxes."""
    content = build_dental_quote(rng, inconsistency)
    sheet = Sheet("dental_quote", "dental_quote-a", dpi, content, pick(rng, SANS), Formats("slash", "€"),
                  paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(12, 12, 198, 28, outline=INK, width_mm=0.4)
    c.text(105, 18.5, "DEVIS POUR LES TRAITEMENTS ET ACTES BUCCO-DENTAIRES", f(11.5, "bold"), align="center")
    c.text(105, 24.5, "faisant l'objet d'une entente directe", f(9.5, "italic"), align="center")
    for x0, title in ((12, "IDENTIFICATION DU PRATICIEN"), (108, "IDENTIFICATION DU PATIENT")):
        c.rect(x0, 33, x0 + 90, 80, outline=INK, width_mm=0.25)
        c.rect(x0, 33, x0 + 90, 39, fill=(232, 232, 232))
        c.text(x0 + 2, 37.3, title, f(8, "bold"))
    y = sheet.field("practitioner_name", 14, 45, f(10, "bold"))
    y = sheet.field("specialty", 14, y, f(8.5))
    y = sheet.field("practitioner_address", 14, y, f(8.5))
    sheet.rows((("N° RPPS", "rpps"), ("N° AM", "adeli"), ("SIRET", "siret")), 14, y + 1, f(8), f(8.5),
               value_x=32, leading=1.4)
    sheet.labelled("Nom, prénom :", "patient_name", 110, 45, f(8.5), f(10, "bold"))
    sheet.labelled("Date de naissance :", "patient_birth_date", 110, 52, f(8.5), f(9))
    sheet.labelled("N° de sécurité sociale :", "nir", 110, 59, f(8.5), f(9))
    if sheet.has("insured_name"):
        sheet.rows(QUOTE_BENEFICIARY_ROWS, 110, 73.5, f(8), f(8.5), value_x=128, leading=1.3)
    sheet.labelled("Devis n°", "quote_number", 110, 68, f(8.5), f(9, "bold"))
    sheet.labelled("Établi le", "quote_date", 12, 89, f(9.5), f(9.5, "bold"))
    sheet.labelled("Valable jusqu'au", "validity_date", 70, 89, f(9.5), f(9.5, "bold"))
    style = table_style(sheet.family, 8.5, header_fill=(232, 232, 232), rules="grid", row_mm=7)
    y = sheet.lines_table(12, 94, _columns("tclphbr"), style, sheet.count("act_code_"), width_mm=186)
    for i, (label, name) in enumerate(_TOTALS):
        row = y + 4 + i * 7
        c.rect(98, row, 198, row + 7, outline=INK, width_mm=0.2, fill=(245, 245, 245) if i % 2 else None)
        sheet.labelled(label, name, 100, row + 5, f(8.5, "bold" if i == 0 else "regular"),
                       f(9, "bold" if i in (0, 3) else "regular"), value_x=196, align="right")
    y += 4 + 7 * len(_TOTALS) + 8
    y = c.paragraph(12, y, _LEGAL, f(7.5, "italic"), 186, (70, 70, 70))
    for x0, label in ((12, "Signature du praticien"), (108, "Signature du patient, « lu et approuvé »")):
        c.rect(x0, y + 3, x0 + 90, y + 33, outline=INK, width_mm=0.2)
        c.text(x0 + 2, y + 8, label, f(8))
    c.signature(20, y + 12, 40, 14, rng)
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Dental-centre letter: tooth logo and practitioner on the left, patient on the right, title with the
    quote number, table with row rules and zebra rows, totals under a rule, closing text."""
    content = build_dental_quote(rng, inconsistency)
    accent = [(0, 120, 150), (60, 90, 160), (20, 130, 110)][int(rng.integers(3))]
    tint = tuple(int(255 - (255 - v) * 0.09) for v in accent)
    sheet = Sheet("dental_quote", "dental_quote-b", dpi, content, pick(rng, SANS + NARROW[:1]),
                  Formats("long", "€"), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.logo(18, 14, 15, initials(content["printed"]["practitioner_name"]), "tooth", accent, f(10))
    y = sheet.field("practitioner_name", 37, 20, f(12.5, "bold"), accent)
    y = sheet.field("specialty", 37, y, f(9.5, "italic"))
    y = sheet.field("practitioner_address", 37, y, f(9))
    sheet.rows((("RPPS", "rpps"), ("N° AM", "adeli"), ("SIRET", "siret")), 37, y + 1, f(8), f(8),
               value_x=52, leading=1.35, label_color=accent)
    y = sheet.field("patient_name", 120, 50, f(11, "bold"))
    sheet.labelled("Né(e) le", "patient_birth_date", 120, y, f(9), f(9))
    sheet.labelled("N° SS", "nir", 120, y + 5, f(9), f(9))
    if sheet.has("insured_name"):
        sheet.rows(QUOTE_BENEFICIARY_ROWS, 120, y + 10.5, f(9), f(9), value_x=140, leading=1.4)
    c.text(18, 84, "Devis de soins et prothèses dentaires", f(15, "bold"), accent)
    sheet.labelled("Référence", "quote_number", 18, 91, f(9.5), f(9.5, "bold"))
    sheet.field("quote_date", 192, 91, f(9.5), align="right", prefix="Le")
    style = table_style(sheet.family, 9, header_fill=tint, header_color=accent, rules="rows",
                        rule_color=(170, 170, 170), zebra=(248, 248, 248), row_mm=7.5)
    y = sheet.lines_table(18, 98, _columns("tclhbrp"), style, sheet.count("act_code_"), width_mm=174)
    c.hline(110, 192, y + 6, accent, 0.5)
    sheet.rows(_TOTALS, 110, y + 12, f(9.5), f(9.5, "bold"), value_x=192, align="right", leading=1.9)
    sheet.labelled("Ce devis est valable jusqu'au", "validity_date", 18, y + 46, f(9.5), f(9.5, "bold"))
    y = c.paragraph(18, y + 54, _LEGAL, f(8.5), 174, (80, 80, 80))
    c.text(130, y + 8, "Le praticien", f(9, "italic"))
    c.signature(130, y + 10, 40, 14, rng)
    c.rect(0, 288, 210, 297, fill=accent)
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Sidebar layout: a coloured band down the left edge, right-aligned serif header, framed table with
    codes first, totals in a tinted panel."""
    content = build_dental_quote(rng, inconsistency)
    accent = [(150, 60, 60), (90, 60, 120)][int(rng.integers(2))]
    tint = tuple(int(255 - (255 - v) * 0.1) for v in accent)
    sheet = Sheet("dental_quote", "dental_quote-c", dpi, content, pick(rng, SERIF), Formats("dash", "EUR"),
                  paper(rng, True))
    c, f = sheet.canvas, sheet.font
    c.rect(0, 0, 9, 297, fill=accent)
    c.text(196, 22, "DEVIS", f(22, "bold"), accent, align="right")
    sheet.field("quote_number", 196, 29, f(10), align="right", prefix="N°")
    sheet.field("quote_date", 196, 35, f(10), align="right", prefix="du")
    y = sheet.field("practitioner_name", 20, 20, f(13, "bold"))
    y = sheet.field("specialty", 20, y, f(10, "italic"))
    y = sheet.field("practitioner_address", 20, y, f(9.5))
    y = sheet.rows((("N° RPPS :", "rpps"), ("N° AM :", "adeli"), ("SIRET :", "siret")), 20, y + 1, f(8.5),
                   f(8.5), value_x=40, leading=1.4)
    c.hline(20, 196, y + 2, accent, 0.3)
    sheet.labelled("Patient :", "patient_name", 20, y + 10, f(10), f(10.5, "bold"))
    sheet.labelled("né(e) le", "patient_birth_date", 125, y + 10, f(9.5), f(9.5))
    sheet.labelled("Immatriculation :", "nir", 20, y + 16, f(9.5), f(9.5))
    if sheet.has("insured_name"):
        y = sheet.rows(QUOTE_BENEFICIARY_ROWS, 20, y + 22, f(9.5), f(9.5), value_x=50) - 20
    style = table_style(sheet.family, 9, rules="frame", rule_color=accent, row_mm=7)
    y = sheet.lines_table(20, y + 24, _columns("ctlpbrh"), style, sheet.count("act_code_"), width_mm=176)
    c.rect(106, y + 6, 196, y + 38, fill=tint)
    sheet.rows(_TOTALS, 109, y + 13, f(9), f(9.5, "bold"), value_x=193, align="right", leading=2.0)
    sheet.labelled("Devis valable jusqu'au", "validity_date", 20, y + 13, f(9.5, "italic"), f(9.5))
    c.paragraph(20, y + 50, _LEGAL, f(8.5, "italic"), 176, (70, 70, 70))
    c.signature(140, y + 66, 40, 14, rng)
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
