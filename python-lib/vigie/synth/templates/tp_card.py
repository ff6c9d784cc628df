"""Third-party-payment cards (cartes de tiers payant): a scanned recto/verso on A4, a card-size page and a
letter carrying a detachable card."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_tp_card
from vigie.synth.layout import INK, Column
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import NARROW, SANS, SERIF, Formats, Sheet, initials, paper, pick, table_style

INCONSISTENCIES = ("invalid_nir_key", "date_order")

CARD_W, CARD_H = 85.6, 54.0
_ACCENTS = ((0, 110, 160), (150, 30, 70), (20, 120, 80), (90, 60, 150), (200, 90, 0))


def _accent(rng: np.random.Generator) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    accent = _ACCENTS[int(rng.integers(len(_ACCENTS)))]
    return accent, tuple(int(255 - (255 - v) * 0.12) for v in accent)


def _coverage_table(sheet: Sheet, x: float, y: float, width: float, size: float, accent) -> float:
    """Coverage codes as headers with their levels beneath; returns the bottom."""
    names = [n for n in sheet.printed if n.startswith("coverage_")]
    style = table_style(sheet.family, size, header_fill=accent, header_color=(255, 255, 255), rules="grid",
                        rule_color=accent, row_mm=size * 0.62)
    cols = [Column(n.split("_", 1)[1].upper(), width / len(names), "center") for n in names]
    return sheet.canvas.table(x, y, cols, [[sheet.cell(n) for n in names]], style)


def _beneficiaries(sheet: Sheet, x: float, y: float, widths: tuple[float, float], size: float, rules: str,
                   header_fill=None) -> float:
    """Beneficiaries (name, birth date) as a small table; returns the bottom."""
    count = sheet.count("beneficiary_name_")
    style = table_style(sheet.family, size, rules=rules, header_fill=header_fill, rule_color=(120, 120, 120),
                        row_mm=size * 0.6)
    rows = [[sheet.cell(f"beneficiary_name_{i}"), sheet.cell(f"beneficiary_birth_date_{i}")]
            for i in range(1, count + 1)]
    return sheet.canvas.table(x, y, [Column("Bénéficiaires", widths[0]), Column("Né(e) le", widths[1])], rows,
                              style)


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Scanned card on an A4 page: recto (insurer, insured, numbers, validity) and verso (beneficiaries,
    coverage grid, phone for professionals), each with a soft shadow."""
    content = build_tp_card(rng, inconsistency)
    accent, tint = _accent(rng)
    sheet = Sheet("tp_card", "tp_card-a", dpi, content, pick(rng, SANS), Formats("slash"), paper(rng))
    c, f = sheet.canvas, sheet.font
    for top in (18.0, 82.0):
        c.rect(19, top + 1, 19 + CARD_W + 1, top + CARD_H + 1, fill=(215, 215, 215), radius_mm=3.2)
        c.rect(18, top, 18 + CARD_W, top + CARD_H, fill=tint, outline=(170, 170, 170), width_mm=0.2,
               radius_mm=3.2)
    c.logo(21, 21, 8, initials(content["printed"]["organism_name"]), "circle", accent, f(6))
    sheet.field("organism_name", 31, 25.5, f(7.5, "bold"), accent, width_mm=48)
    c.text(100.5, 30.5, "CARTE DE TIERS PAYANT", f(5.5, "bold"), align="right")
    sheet.labelled("Assuré(e)", "insured_name", 21, 37, f(5.5), f(7, "bold"))
    sheet.rows((("N° SS", "nir"), ("N° AMC", "amc_number"), ("N° adhérent", "contract_number")), 21, 42.5,
               f(5.5), f(6.5), value_x=36, leading=1.6)
    c.text(62, 48, "Validité", f(5.5, "bold"), accent)
    sheet.labelled("du", "valid_from", 62, 52, f(5.5), f(6.5))
    sheet.labelled("au", "valid_to", 62, 56, f(5.5), f(6.5))
    c.text(21, 69, "Carte à présenter à chaque professionnel de santé", f(5, "italic"), (80, 80, 80))
    y = _beneficiaries(sheet, 21, 85, (52, 26), 6, "rows")
    y = _coverage_table(sheet, 21, max(y + 2, 112), 79.6, 5.5, accent)
    sheet.field("organism_phone", 21, min(y + 4, 133.5), f(5.5), prefix="Professionnels de santé :")
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Card-size page (85.6 x 54 mm): coloured left band, insurer on top, identity and validity in two
    columns, beneficiaries and coverage grid at the bottom."""
    content = build_tp_card(rng, inconsistency)
    accent, tint = _accent(rng)
    sheet = Sheet("tp_card", "tp_card-b", dpi, content, pick(rng, NARROW + SANS[:1]), Formats("dot"), tint,
                  size_mm=(CARD_W, CARD_H))
    c, f = sheet.canvas, sheet.font
    c.rect(0, 0, 4.5, CARD_H, fill=accent)
    sheet.field("organism_name", 7, 5.5, f(6.5, "bold"), accent, width_mm=50)
    c.text(83, 5.5, "TIERS PAYANT", f(5, "bold"), align="right")
    sheet.labelled("Assuré", "insured_name", 7, 11, f(4.6), f(5.8, "bold"))
    sheet.rows((("N° SS", "nir"), ("AMC", "amc_number"), ("Adhérent", "contract_number")), 7, 15, f(4.6),
               f(5.2), value_x=16, leading=1.45)
    sheet.labelled("Du", "valid_from", 58, 15, f(4.6), f(5.2))
    sheet.labelled("Au", "valid_to", 58, 18.6, f(4.6), f(5.2))
    y = _beneficiaries(sheet, 7, 24.5, (42, 18), 4.6, "none")
    _coverage_table(sheet, 7, max(y + 0.5, 38.5), 76, 4.4, accent)
    sheet.field("organism_phone", 83, 52.3, f(4.2), align="right", prefix="PS :")
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Letter with a detachable card: insurer letterhead, address window, covering letter and beneficiaries
    table, then the card framed by a dashed cut line."""
    content = build_tp_card(rng, inconsistency, with_address=True)
    accent, tint = _accent(rng)
    sheet = Sheet("tp_card", "tp_card-c", dpi, content, pick(rng, SERIF), Formats("long"), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.logo(16, 14, 14, initials(content["printed"]["organism_name"]), "diamond", accent, f(10))
    sheet.field("organism_name", 34, 21, f(13, "bold"), accent)
    c.text(34, 27, "Service tiers payant", f(9.5, "italic"))
    y = sheet.field("insured_name", 112, 50, f(10.5, "bold"))
    sheet.field("insured_address", 112, y, f(10))
    year = content["dates"]["valid_from"][:4]
    c.text(16, 88, f"Votre attestation de tiers payant {year}", f(14, "bold"), accent)
    y = c.paragraph(16, 98, "Madame, Monsieur,", f(10.5), 178)
    y = c.paragraph(16, y + 1, "Vous trouverez ci-dessous votre carte de tiers payant. Présentez-la avec votre "
                    "carte Vitale à vos professionnels de santé : vous n'aurez pas à avancer les frais pris en "
                    "charge par votre contrat pour les bénéficiaires suivants.", f(10.5), 178)
    y = _beneficiaries(sheet, 16, y + 3, (100, 50), 10, "rows", header_fill=tint)
    c.text(16, y + 10, "Nous restons à votre disposition au numéro ci-dessous.", f(10.5))
    top = 190.0
    c.hline(8, 202, top - 6, INK, 0.25, dash_mm=1.5)
    c.text(14, top - 8, "Découpez selon les pointillés", f(7.5, "italic"), (100, 100, 100))
    left = (210 - CARD_W * 1.25) / 2
    w, h = CARD_W * 1.25, CARD_H * 1.25
    c.rect(left, top, left + w, top + h, fill=tint, outline=accent, width_mm=0.3, radius_mm=4)
    sheet.labelled("N° SS", "nir", left + 4, top + 8, f(7), f(8.5, "bold"))
    sheet.labelled("N° AMC", "amc_number", left + 4, top + 14, f(7), f(8.5))
    sheet.labelled("N° adhérent", "contract_number", left + 4, top + 20, f(7), f(8.5))
    sheet.labelled("Valable du", "valid_from", left + 4, top + 28, f(7), f(8))
    sheet.labelled("au", "valid_to", left + 62, top + 28, f(7), f(8))
    y = _coverage_table(sheet, left + 4, top + 33, w - 8, 7, accent)
    sheet.field("organism_phone", left + 4, y + 6, f(7), prefix="Professionnels de santé :")
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
