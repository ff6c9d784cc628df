"""Doctor's prescriptions (ordonnances): a serif letter, a bizone ALD form and a modern printed layout."""

from __future__ import annotations

from typing import Optional

import numpy as np

from vigie.synth.content import build_prescription
from vigie.synth.layout import INK, line_height
from vigie.synth.page import RenderedPage
from vigie.synth.templates.common import NARROW, SANS, SERIF, Formats, Sheet, initials, paper, pick

INCONSISTENCIES = ("invalid_rpps_key",)

_ALD = ("Prescriptions relatives au traitement de l'affection de longue durée reconnue (liste ou hors liste)",
        "(AFFECTION EXONÉRANTE)")
_OTHER = ("Prescriptions SANS RAPPORT avec l'affection de longue durée", "(MALADIES INTERCURRENTES)")


def _drugs(sheet: Sheet, x: float, y: float, indices: range, size: float, numbered: bool = True,
           bullet: Optional[tuple[int, int, int]] = None, color=INK) -> float:
    """The medicine list: each drug in bold, its posology below; returns the next baseline."""
    f = sheet.font
    for i in indices:
        if numbered:
            sheet.canvas.text(x, y, f"{i}.", f(size, "bold"), color)
        if bullet:
            sheet.canvas.rect(x, y - 2.6, x + 2.2, y - 0.4, fill=bullet)
        y = sheet.field(f"drug_{i}", x + 7, y, f(size + 0.5, "bold"), color)
        y = sheet.field(f"posology_{i}", x + 7, y + 0.3, f(size, "italic"), color, width_mm=150) + 4
    return y


def _renewal(sheet: Sheet, x: float, y: float, size: float, color=INK) -> float:
    if sheet.content["renewable"]:
        sheet.canvas.text(x, y, "À renouveler 2 fois.", sheet.font(size, "italic"), color)
        return y + 7
    return y


def render_a(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Serif letter: practitioner letterhead on the left, place and date on the right, patient centred,
    numbered medicines, signature and an emergency footer."""
    content = build_prescription(rng, inconsistency)
    ink = [(20, 20, 20), (15, 30, 80)][int(rng.integers(2))]
    sheet = Sheet("prescription", "prescription-a", dpi, content, pick(rng, SERIF), Formats("long"),
                  paper(rng, True))
    c, f = sheet.canvas, sheet.font
    y = sheet.field("practitioner_name", 20, 24, f(14, "bold"), ink)
    y = sheet.field("specialty", 20, y + 0.5, f(11, "italic"), ink)
    c.text(20, y, "Diplômé(e) de la Faculté de Médecine", f(9), ink)
    y = sheet.field("practitioner_address", 20, y + line_height(f(9)) + 1.5, f(10), ink)
    y = sheet.field("practitioner_phone", 20, y, f(10), ink, prefix="Tél. :")
    y = sheet.rows((("N° RPPS :", "rpps"), ("N° AM :", "adeli")), 20, y + 2, f(9), f(9), value_x=38, color=ink)
    city = content["practitioner"]["address"]["city"]
    sheet.field("prescription_date", 190, 24, f(11), ink, align="right", prefix=f"{city}, le")
    c.hline(20, 190, y + 2, ink, 0.3)
    yy = sheet.field("patient_name", 105, y + 14, f(12.5, "bold"), ink, align="center")
    sheet.field("patient_birth_date", 105, yy + 0.5, f(10), ink, align="center", prefix="Né(e) le")
    y = _drugs(sheet, 28, y + 34, range(1, sheet.count("drug_") + 1), 11, color=ink)
    y = _renewal(sheet, 35, y + 2, 10.5, ink)
    c.signature(125, y + 6, 45, 16, rng)
    c.hline(20, 190, 278, ink, 0.2)
    c.text(105, 283, "Consultations sur rendez-vous - En cas d'urgence, composer le 15", f(8.5, "italic"), ink,
           align="center")
    return sheet.finish()


def render_b(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Bizone form: practitioner and identifier boxes, beneficiary line, the ALD zone and the zone for
    unrelated conditions separated by a heavy rule, date and signature at the bottom."""
    content = build_prescription(rng, inconsistency)
    sheet = Sheet("prescription", "prescription-b", dpi, content, pick(rng, SANS), Formats("slash"), paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(14, 12, 118, 52, outline=INK, width_mm=0.25)
    y = sheet.field("practitioner_name", 17, 19, f(11, "bold"))
    y = sheet.field("specialty", 17, y, f(9))
    y = sheet.field("practitioner_address", 17, y, f(9))
    sheet.field("practitioner_phone", 17, y, f(9), prefix="Tél.")
    c.rect(122, 12, 196, 52, outline=INK, width_mm=0.25)
    c.text(125, 18, "Identifiants du prescripteur", f(7.5, "bold"))
    sheet.rows((("N° RPPS", "rpps"), ("N° AM", "adeli")), 125, 26, f(8.5), f(10, "bold"), value_x=145, leading=2)
    c.barcode(125, 39, 60, 9, rng)
    c.text(14, 62, "Nom et prénom du bénéficiaire :", f(8.5))
    sheet.field("patient_name", 62, 62, f(10, "bold"))
    c.text(140, 62, "Né(e) le", f(8.5))
    sheet.field("patient_birth_date", 155, 62, f(10))
    n = sheet.count("drug_")
    split = max(1, (n + 1) // 2) if n > 1 else 1
    c.rect(14, 68, 196, 80, fill=(236, 236, 236))
    c.text(105, 73, _ALD[0], f(8, "bold"), align="center")
    c.text(105, 77.5, _ALD[1], f(7.5), align="center")
    y = _drugs(sheet, 20, 90, range(1, split + 1), 10)
    mid = max(y + 6, 150.0)
    c.hline(14, 196, mid, INK, 0.8)
    c.rect(14, mid + 2, 196, mid + 14, fill=(236, 236, 236))
    c.text(105, mid + 7, _OTHER[0], f(8, "bold"), align="center")
    c.text(105, mid + 11.5, _OTHER[1], f(7.5), align="center")
    y = _drugs(sheet, 20, mid + 24, range(split + 1, n + 1), 10)
    _renewal(sheet, 27, y, 9.5)
    c.text(14, 262, "Date :", f(9))
    sheet.field("prescription_date", 26, 262, f(10, "bold"))
    c.text(120, 262, "Signature du prescripteur", f(8.5))
    c.signature(125, 265, 45, 14, rng)
    c.text(14, 288, "Ordonnance bizone - à conserver par le patient", f(7), (100, 100, 100))
    return sheet.finish()


def render_c(dpi: int, rng: np.random.Generator, inconsistency: Optional[str] = None) -> RenderedPage:
    """Modern printed layout: logo and practitioner across a tinted header, identifier bar with barcode,
    patient box, bulleted medicines, date at the top right."""
    content = build_prescription(rng, inconsistency)
    accent = [(0, 105, 140), (110, 50, 130), (30, 110, 70)][int(rng.integers(3))]
    tint = tuple(int(255 - (255 - v) * 0.12) for v in accent)
    sheet = Sheet("prescription", "prescription-c", dpi, content, pick(rng, NARROW + SANS[:2]), Formats("dot"),
                  paper(rng))
    c, f = sheet.canvas, sheet.font
    c.rect(0, 0, 210, 40, fill=tint)
    c.logo(16, 10, 20, initials(content["printed"]["practitioner_name"]), "ring", accent, f(10))
    y = sheet.field("practitioner_name", 42, 18, f(15, "bold"), accent)
    sheet.field("specialty", 42, y + 0.5, f(10.5))
    y = sheet.field("practitioner_address", 194, 15, f(9), align="right")
    sheet.field("practitioner_phone", 194, y, f(9), align="right", prefix="Tél.")
    c.hline(16, 194, 46, accent, 0.4)
    sheet.field("rpps", 16, 52, f(9.5), prefix="RPPS")
    sheet.field("adeli", 70, 52, f(9.5), prefix="N° AM")
    c.barcode(130, 47.5, 64, 6, rng)
    c.rect(16, 60, 194, 76, outline=accent, width_mm=0.3, radius_mm=2)
    c.text(20, 66, "Patient", f(8, "bold"), accent)
    sheet.field("patient_name", 20, 72.5, f(11, "bold"))
    sheet.field("patient_birth_date", 120, 72.5, f(9.5), prefix="Date de naissance :")
    sheet.field("prescription_date", 194, 86, f(10), align="right", prefix="Le")
    y = _drugs(sheet, 20, 100, range(1, sheet.count("drug_") + 1), 10.5, numbered=False, bullet=accent)
    _renewal(sheet, 27, y, 10)
    c.signature(130, 240, 45, 15, rng)
    c.rect(0, 285, 210, 297, fill=tint)
    c.text(105, 292, "Consultations du lundi au vendredi sur rendez-vous - En cas d'urgence : 15", f(8), accent,
           align="center")
    return sheet.finish()


VARIANTS = {"a": render_a, "b": render_b, "c": render_c}
