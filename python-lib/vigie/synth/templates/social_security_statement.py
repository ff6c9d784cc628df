"""Reimbursement statements (décomptes): a primary-insurance statement, a complementary insurer's combined
statement and a compact listing."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_social_security_statement
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import MONO, NARROW, SANS, SERIF, Formats, Sheet, initials, paper, pick, table_style

INCONSISTENCIES = ("wrong_total", "wrong_line_total", "invalid_nir_key", "date_order")

_COLUMNS = {"d": ("Date des\nsoins", "act_date_", 20, "left"), "c": ("Code", "act_code_", 17, "left"),
            "l": ("Nature de la prestation", "act_label_", 50, "left"),
            "p": ("Montant\npayé", "act_paid_", 20, "right"), "b": ("Base de\nrembours.", "act_base_", 20, "right"),
            "t": ("Taux", "act_rate_", 12, "right"), "r": ("Remb.\nAMO", "act_amount_", 19, "right"),
            "m": ("Remb.\nAMC", "act_amc_", 19, "right")}
_TOTALS = (("Total remboursé par l'Assurance Maladie", "amo_share"),
           ("Total remboursé par votre complémentaire", "amc_share"), ("Montant total versé", "amount_paid"))


def _columns(order: str) -> list[tuple[str, str, float, str]]:
    return [_COLUMNS[k] for k in order]


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Primary insurance statement: insurer mark top-left, insured in the address window, title with
    references, table with a tinted header and row rules, total bar."""
    content = build_social_security_statement(rng, inconsistency, with_amc=False)
    blue = (0, 82, 147)
    light = (224, 236, 246)
    sheet = Sheet("social_security_statement", "social_security_statement-a", dpi, content, pick(rng, SANS),
                  Formats("slash", "€"), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.logo(15, 12, 14, "AM", "square", blue, f(10))
    c.text(32, 18, "l'Assurance", f(12, "bold"), blue)
    c.text(32, 24, "Maladie", f(12, "bold"), blue)
    y = sheet.field("payer_name", 15, 36, f(9.5, "bold"))
    sheet.field("payer_address", 15, y, f(8.5))
    y = sheet.field("insured_name", 112, 52, f(10.5, "bold"))
    sheet.field("insured_address", 112, y, f(10))
    c.text(15, 86, "Relevé de vos remboursements", f(17, "bold"), blue)
    sheet.rows((("Date :", "statement_date"), ("Référence :", "statement_number"),
                ("N° de sécurité sociale :", "nir")), 15, 95, f(9), f(9, "bold"), value_x=55, leading=1.55)
    c.paragraph(15, 115, "Voici le détail des prestations remboursées par votre caisse d'assurance maladie pour "
                "les soins ci-dessous.", f(9), 180)
    style = table_style(sheet.family, 8.5, header_fill=light, header_color=blue, rules="rows",
                        rule_color=(150, 170, 190), row_mm=7)
    y = sheet.lines_table(15, 122, _columns("dclpbtr"), style, sheet.count("act_date_"), width_mm=180)
    c.rect(15, y + 5, 195, y + 14, fill=light)
    c.text(18, y + 11, "Montant total remboursé", f(10, "bold"), blue)
    sheet.field("amount_paid", 192, y + 11, f(11, "bold"), blue, align="right")
    c.paragraph(15, y + 24, "Ce montant a été versé par virement sur votre compte bancaire. La participation "
                "forfaitaire et les franchises médicales éventuelles sont déduites de vos remboursements.",
                f(8.5), 180, (60, 60, 60))
    c.hline(15, 195, 278, blue, 0.3)
    c.text(15, 284, "Conservez ce relevé : il peut vous être demandé par votre organisme complémentaire.",
           f(7.5), (80, 80, 80))
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Complementary insurer's combined statement: serif letter, member box, fully ruled table with the
    primary and complementary reimbursements, totals under the table."""
    content = build_social_security_statement(rng, inconsistency, with_amc=True)
    accent = [(0, 110, 90), (130, 30, 60), (60, 60, 130)][int(rng.integers(3))]
    sheet = Sheet("social_security_statement", "social_security_statement-b", dpi, content, pick(rng, SERIF),
                  Formats("slash", "€"), paper(rng, True))
    c, f = sheet.canvas, sheet.font
    c.logo(15, 13, 16, initials(content["printed"]["payer_name"]), "circle", accent, f(10))
    y = sheet.field("payer_name", 35, 19, f(13, "bold"), accent)
    sheet.field("payer_address", 35, y, f(9))
    c.text(195, 36, "DÉCOMPTE DE PRESTATIONS SANTÉ", f(11.5, "bold"), align="right")
    c.rect(120, 40, 195, 62, outline=accent, width_mm=0.3)
    sheet.rows((("N° de décompte", "statement_number"), ("Émis le", "statement_date"), ("N° SS", "nir")), 123, 46,
               f(8.5), f(9), value_x=150, leading=1.7)
    y = sheet.field("insured_name", 112, 70, f(10.5, "bold"))
    sheet.field("insured_address", 112, y, f(10))
    c.text(15, 98, "Madame, Monsieur,", f(10))
    c.paragraph(15, 105, "Nous avons le plaisir de vous adresser le détail des remboursements effectués au titre "
                "de votre contrat, en complément de ceux de votre régime obligatoire.", f(10), 180)
    style = table_style(sheet.family, 8.5, rules="grid", rule_color=(70, 70, 70), row_mm=7)
    y = sheet.lines_table(15, 118, _columns("dlcpbtrm"), style, sheet.count("act_date_"), width_mm=180)
    sheet.rows(_TOTALS, 80, y + 10, f(9.5), f(10, "bold"), value_x=195, align="right", leading=1.9)
    c.text(15, y + 36, "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.", f(10))
    c.text(130, y + 46, "Le service Prestations", f(9.5, "italic"), accent)
    c.rect(0, 290, 210, 297, fill=accent)
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Compact listing: dark title bar, reference boxes in a row, framed table, totals right-aligned,
    2D code in the footer."""
    content = build_social_security_statement(rng, inconsistency, with_amc=bool(rng.random() < 0.5))
    dark = (45, 50, 60)
    sheet = Sheet("social_security_statement", "social_security_statement-c", dpi, content,
                  pick(rng, NARROW + MONO[:1]), Formats("dot", "EUR", group_ids=False), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(12, 12, 198, 22, fill=dark)
    c.text(15, 19, "DÉCOMPTE DE REMBOURSEMENT", f(12, "bold"), (255, 255, 255))
    c.text(195, 19, "Page 1/1", f(8.5), (255, 255, 255), align="right")
    y = sheet.field("payer_name", 12, 31, f(10, "bold"), dark)
    sheet.field("payer_address", 12, y, f(8.5), dark)
    y = sheet.field("insured_name", 110, 31, f(10, "bold"), dark)
    sheet.field("insured_address", 110, y, f(8.5), dark)
    boxes = (("DATE DU DÉCOMPTE", "statement_date"), ("N° DE DÉCOMPTE", "statement_number"),
             ("N° D'IMMATRICULATION", "nir"))
    for i, (label, name) in enumerate(boxes):
        x0 = 12 + i * 62
        c.rect(x0, 56, x0 + 62, 70, outline=dark, width_mm=0.25)
        c.text(x0 + 2, 61, label, f(7, "bold"), dark)
        sheet.field(name, x0 + 2, 67, f(9.5), dark)
    style = table_style(sheet.family, 8.5, header_fill=(232, 232, 232), rules="frame", rule_color=dark,
                        row_mm=6.5)
    y = sheet.lines_table(12, 78, _columns("dcltpbrm"), style, sheet.count("act_date_"), width_mm=186)
    sheet.rows(_TOTALS, 90, y + 9, f(9), f(9.5, "bold"), value_x=198, align="right", leading=1.8, color=dark)
    c.matrix_code(176, 262, 20, rng, color=dark)
    c.text(12, 280, "Document à conserver - aucun duplicata ne sera délivré.", f(7.5), dark)
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
