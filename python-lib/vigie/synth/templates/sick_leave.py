"""Employer salary certificates for daily sickness allowances (attestation de salaire, arrêt de travail): an
official-style form, an employer's letter and a payroll-software printout."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_sick_leave
from vigie.synth.layout import INK, Column
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import MONO, NARROW, SANS, SERIF, Formats, Sheet, initials, paper, pick, table_style

INCONSISTENCIES = ("wrong_total", "invalid_siret_key", "invalid_nir_key", "date_order")

_EMPLOYER = (("Raison sociale", "employer_name"), ("Adresse", "employer_address"), ("N° SIRET", "siret"),
             ("Code NAF", "naf_code"), ("Téléphone", "employer_phone"))
_EMPLOYEE = (("Nom et prénom", "insured_name"), ("N° de sécurité sociale", "nir"), ("Adresse", "insured_address"),
             ("Emploi occupé", "job_title"), ("Date d'embauche", "hire_date"))
_STOPPAGE = (("Date du dernier jour de travail", "last_work_day"), ("Date de début de l'arrêt", "leave_start"))
_CERTIFY = "certifie l'exactitude des renseignements portés sur la présente attestation."


def _salary_table(sheet: Sheet, x: float, y: float, widths: tuple[float, float, float], style) -> float:
    """The reference periods and their gross salaries; returns the bottom."""
    rows = [[sheet.cell(f"period_start_{i}"), sheet.cell(f"period_end_{i}"), sheet.cell(f"salary_{i}")]
            for i in range(1, sheet.count("salary_") + 1)]
    cols = [Column("Période du", widths[0]), Column("au", widths[1]),
            Column("Salaire brut soumis\nà cotisations", widths[2], "right")]
    return sheet.canvas.table(x, y, cols, rows, style)


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Official-style form: boxed title with the risk checkboxes, numbered sections under grey bars, ruled
    salary grid with its total, certification and signature."""
    content = build_sick_leave(rng, inconsistency)
    grey = (228, 228, 228)
    sheet = Sheet("sick_leave", "sick_leave-a", dpi, content, pick(rng, SANS), Formats("slash", "€"), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(12, 10, 198, 34, outline=INK, width_mm=0.4)
    c.text(105, 17.5, "ATTESTATION DE SALAIRE", f(13, "bold"), align="center")
    c.text(105, 23, "pour le paiement des indemnités journalières", f(9.5), align="center")
    for i, label in enumerate(("Maladie", "Maternité", "Paternité", "Accident du travail")):
        c.checkbox(40 + i * 36, 27.2, 3, i == 0)
        c.text(44.5 + i * 36, 29.8, label, f(8.5))
    sections = (("1", "L'EMPLOYEUR", _EMPLOYER), ("2", "LE SALARIÉ", _EMPLOYEE), ("3", "L'ARRÊT DE TRAVAIL", _STOPPAGE))
    y = 40.0
    for number, title, items in sections:
        c.rect(12, y, 198, y + 6.5, fill=grey)
        c.text(14, y + 4.7, f"{number}. {title}", f(8.5, "bold"))
        y = sheet.rows(items, 14, y + 12, f(8.5), f(9), value_x=66, leading=1.55) + 1
    c.rect(12, y, 198, y + 6.5, fill=grey)
    c.text(14, y + 4.7, "4. LES SALAIRES DES 3 MOIS PRÉCÉDANT L'ARRÊT", f(8.5, "bold"))
    style = table_style(sheet.family, 9, rules="grid", row_mm=7)
    y = _salary_table(sheet, 12, y + 9, (50, 50, 86), style)
    c.rect(12, y, 198, y + 8, outline=INK, width_mm=0.2, fill=(245, 245, 245))
    c.text(14, y + 5.5, "TOTAL", f(9, "bold"))
    sheet.field("salary_total", 196.5, y + 5.5, f(9.5, "bold"), align="right")
    y += 16
    c.text(14, y, "Je soussigné(e)", f(9))
    sheet.field("signatory_name", 40, y, f(9, "bold"))
    c.text(14, y + 5, _CERTIFY, f(9))
    sheet.labelled("Fait le", "signature_date", 14, y + 12, f(9), f(9))
    c.text(120, y + 12, "Signature et cachet de l'employeur", f(8.5))
    c.signature(125, y + 15, 40, 14, rng)
    c.text(12, 289, "La loi n° 78-17 du 6 janvier 1978 modifiée garantit un droit d'accès et de rectification "
                    "des données vous concernant.", f(6.5), (100, 100, 100))
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Employer's letter: company logo and letterhead, subject line, label/value blocks for the employee and
    the stoppage, salary table with row rules, total and signature."""
    content = build_sick_leave(rng, inconsistency)
    accent = [(0, 90, 160), (160, 60, 0), (0, 120, 100), (110, 40, 110)][int(rng.integers(4))]
    sheet = Sheet("sick_leave", "sick_leave-b", dpi, content, pick(rng, SERIF + SANS[3:4]), Formats("long", "€"),
                  paper(rng, True))
    c, f = sheet.canvas, sheet.font
    c.logo(18, 14, 16, initials(content["printed"]["employer_name"]), "ring", accent, f(10))
    y = sheet.field("employer_name", 38, 20, f(13, "bold"), accent)
    y = sheet.field("employer_address", 38, y, f(9))
    y = sheet.field("employer_phone", 38, y, f(9), prefix="Tél.")
    sheet.field("siret", 38, y, f(8.5), prefix="SIRET")
    sheet.field("naf_code", 110, y, f(8.5), prefix="APE")
    c.text(18, 72, "Objet : attestation de salaire - arrêt de travail", f(11, "bold"))
    y = c.paragraph(18, 82, "Nous soussignés, employeur du salarié désigné ci-dessous, attestons des éléments "
                    "suivants en vue du calcul des indemnités journalières de sécurité sociale.", f(10.5), 174)
    y = sheet.rows(_EMPLOYEE, 24, y + 4, f(10), f(10, "bold"), value_x=78, leading=1.5)
    y = sheet.rows(_STOPPAGE, 24, y + 3, f(10), f(10, "bold"), value_x=88, leading=1.5)
    style = table_style(sheet.family, 10, rules="rows", rule_color=accent, row_mm=8)
    y = _salary_table(sheet, 24, y + 4, (48, 48, 66), style)
    sheet.labelled("Total des salaires de la période", "salary_total", 24, y + 8, f(10.5, "bold"),
                   f(10.5, "bold"), value_x=184, align="right")
    y = c.paragraph(18, y + 22, "Nous " + _CERTIFY.replace("certifie", "certifions"), f(10.5), 174)
    sheet.labelled("Fait le", "signature_date", 110, y + 6, f(10), f(10))
    sheet.field("signatory_name", 110, y + 13, f(10, "italic"))
    c.text(110, y + 18.5, "Responsable des ressources humaines", f(9))
    c.signature(112, y + 20, 42, 14, rng)
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Payroll-software printout: barcode and title box, two framed columns for employer and employee,
    stoppage dates in a strip, framed salary table, total box, signature line."""
    content = build_sick_leave(rng, inconsistency)
    dark = (35, 35, 45)
    sheet = Sheet("sick_leave", "sick_leave-c", dpi, content, pick(rng, MONO[:2] + NARROW[:2]),
                  Formats("slash", "EUR", group_ids=False), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.barcode(12, 10, 60, 10, rng, dark)
    c.rect(80, 10, 198, 24, outline=dark, width_mm=0.4)
    c.text(139, 16, "ATTESTATION DE SALAIRE - IJ MALADIE", f(10.5, "bold"), dark, align="center")
    c.text(139, 21.5, "Édition issue du logiciel de paie", f(8), dark, align="center")
    short = tuple((label.replace("N° de sécurité sociale", "N° SS"), name) for label, name in _EMPLOYEE)
    for x0, title, items in ((12, "EMPLOYEUR", _EMPLOYER), (106, "SALARIÉ", short)):
        c.rect(x0, 30, x0 + 92, 86, outline=dark, width_mm=0.25)
        c.text(x0 + 2, 35, title, f(8.5, "bold"), dark)
        c.hline(x0, x0 + 92, 37, dark, 0.2)
        sheet.rows(items, x0 + 2, 42, f(7), f(8), leading=1.75, color=dark, right=x0 + 90)
    c.rect(12, 92, 198, 104, fill=(235, 235, 238))
    sheet.labelled("Dernier jour travaillé :", "last_work_day", 15, 99.5, f(8.5), f(9, "bold"), color=dark)
    sheet.labelled("Arrêt à compter du :", "leave_start", 110, 99.5, f(8.5), f(9, "bold"), color=dark)
    style = table_style(sheet.family, 8.5, header_fill=(235, 235, 238), rules="frame", rule_color=dark, row_mm=7)
    y = _salary_table(sheet, 12, 112, (55, 55, 76), style)
    c.rect(122, y + 4, 198, y + 14, outline=dark, width_mm=0.4)
    c.text(125, y + 10.5, "TOTAL BRUT", f(8.5, "bold"), dark)
    sheet.field("salary_total", 195, y + 10.5, f(9.5, "bold"), dark, align="right")
    y += 26
    sheet.labelled("Signataire :", "signatory_name", 12, y, f(8.5), f(9), color=dark)
    sheet.labelled("Date :", "signature_date", 12, y + 6, f(8.5), f(9), color=dark)
    c.text(12, y + 12, "Le signataire " + _CERTIFY, f(7.5), dark)
    c.hline(130, 198, y + 28, dark, 0.2)
    c.text(130, y + 32, "Signature", f(7.5), dark)
    c.signature(138, y + 14, 40, 12, rng)
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
