"""Optician quotes (devis optique normalisé): a boxed standard quote, a shop layout with a correction table
and a compact two-column printout."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_optical_quote
from vigie.synth.layout import INK, Cell, Column
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import (
    MONO,
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

INCONSISTENCIES = ("wrong_total", "wrong_line_total", "wrong_vat", "invalid_siret_key", "invalid_rpps_key",
                   "date_order")

_COLUMNS = {"c": ("Code LPP", "act_code_", 22, "left"), "l": ("Désignation", "act_label_", 66, "left"),
            "q": ("Qté", "act_qty_", 11, "center"), "u": ("P.U. HT", "act_unit_price_", 24, "right"),
            "v": ("TVA", "act_vat_rate_", 15, "right"), "a": ("Montant HT", "act_amount_", 26, "right")}
_OFFER = ("Conformément à la réglementation, une offre « 100 % santé » sans reste à charge (classe A) vous a "
          "été proposée.")
_TOTALS = (("Total HT", "total_ht"), ("TVA", "vat"), ("Total TTC", "total_ttc"),
           ("Prise en charge AMO", "amo_share"), ("Prise en charge AMC (estimation)", "amc_share"),
           ("Reste à charge", "patient_share"))


def _columns(order: str) -> list[tuple[str, str, float, str]]:
    return [_COLUMNS[k] for k in order]




def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Standard quote: glasses logo and shop header, prescription and patient boxes, fully ruled table,
    totals grid with the AMO/AMC split."""
    content = build_optical_quote(rng, inconsistency)
    accent = [(20, 80, 150), (0, 120, 130)][int(rng.integers(2))]
    sheet = Sheet("optical_quote", "optical_quote-a", dpi, content, pick(rng, SANS), Formats("slash", "€"),
                  paper(rng))
    c, f = sheet.canvas, sheet.font
    c.logo(15, 12, 18, "", "glasses", accent, f(10))
    y = sheet.field("issuer_name", 37, 19, f(14, "bold"), accent)
    y = sheet.field("issuer_address", 37, y, f(9))
    sheet.rows((("SIRET", "siret"), ("Opticien", "practitioner_name"), ("N° ADELI", "adeli")), 37, y + 1, f(8),
               f(8.5), value_x=54, leading=1.4)
    c.text(195, 20, "DEVIS NORMALISÉ", f(13, "bold"), align="right")
    c.text(195, 26, "Équipement d'optique médicale", f(9), align="right")
    sheet.labelled("Date du devis :", "quote_date", 145, 33, f(9), f(9, "bold"), value_x=195, align="right")
    for x0, title in ((15, "PRESCRIPTION MÉDICALE"), (108, "BÉNÉFICIAIRE")):
        c.rect(x0, 56, x0 + 87, 92, outline=accent, width_mm=0.3)
        c.rect(x0, 56, x0 + 87, 62, fill=accent)
        c.text(x0 + 2.5, 60.3, title, f(8, "bold"), (255, 255, 255))
    sheet.rows((("Prescripteur", "prescriber_name"), ("N° RPPS", "rpps"), ("Date", "prescription_date"),
                ("OD", "od_correction"), ("OG", "og_correction")), 17.5, 68, f(8.5), f(8.5), value_x=40,
               leading=1.75)
    patient_rows = (("Nom", "patient_name"), ("Né(e) le", "patient_birth_date"), ("N° SS", "nir"))
    if sheet.has("insured_name"):
        sheet.rows(patient_rows + QUOTE_BENEFICIARY_ROWS, 110.5, 68, f(8.5), f(9), value_x=128, leading=1.55)
    else:
        sheet.rows(patient_rows, 110.5, 68, f(8.5), f(9), value_x=128, leading=2.2)
    style = table_style(sheet.family, 9, header_fill=(230, 236, 244), rules="grid", rule_color=(90, 90, 90),
                        row_mm=7)
    y = sheet.lines_table(15, 100, _columns("clquva"), style, sheet.count("act_code_"), width_mm=180)
    for i, (label, name) in enumerate(_TOTALS):
        row = y + 5 + i * 7
        strong = name in ("total_ttc", "patient_share")
        c.rect(105, row, 195, row + 7, outline=(90, 90, 90), width_mm=0.2,
               fill=(230, 236, 244) if strong else None)
        sheet.labelled(label, name, 107, row + 5, f(8.5, "bold" if strong else "regular"),
                       f(9, "bold" if strong else "regular"), value_x=193, align="right")
    c.paragraph(15, y + 58, _OFFER, f(8, "italic"), 180, (70, 70, 70))
    c.text(15, 270, "Signature du client précédée de la mention « Bon pour accord »", f(8))
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Shop layout: tinted band with the shop name, correction table per eye, borderless product table with
    zebra rows, totals box on the right, footer band."""
    content = build_optical_quote(rng, inconsistency)
    accent = [(170, 40, 70), (200, 90, 20), (90, 40, 140)][int(rng.integers(3))]
    tint = tuple(int(255 - (255 - v) * 0.1) for v in accent)
    sheet = Sheet("optical_quote", "optical_quote-b", dpi, content, pick(rng, SANS[1:] + NARROW[:1]),
                  Formats("dot", "€"), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(0, 0, 210, 34, fill=tint)
    c.logo(14, 8, 18, initials(content["printed"]["issuer_name"]), "circle", accent, f(10))
    y = sheet.field("issuer_name", 37, 16, f(15, "bold"), accent)
    sheet.field("issuer_address", 37, y, f(8.5))
    sheet.field("siret", 196, 16, f(8.5), align="right", prefix="SIRET")
    sheet.field("practitioner_name", 196, 21, f(8.5), align="right", prefix="Opticien diplômé :")
    sheet.field("adeli", 196, 26, f(8.5), align="right", prefix="ADELI")
    c.text(14, 46, "Devis d'équipement optique", f(16, "bold"))
    sheet.field("quote_date", 196, 46, f(10), align="right", prefix="Établi le")
    y = sheet.field("patient_name", 14, 56, f(11, "bold"))
    sheet.labelled("Date de naissance", "patient_birth_date", 14, y, f(9), f(9))
    sheet.labelled("N° de sécurité sociale", "nir", 14, y + 5, f(9), f(9))
    correction_top = 76
    if sheet.has("insured_name"):
        correction_top = sheet.rows(QUOTE_BENEFICIARY_ROWS, 14, y + 10.5, f(9), f(9), value_x=38) + 1
    sheet.labelled("Ordonnance du", "prescription_date", 110, 56, f(9), f(9, "bold"))
    sheet.labelled("Prescripteur", "prescriber_name", 110, 61, f(9), f(9))
    sheet.labelled("RPPS", "rpps", 110, 66, f(9), f(9))
    corr = table_style(sheet.family, 9, header_fill=accent, header_color=(255, 255, 255), rules="frame",
                       rule_color=accent, row_mm=6.5)
    y = c.table(14, correction_top, [Column("Œil", 30), Column("Correction (sphère, cylindre, axe, addition)", 90)],
                [[Cell("Droit (OD)"), sheet.cell("od_correction")], [Cell("Gauche (OG)"), sheet.cell("og_correction")]],
                corr)
    style = table_style(sheet.family, 9, header_fill=accent, header_color=(255, 255, 255), rules="none",
                        zebra=tint, row_mm=7.5)
    y = sheet.lines_table(14, y + 10, _columns("lcquva"), style, sheet.count("act_code_"), width_mm=182)
    c.rect(100, y + 8, 196, y + 55, outline=accent, width_mm=0.4)
    sheet.rows(_TOTALS, 103, y + 15, f(9), f(9, "bold"), value_x=193, align="right", leading=2.0)
    c.paragraph(14, y + 15, _OFFER, f(8.5, "italic"), 80, (80, 80, 80))
    c.rect(0, 284, 210, 297, fill=accent)
    c.text(105, 291.5, "Devis gratuit, valable 3 mois à compter de sa date d'établissement", f(8.5),
           (255, 255, 255), align="center")
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Compact printout: serif or monospace, two-column header (patient left, shop right), dashed separators,
    code-first table with row rules, totals in a dotted-leader list."""
    content = build_optical_quote(rng, inconsistency)
    sheet = Sheet("optical_quote", "optical_quote-c", dpi, content, pick(rng, SERIF[:3] + MONO[:2]),
                  Formats("slash", "EUR", thousands=""), paper(rng, True))
    c, f = sheet.canvas, sheet.font
    y = sheet.field("issuer_name", 196, 18, f(12, "bold"), align="right")
    y = sheet.field("issuer_address", 196, y, f(9), align="right")
    y = sheet.field("siret", 196, y, f(8.5), align="right", prefix="Siret")
    sheet.field("adeli", 196, y, f(8.5), align="right", prefix="ADELI")
    c.text(14, 18, "DEVIS OPTIQUE", f(15, "bold"))
    sheet.field("quote_date", 14, 25, f(9.5), prefix="Date :")
    sheet.labelled("Client :", "patient_name", 14, 40, f(9.5), f(10, "bold"))
    sheet.labelled("Né(e) le :", "patient_birth_date", 14, 46, f(9), f(9))
    sheet.labelled("NIR :", "nir", 14, 52, f(9), f(9))
    sheet.labelled("Vendeur :", "practitioner_name", 14, 58, f(9), f(9))
    if sheet.has("insured_name"):
        sheet.rows(QUOTE_BENEFICIARY_ROWS, 110, 40, f(9), f(9), value_x=132, leading=1.6)
    c.hline(14, 196, 64, INK, 0.25, dash_mm=1.2)
    sheet.rows((("Prescripteur :", "prescriber_name"), ("RPPS :", "rpps"), ("Ordonnance du :", "prescription_date")),
               14, 71, f(9), f(9), value_x=44, leading=1.6)
    sheet.rows((("OD :", "od_correction"), ("OG :", "og_correction")), 110, 71, f(9), f(9.5, "bold"), value_x=122,
               leading=1.6)
    c.hline(14, 196, 84, INK, 0.25, dash_mm=1.2)
    style = table_style(sheet.family, 8.5, rules="rows", rule_color=(110, 110, 110), row_mm=7)
    y = sheet.lines_table(14, 90, _columns("clqvua"), style, sheet.count("act_code_"), width_mm=182)
    y += 10
    for label, name in _TOTALS:
        c.text(110, y, label, f(9))
        c.hline(110 + c.width(label, f(9)) + 2, 160, y, (120, 120, 120), 0.2, dash_mm=0.5)
        sheet.field(name, 196, y, f(9.5, "bold" if name in ("total_ttc", "patient_share") else "regular"),
                    align="right")
        y += 6
    c.paragraph(14, y + 8, _OFFER, f(8), 182)
    c.text(14, 282, "Bon pour accord, le client :", f(8.5))
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
