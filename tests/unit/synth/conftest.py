"""Small claim pages drawn with Pillow, with exact word and field boxes, for the forgery and degradation tests."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from stdnum import luhn
from vigie.synth import fonts
from vigie.synth.page import FieldValue, RenderedPage, Word

INK = (20, 20, 24)


def _rpps(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def claim_lines(variant: int) -> list[tuple[str, list[tuple[str, str | None, str | None]]]]:
    """Lines of an invoice as (alignment, [(text, field name, field kind)]) runs; `variant` changes the values."""
    patients = (("DUPONT", "Jean"), ("LEFEVRE", "Claire"))
    surname, first = patients[variant % 2]
    return [
        ("left", [("FACTURE", None, None), ("N°", None, None), (f"2025-04{12 + variant}", "invoice_no", "code")]),
        ("left", [("Dr", None, None), ("Sophie", "practitioner_name", "text"),
                  ("MARTIN", "practitioner_name", "text")]),
        ("left", [("RPPS", None, None), (":", None, None), (_rpps(f"100034567{variant}"), "rpps", "practitioner_id")]),
        ("left", [("12", None, None), ("rue", None, None), ("de", None, None), ("la", None, None),
                  ("Paix", None, None), ("75002", None, None), ("Paris", None, None)]),
        ("left", [("Tél.", None, None), ("01", None, None), ("45", None, None), ("67", None, None),
                  ("89", None, None), ("23", None, None)]),
        ("left", [("Patient", None, None), (":", None, None), (surname, "patient_name", "patient_name"),
                  (first, "patient_name", "patient_name")]),
        ("left", [("Date", None, None), (":", None, None), (f"1{2 + variant}/03/2025", "invoice_date", "date")]),
        ("left", [("Soins", None, None), ("du", None, None), (f"0{5 + variant}/03/2025", "care_date", "date")]),
        ("table", [("Consultation", None, None), ("25,00", "line_1", "amount"), ("€", "line_1", "amount")]),
        ("table", [("Radiographie", None, None), (f"4{8 - variant},50", "line_2", "amount"),
                   ("€", "line_2", "amount")]),
        ("table", [("Total", None, None), (f"7{3 - variant},50", "total_ttc", "amount"),
                   ("€", "total_ttc", "amount")]),
        ("left", [("IBAN", None, None), (":", None, None)]
         + [(g, "iban", "iban") for g in ("FR76 3000 6000 0112 3456 7890 189" if variant % 2 == 0
                                            else "FR76 1027 8060 4100 0201 0980 186").split()]),
        ("left", [("Reçu", None, None), ("le", None, None), ("19/03/2025", None, None), ("à", None, None),
                  ("Lyon", None, None), ("par", None, None), ("BERNARD", None, None)]),
    ]


def make_page(variant: int = 0, family: str = "liberation-sans", size_px: int = 22, width: int = 760,
              height: int = 640, noise: float = 0.0, seed: int = 0) -> RenderedPage:
    """A one-column invoice drawn word by word, with its words and fields (boxes from Pillow's text bbox)."""
    font_path = fonts.resolve(family)
    font = fonts.load(font_path, size_px)
    canvas = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    words: list[Word] = []
    line_height = int(size_px * 1.9)
    space = font.getlength(" ")
    table_right = int(width * 0.8)
    for row, (align, runs) in enumerate(claim_lines(variant)):
        baseline = int(size_px * 2.2) + row * line_height
        x = float(int(width * 0.06))
        if align == "table":
            label, amount = runs[0], runs[1:]
            words.append(_draw(draw, font, font_path, size_px, x, baseline, *label[:2]))
            x = table_right - sum(font.getlength(t) for t, _, _ in amount) - space * (len(amount) - 1)
            runs = amount
        for text, name, _kind in runs:
            words.append(_draw(draw, font, font_path, size_px, x, baseline, text, name))
            x += font.getlength(text) + space
    image = np.asarray(canvas).copy()
    if noise:
        rng = np.random.default_rng(seed)
        image = np.clip(image.astype(np.float32) - 6 + rng.normal(0, noise, image.shape), 0, 255).astype(np.uint8)
    kinds = {name: kind for _, runs in claim_lines(variant) for _, name, kind in runs if name}
    fields = []
    for name, kind in kinds.items():
        own = [w for w in words if w.field == name]
        box = (min(w.box[0] for w in own), min(w.box[1] for w in own), max(w.box[2] for w in own),
               max(w.box[3] for w in own))
        fields.append(FieldValue(name, kind, " ".join(w.text for w in own), box, font_path, size_px, INK))
    return RenderedPage(image=image, doc_type="invoice", template=f"test-{family}", dpi=150, fields=fields,
                        words=words, content={}, paper_color=(255, 255, 255))


def _draw(draw: ImageDraw.ImageDraw, font, font_path: str, size_px: int, x: float, baseline: int, text: str,
          field: str | None) -> Word:
    draw.text((x, baseline), text, fill=INK, font=font, anchor="ls")
    box = tuple(int(v) for v in draw.textbbox((x, baseline), text, font=font, anchor="ls"))
    return Word(text, box, font_path, size_px, INK, field)


@pytest.fixture(scope="session")
def page() -> RenderedPage:
    return make_page()


@pytest.fixture(scope="session")
def donor() -> RenderedPage:
    return make_page(variant=1, family="liberation-serif", size_px=26, width=820, height=720, noise=3.0, seed=5)
