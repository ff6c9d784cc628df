"""Bank identity statements (RIB): a bank's boxed form, a cut-out slip in a letter and an online-banking
printout."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_rib
from vigie.synth.layout import INK, Cell, Column
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import NARROW, SANS, SERIF, Formats, Sheet, initials, paper, pick, table_style

INCONSISTENCIES = ("invalid_iban_key",)

_NATIONAL = (("Code banque", "bank_code"), ("Code guichet", "branch_code"), ("N° de compte", "account_number"),
             ("Clé RIB", "rib_key"))
_PURPOSE = ("Ce relevé d'identité bancaire peut être remis à toute personne ou organisme qui doit effectuer un "
            "virement ou un prélèvement sur votre compte : employeur, caisse d'assurance maladie, mutuelle, "
            "fournisseurs. Il permet d'éviter les erreurs de saisie de vos coordonnées bancaires.")
_BANK_COLORS = ((0, 133, 80), (200, 16, 46), (0, 60, 120), (255, 120, 0), (0, 90, 140), (100, 30, 110))


def _bank_color(rng: np.random.Generator) -> tuple[int, int, int]:
    return _BANK_COLORS[int(rng.integers(len(_BANK_COLORS)))]


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Bank form: logo and bank name, title on the right, holder and branch boxes, the four national parts
    in a ruled grid, IBAN and BIC boxes, purpose note."""
    content = build_rib(rng, inconsistency)
    color = _bank_color(rng)
    sheet = Sheet("rib", "rib-a", dpi, content, pick(rng, SANS), Formats(), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.logo(15, 14, 16, initials(content["printed"]["bank_name"]), "square", color, f(10))
    sheet.field("bank_name", 35, 24, f(13, "bold"))
    c.text(195, 20, "RELEVÉ D'IDENTITÉ BANCAIRE", f(12, "bold"), color, align="right")
    c.text(195, 26, "RIB", f(9), align="right")
    for x0, title in ((15, "Titulaire du compte"), (108, "Domiciliation")):
        c.rect(x0, 40, x0 + 87, 72, outline=(120, 120, 120), width_mm=0.25)
        c.text(x0 + 3, 46, title, f(8.5, "bold"), color)
    y = sheet.field("holder_name", 18, 53, f(10.5, "bold"))
    sheet.field("holder_address", 18, y, f(9.5))
    sheet.field("domiciliation", 111, 53, f(9.5), width_mm=80)
    style = table_style(sheet.family, 11, header_fill=(238, 238, 238), rules="grid", rule_color=(110, 110, 110),
                        row_mm=10)
    y = c.table(15, 82, [Column(label, w, "center") for (label, _), w in zip(_NATIONAL, (40, 40, 70, 30))],
                [[sheet.cell(name) for _, name in _NATIONAL]], style)
    for i, (label, name, size) in enumerate((("IBAN (International Bank Account Number)", "iban", 12.5),
                                              ("BIC (Bank Identifier Code)", "bic", 12.5))):
        top = y + 8 + i * 22
        c.rect(15, top, 195, top + 17, outline=(110, 110, 110), width_mm=0.25)
        c.text(18, top + 5, label, f(8, "bold"), color)
        sheet.field(name, 18, top + 13, f(size, "bold"))
    c.paragraph(15, y + 60, _PURPOSE, f(8.5, "italic"), 180, (80, 80, 80))
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Letter with a cut-out slip: serif letter text on top, then a dashed slip holding the whole RIB with
    IBAN in large type and the national parts in a row-ruled table."""
    content = build_rib(rng, inconsistency)
    color = _bank_color(rng)
    sheet = Sheet("rib", "rib-b", dpi, content, pick(rng, SERIF), Formats(), paper(rng, True))
    c, f = sheet.canvas, sheet.font
    c.text(20, 25, "Vos coordonnées bancaires", f(16, "bold"), color)
    y = c.paragraph(20, 36, "Madame, Monsieur,", f(10.5), 170)
    y = c.paragraph(20, y + 2, _PURPOSE, f(10.5), 170)
    c.paragraph(20, y + 2, "Découpez le relevé ci-dessous selon les pointillés.", f(10.5, "italic"), 170)
    top = 100.0
    for y_edge in (top, top + 92):
        c.hline(18, 192, y_edge, INK, 0.3, dash_mm=1.5)
    for x_edge in (18, 192):
        c.vline(x_edge, top, top + 92, INK, 0.3, dash_mm=1.5)
    c.text(105, top + 9, "RELEVÉ D'IDENTITÉ BANCAIRE", f(11, "bold"), align="center")
    sheet.field("bank_name", 24, top + 19, f(10.5, "bold"))
    sheet.field("domiciliation", 24, top + 25, f(9), width_mm=80)
    c.text(110, top + 19, "Titulaire :", f(9, "italic"))
    y = sheet.field("holder_name", 128, top + 19, f(10, "bold"))
    sheet.field("holder_address", 128, y, f(9))
    style = table_style(sheet.family, 10, rules="rows", rule_color=(90, 90, 90), row_mm=8)
    c.table(24, top + 38, [Column(label, w, "left") for (label, _), w in zip(_NATIONAL, (32, 32, 70, 28))],
            [[sheet.cell(name) for _, name in _NATIONAL]], style)
    c.text(24, top + 66, "IBAN", f(9, "bold"))
    sheet.field("iban", 24, top + 74, f(14, "bold"))
    c.text(24, top + 84, "BIC", f(9, "bold"))
    sheet.field("bic", 34, top + 84, f(10.5, "bold"))
    c.text(20, 285, "Document à conserver. En cas de changement de domiciliation, un nouveau relevé vous sera "
                    "adressé.", f(8, "italic"), (100, 100, 100))
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Online-banking printout: breadcrumb header, label/value rows with zebra fill, national parts in a
    small framed table, print footer."""
    content = build_rib(rng, inconsistency)
    color = _bank_color(rng)
    sheet = Sheet("rib", "rib-c", dpi, content, pick(rng, NARROW), Formats(), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(0, 0, 210, 18, fill=(244, 244, 244))
    c.logo(12, 4, 10, initials(content["printed"]["bank_name"]), "circle", color, f(8))
    c.text(26, 11, "Espace client  >  Mes comptes  >  Relevé d'identité bancaire", f(9), (90, 90, 90))
    c.text(12, 32, "Relevé d'Identité Bancaire", f(16, "bold"), color)
    rows = (("Titulaire du compte", "holder_name"), ("Adresse du titulaire", "holder_address"),
            ("Établissement", "bank_name"), ("Domiciliation", "domiciliation"), ("IBAN", "iban"), ("BIC", "bic"))
    style = table_style(sheet.family, 10, rules="none", zebra=(246, 246, 250), row_mm=9)
    y = c.table(12, 40, [Column("", 55), Column("", 131)],
                [[Cell(label), sheet.cell(name)] for label, name in rows], style)
    c.text(12, y + 12, "Identifiant national (RIB)", f(10, "bold"), color)
    small = table_style(sheet.family, 9.5, header_fill=(236, 236, 236), rules="frame", rule_color=(140, 140, 140),
                        row_mm=8)
    c.table(12, y + 16, [Column(label, w, "center") for (label, _), w in zip(_NATIONAL, (30, 30, 45, 22))],
            [[sheet.cell(name) for _, name in _NATIONAL]], small)
    c.hline(12, 198, 280, (160, 160, 160), 0.2)
    c.text(12, 285, "Document édité depuis votre espace de banque en ligne", f(7.5), (110, 110, 110))
    c.text(198, 285, "1/1", f(7.5), (110, 110, 110), align="right")
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
