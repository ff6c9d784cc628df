"""Invoices for care, pharmacy, hearing aids and hospital stays (facture, note d'honoraires), three layouts."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_invoice
from vigie.synth.layout import INK
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import (
    BENEFICIARY_ROWS,
    MONO,
    NARROW,
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
                   "invalid_nir_key", "date_order")

_LOGO = {"pharmacy": ("cross", (0, 150, 70)), "audio": ("wave", None), "consultation": ("circle", None),
         "hospital": ("square", None)}
_IDS = (("N° RPPS", "rpps"), ("N° ADELI", "adeli"), ("N° FINESS", "finess"), ("SIRET", "siret"))
_EXEMPT = "TVA non applicable - article 261-4-1° du CGI"


def _title(content: dict) -> str:
    return "NOTE D'HONORAIRES" if content["care_type"] == "consultation" else "FACTURE"


def _columns(with_vat: bool, order: str) -> list[tuple[str, str, float, str]]:
    """Line-table columns in a template's order: c = code, l = label, q = qty, u = unit price, v = VAT, a = amount."""
    spec = {"c": ("Code", "act_code_", 31, "left"), "l": ("Désignation", "act_label_", 63, "left"),
            "q": ("Qté", "act_qty_", 12, "center"),
            "u": ("P.U. HT" if with_vat else "Prix unitaire", "act_unit_price_", 24, "right"),
            "v": ("TVA", "act_vat_rate_", 16, "right"),
            "a": ("Montant HT" if with_vat else "Montant", "act_amount_", 28, "right")}
    return [spec[k] for k in order]


def _totals(sheet: Sheet) -> list[tuple[str, str]]:
    return [("Total HT", "total_ht"), ("TVA", "vat"), ("Total TTC" if sheet.has("vat") else "Total", "total_ttc"),
            ("Part AMO (tiers payant)", "amo_share"), ("Net à payer", "amount_paid")]


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Modern layout: accent band, logo and issuer top-left, title top-right, patient in a tinted box,
    borderless table with a filled header and zebra rows, totals box."""
    content = build_invoice(rng, inconsistency)
    accent = [(28, 84, 150), (0, 112, 120), (40, 70, 120)][int(rng.integers(3))]
    tint = tuple(int(255 - (255 - c) * 0.1) for c in accent)
    sheet = Sheet("invoice", "invoice-a", dpi, content, pick(rng, SANS), Formats("slash", "€"), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(0, 0, 210, 7, fill=accent)
    shape, logo_color = _LOGO[content["care_type"]]
    c.logo(18, 15, 16, initials(content["printed"]["issuer_name"]), shape, logo_color or accent, f(10))
    y = sheet.field("issuer_name", 38, 21, f(13, "bold"), INK)
    if sheet.has("practitioner_name"):
        y = sheet.field("practitioner_name", 38, y + 0.5, f(9.5))
        y = sheet.field("specialty", 38, y, f(9, "italic"))
    y = sheet.field("issuer_address", 38, y, f(9))
    sheet.field("issuer_phone", 38, y, f(9), prefix="Tél.")
    c.text(192, 25, _title(content), f(20, "bold"), accent, align="right")
    sheet.labelled("N°", "invoice_number", 150, 32, f(9.5), f(9.5, "bold"), value_x=192, align="right")
    sheet.labelled("Date :", "invoice_date", 150, 37.5, f(9.5), f(9.5, "bold"), value_x=192, align="right")
    sheet.rows(_IDS, 18, 58, f(8.5), f(8.5), value_x=40, leading=1.6)
    c.rect(112, 48, 192, 84, fill=tint, radius_mm=3)
    c.text(117, 54, "PATIENT", f(8, "bold"), accent)
    y = sheet.field("patient_name", 117, 60, f(10.5, "bold"))
    y = sheet.field("patient_address", 117, y, f(9.5))
    sheet.labelled("N° SS :", "nir", 117, 81, f(8.5), f(9))
    y = sheet.rows((("Date des soins :", "care_date"), ("Date de prescription :", "prescription_date")), 18, 93,
                   f(9), f(9, "bold"), value_x=55)
    if sheet.has("insured_name"):
        y = max(y, sheet.rows(BENEFICIARY_ROWS, 117, 89.5, f(8.5), f(8.5, "bold"), value_x=136) + 2)
    style = table_style(sheet.family, 9, header_fill=accent, header_color=(255, 255, 255), rules="none",
                        zebra=tint, row_mm=7)
    y = sheet.lines_table(18, max(y, 100), _columns(content["with_vat"], "clquva"), style,
                          sheet.count("act_code_"))
    top = y + 6
    totals = [t for t in _totals(sheet) if sheet.has(t[1])]
    c.rect(112, top, 192, top + 7 * len(totals) + 3, outline=accent, width_mm=0.3, radius_mm=2)
    yy = top + 7
    for label, name in totals:
        strong = name in ("total_ttc", "amount_paid")
        if name == "amount_paid":
            c.rect(112.5, yy - 5.2, 191.5, yy + 2.2, fill=tint)
        sheet.labelled(label, name, 116, yy, f(9.5, "bold" if strong else "regular"),
                       f(9.5, "bold" if strong else "regular"), value_x=188, align="right")
        yy += 7
    if not content["with_vat"]:
        c.text(18, top + 5, _EXEMPT, f(7.5, "italic"), (90, 90, 90))
    c.hline(18, 192, 276, accent, 0.3)
    c.text(105, 281, "Règlement à réception de facture. Pas d'escompte pour paiement anticipé.", f(7.5),
           (90, 90, 90), align="center")
    c.text(105, 285, "En cas de retard de paiement, indemnité forfaitaire pour frais de recouvrement : 40 €.",
           f(7.5), (90, 90, 90), align="center")
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Classic letter layout: centred serif letterhead under a double rule, centred title, fully ruled table,
    ruled totals grid and a signature."""
    content = build_invoice(rng, inconsistency)
    ink = [(20, 20, 20), (50, 35, 25), (20, 30, 60)][int(rng.integers(3))]
    sheet = Sheet("invoice", "invoice-b", dpi, content, pick(rng, SERIF), Formats("slash", "€"), paper(rng, True))
    c, f = sheet.canvas, sheet.font
    y = sheet.field("issuer_name", 105, 22, f(16, "bold"), ink, align="center")
    if sheet.has("practitioner_name"):
        y = sheet.field("practitioner_name", 105, y + 1, f(11), ink, align="center")
        y = sheet.field("specialty", 105, y, f(10, "italic"), ink, align="center")
    y = sheet.field("issuer_address", 105, y, f(9.5), ink, align="center")
    y = sheet.field("issuer_phone", 105, y, f(9.5), ink, align="center", prefix="Téléphone :")
    c.hline(20, 190, y, ink, 0.5)
    c.hline(20, 190, y + 1.2, ink, 0.2)
    y = sheet.rows(_IDS, 20, y + 8, f(9), f(9), value_x=48, color=ink)
    sheet.labelled("Date :", "invoice_date", 130, y - 10, f(10), f(10), color=ink)
    c.text(105, y + 6, _title(content), f(15, "bold"), ink, align="center")
    sheet.field("invoice_number", 105, y + 12, f(10), ink, align="center", prefix="N°")
    y += 24
    c.text(20, y, "Patient(e) :", f(10, "italic"), ink)
    yy = sheet.field("patient_name", 45, y, f(10.5, "bold"), ink)
    yy = sheet.field("patient_address", 45, yy, f(10), ink)
    sheet.labelled("N° d'immatriculation :", "nir", 20, yy + 1, f(9.5, "italic"), f(10), color=ink)
    if sheet.has("insured_name"):
        yy = sheet.rows(BENEFICIARY_ROWS, 20, yy + 6.5, f(9.5, "italic"), f(10), value_x=48, color=ink) - 4
    sheet.rows((("Date des soins :", "care_date"), ("Prescription du :", "prescription_date")), 125, y,
               f(9.5, "italic"), f(10), value_x=158, color=ink)
    style = table_style(sheet.family, 9.5, rules="grid", rule_color=ink, row_mm=7.5)
    y = sheet.lines_table(20, yy + 10, _columns(content["with_vat"], "lcquva"), style, sheet.count("act_code_"))
    totals = [t for t in _totals(sheet) if sheet.has(t[1])]
    top = y + 6
    for i, (label, name) in enumerate(totals):
        row = top + i * 7.5
        c.rect(110, row, 190, row + 7.5, outline=ink, width_mm=0.2)
        c.vline(158, row, row + 7.5, ink, 0.2)
        strong = name in ("total_ttc", "amount_paid")
        sheet.labelled(label, name, 112, row + 5.2, f(9.5, "bold" if strong else "regular"),
                       f(9.5, "bold" if strong else "regular"), value_x=188, align="right", color=ink)
    if not content["with_vat"]:
        c.text(20, top + 5, _EXEMPT, f(8.5, "italic"), ink)
    bottom = top + 7.5 * len(totals)
    c.text(130, bottom + 12, "Pour acquit,", f(10, "italic"), ink)
    c.signature(130, bottom + 14, 40, 14, rng)
    footer = ("Membre d'une association agréée, le règlement des honoraires par chèque est accepté."
              if content["care_type"] == "consultation" else "Nous vous remercions de votre confiance.")
    c.text(105, 282, footer, f(8, "italic"), ink, align="center")
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Billing-software printout: narrow or monospace font, boxed sections with titles, barcode, table with
    row rules only, totals as a row of boxes."""
    content = build_invoice(rng, inconsistency)
    family = pick(rng, NARROW + MONO[:1])
    grey = (225, 228, 230)
    dark = [(40, 40, 40), (30, 60, 50)][int(rng.integers(2))]
    sheet = Sheet("invoice", "invoice-c", dpi, content, family, Formats("dot", "EUR", group_ids=False),
                  paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(15, 14, 110, 62, outline=dark, width_mm=0.3)
    c.rect(15, 14, 110, 19.5, fill=grey)
    c.text(17, 18.2, "ÉMETTEUR", f(8, "bold"), dark)
    y = sheet.field("issuer_name", 17, 25, f(10, "bold"), dark)
    if sheet.has("practitioner_name"):
        y = sheet.field("practitioner_name", 17, y, f(8.5), dark)
        y = sheet.field("specialty", 17, y, f(8.5), dark)
    y = sheet.field("issuer_address", 17, y, f(8.5), dark)
    sheet.field("issuer_phone", 17, y, f(8.5), dark, prefix="Tél")
    ids_y = 25
    for label, name in _IDS:
        if sheet.has(name):
            sheet.labelled(label, name, 72, ids_y, f(7.5), f(7.5), value_x=108, color=dark, align="right")
            ids_y += 4.2
    c.barcode(120, 14, 72, 9, rng, dark)
    c.rect(120, 27, 195, 62, outline=dark, width_mm=0.3)
    c.text(123, 35, _title(content), f(14, "bold"), dark)
    sheet.labelled("Numéro", "invoice_number", 123, 43, f(9), f(9, "bold"), value_x=192, color=dark, align="right")
    sheet.labelled("Date facture", "invoice_date", 123, 49, f(9), f(9, "bold"), value_x=192, color=dark,
                   align="right")
    sheet.labelled("Date des soins", "care_date", 123, 55, f(9), f(9), value_x=192, color=dark, align="right")
    c.rect(15, 68, 195, 73.5, fill=grey)
    c.text(17, 72, "PATIENT / BÉNÉFICIAIRE DES SOINS", f(8, "bold"), dark)
    y = sheet.field("patient_name", 17, 79, f(9.5, "bold"), dark)
    sheet.field("patient_address", 17, y, f(9), dark)
    sheet.labelled("NIR", "nir", 110, 79, f(8.5), f(9), value_x=135, color=dark)
    if sheet.has("prescription_date"):
        sheet.labelled("Prescrit le", "prescription_date", 110, 85, f(8.5), f(9), value_x=135, color=dark)
    top = 98
    if sheet.has("insured_name"):
        top = sheet.rows(BENEFICIARY_ROWS, 110, 91, f(8.5), f(9), value_x=135, color=dark) + 3
    style = table_style(family, 8.5, header_fill=grey, rules="rows", rule_color=(120, 120, 120), row_mm=6.5)
    y = sheet.lines_table(15, top, _columns(content["with_vat"], "clquva"), style, sheet.count("act_code_"),
                          width_mm=180)
    totals = [t for t in _totals(sheet) if sheet.has(t[1])]
    width = 180 / len(totals)
    top = y + 8
    for i, (label, name) in enumerate(totals):
        x0 = 15 + i * width
        c.rect(x0, top, x0 + width, top + 15, outline=dark, width_mm=0.3,
               fill=grey if name == "amount_paid" else None)
        c.text(x0 + width / 2, top + 5, label.split(" (")[0].upper(), f(7, "bold"), dark, align="center")
        sheet.field(name, x0 + width / 2, top + 11.5, f(10, "bold"), dark, align="center")
    if not content["with_vat"]:
        c.text(15, top + 22, _EXEMPT, f(7.5), dark)
    c.hline(15, 195, 281, dark, 0.2, dash_mm=1)
    c.text(15, 285, "Document établi par logiciel de facturation agréé SESAM-Vitale", f(7), dark)
    c.text(195, 285, "Page 1/1", f(7), dark, align="right")
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
