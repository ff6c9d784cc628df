"""Benign paper edits made before scanning: rubber stamps, handwritten notes and ticks, highlighter strokes.

They are not forgeries: they never change a field's value (ink is multiplied over the page, so printed text stays
as dark as it was) and produce no tamper mask. They are the hard negatives of the corpus, the marks an insurer's
back office and the claimant really leave on a document.
"""

from __future__ import annotations

import datetime
from typing import Optional

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from vigie.synth import fonts
from vigie.synth.forgeries import parse_date
from vigie.synth.page import Box, RenderedPage

BENIGN_EDITS = ("stamp", "handwritten_note", "highlighter")

STAMP_WORDS = ("PAYÉ", "DUPLICATA", "ACQUITTÉ", "COPIE", "REÇU", "ORIGINAL")
STAMP_INKS = ((196, 36, 48), (170, 30, 60), (36, 62, 168), (60, 52, 150), (92, 46, 140))
SPECIALTIES = ("Médecine générale", "Chirurgien-dentiste", "Masseur-kinésithérapeute", "Ophtalmologie",
               "Pédiatrie", "Orthophoniste", "Infirmier D.E.", "Dermatologie")
NOTES = ("Vu", "Reçu", "Vérifié", "OK pour remb.", "À régler", "Payé par chèque", "cf. courrier", "Dossier complet",
         "Urgent", "Transmis mutuelle", "Bon pour accord", "À classer", "Relancé", "Original envoyé")
BALLPOINT_INKS = ((22, 42, 140), (18, 30, 95), (35, 35, 40), (28, 60, 170))
HIGHLIGHTER_INKS = ((255, 238, 70), (150, 240, 110), (255, 160, 205), (255, 205, 95))


def _text_size(page: RenderedPage) -> int:
    """Typical printed size on the page, in pixels: stamps and notes are scaled from it."""
    sizes = [w.size_px for w in page.words] or [max(12, page.dpi // 7)]
    return int(np.median(sizes))


def _multiply(image: np.ndarray, alpha: np.ndarray, color: tuple[int, int, int], origin: tuple[int, int]) -> Box:
    """Lay translucent ink over the page in place, as real ink does (never lighter); returns the inked box."""
    h, w = image.shape[:2]
    x, y = origin
    ah, aw = alpha.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + aw), min(h, y + ah)
    if x1 <= x0 or y1 <= y0:
        return x0, y0, x0, y0
    a = alpha[y0 - y:y1 - y, x0 - x:x1 - x]
    a = np.where(a >= 0.02, a, 0.0).astype(np.float32)  # no faint haze outside the recorded box
    tint = np.array(color, np.float32) / 255.0
    region = image[y0:y1, x0:x1].astype(np.float32)
    image[y0:y1, x0:x1] = np.clip(np.rint(region * (1.0 - a[..., None] * (1.0 - tint))), 0, 255).astype(np.uint8)
    rows, cols = np.nonzero(a)
    if rows.size == 0:
        return x0, y0, x0, y0
    return x0 + int(cols.min()), y0 + int(rows.min()), x0 + int(cols.max()) + 1, y0 + int(rows.max()) + 1


def _smooth_noise(shape: tuple[int, int], cell: int, rng: np.random.Generator) -> np.ndarray:
    """Zero-mean, unit-ish float32 noise with features about `cell` pixels wide."""
    h, w = shape
    coarse = rng.standard_normal((max(2, h // cell + 2), max(2, w // cell + 2)), dtype=np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def _rotated(canvas: Image.Image, angle: float) -> np.ndarray:
    """An "L" canvas rotated about its centre (grown to fit), as float32 coverage in 0-1."""
    return np.asarray(canvas.rotate(angle, resample=Image.BICUBIC, expand=True), dtype=np.float32) / 255.0


def _overlapped_fields(page: RenderedPage, box: Box) -> list[str]:
    return [f.name for f in page.fields
            if f.box[0] < box[2] and box[0] < f.box[2] and f.box[1] < box[3] and box[1] < f.box[3]]


# --------------------------------------------------------------------------------------------------- stamp

def _stamp_lines(page: RenderedPage, rng: np.random.Generator) -> tuple[str, list[str]]:
    """(style, lines) of a stamp: a status word, a dated receipt, or a practitioner's cachet."""
    style = str(rng.choice(["word", "dated", "cachet"], p=[0.4, 0.3, 0.3]))
    if style == "word":
        return style, [STAMP_WORDS[int(rng.integers(len(STAMP_WORDS)))]]
    if style == "dated":
        dates = [p[0] for p in (parse_date(f.value) for f in page.fields_of_kind("date")) if p is not None]
        # The latest date on the page is the document's own (older ones are births, validity starts...).
        base = max(dates) if dates else datetime.date(2025, 1, 1) + datetime.timedelta(days=int(rng.integers(365)))
        when = base + datetime.timedelta(days=int(rng.integers(1, 30)))
        word = "REÇU LE" if rng.random() < 0.6 else "PAYÉ LE"
        return style, [f"{word} {when:%d/%m/%Y}"]
    names = [f.value.split("\n")[0] for f in page.fields if "practitioner" in f.name and "name" in f.name]
    ids = [(next((k.upper() for k in ("adeli", "finess") if k in f.name), "RPPS"), f.value)
           for f in page.fields_of_kind("practitioner_id")]
    name = names[0] if names else "Dr " + ("MARTIN", "BERNARD", "LEROY", "MOREAU")[int(rng.integers(4))]
    if not name.lower().startswith("dr"):
        name = "Dr " + name
    lines = [name, SPECIALTIES[int(rng.integers(len(SPECIALTIES)))]]
    if ids:
        lines.append(f"{ids[0][0]} {ids[0][1]}")
    return style, lines


def _stamp_alpha(lines: list[str], size: int, style: str, rng: np.random.Generator) -> np.ndarray:
    """Coverage of an inked rubber stamp: bordered text with uneven pressure, worn spots and a soft edge."""
    family = "liberation-sans" if rng.random() < 0.6 else "dejavu-sans"
    font = fonts.load(fonts.resolve(family, "bold" if style != "cachet" else "regular"), size)
    bold_first = fonts.load(fonts.resolve(family, "bold"), size)
    widths = [(bold_first if k == 0 else font).getlength(t) for k, t in enumerate(lines)]
    pad, gap = int(size * 0.5), int(size * 0.35)
    w = int(max(widths)) + 2 * pad
    h = len(lines) * size + (len(lines) - 1) * gap + 2 * pad
    canvas = Image.new("L", (w + 8, h + 8), 0)
    draw = ImageDraw.Draw(canvas)
    border = max(2, size // 9)
    draw.rounded_rectangle((4, 4, w + 3, h + 3), radius=size // 3 if style == "cachet" else 2, outline=255,
                           width=border)
    if style == "word" and rng.random() < 0.5:
        inset = border + 3
        draw.rectangle((4 + inset, 4 + inset, w + 3 - inset, h + 3 - inset), outline=255, width=max(1, border // 2))
    for k, (text, tw) in enumerate(zip(lines, widths)):
        y = 4 + pad + k * (size + gap) + size * 0.8
        draw.text((4 + (w - tw) / 2, y), text, fill=255, font=bold_first if k == 0 else font, anchor="ls")
    alpha = _rotated(canvas, float(rng.uniform(-12.0, 12.0)))
    pressure = 0.78 + 0.22 * np.tanh(_smooth_noise(alpha.shape, max(8, size), rng))
    worn = _smooth_noise(alpha.shape, 3, rng) > float(rng.uniform(-2.2, -1.2))
    alpha = cv2.GaussianBlur(alpha * pressure * worn, (0, 0), 0.6)
    return np.clip(alpha * float(rng.uniform(0.75, 0.95)), 0.0, 1.0)


def _stamp(image: np.ndarray, page: RenderedPage, rng: np.random.Generator) -> dict:
    style, lines = _stamp_lines(page, rng)
    size = int(_text_size(page) * float(rng.uniform(1.0, 1.5) if style == "cachet" else rng.uniform(1.4, 2.2)))
    alpha = _stamp_alpha(lines, size, style, rng)
    color = STAMP_INKS[int(rng.integers(len(STAMP_INKS)))]
    h, w = image.shape[:2]
    x = int(rng.integers(0, max(1, w - alpha.shape[1])))
    y = int(rng.integers(h // 3, max(h // 3 + 1, h - alpha.shape[0])))
    box = _multiply(image, alpha, color, (x, y))
    return {"kind": "stamp", "box": list(box), "text": " / ".join(lines), "style": style, "color": list(color),
            "fields_overlapped": _overlapped_fields(page, box)}


# --------------------------------------------------------------------------------------------------- handwriting

def _free_spot(page: RenderedPage, shape: tuple[int, int], size: tuple[int, int], rng: np.random.Generator,
               near: Optional[Box] = None) -> Optional[tuple[int, int]]:
    """Top-left corner of a `size` (w, h) area clear of every word (with a margin), optionally beside `near`."""
    h, w = shape
    bw, bh = size
    margin = 6
    for attempt in range(80):
        if near is not None and attempt < 40:
            x = near[2] + int(rng.integers(8, 60)) if rng.random() < 0.6 else near[0] - bw - int(rng.integers(8, 40))
            y = (near[1] + near[3]) // 2 - bh // 2 + int(rng.integers(-bh // 3 - 1, bh // 3 + 1))
        else:
            x, y = int(rng.integers(0, max(1, w - bw))), int(rng.integers(0, max(1, h - bh)))
        box = (x - margin, y - margin, x + bw + margin, y + bh + margin)
        if box[0] < 0 or box[1] < 0 or box[2] > w or box[3] > h:
            continue
        if not any(wd.box[0] < box[2] and box[0] < wd.box[2] and wd.box[1] < box[3] and box[1] < wd.box[3]
                   for wd in page.words):
            return x, y
    return None


def _tick_alpha(size: int, rng: np.random.Generator) -> np.ndarray:
    """A quick ballpoint tick mark."""
    s = int(size * float(rng.uniform(0.9, 1.4)))
    canvas = Image.new("L", (s + 8, s + 8), 0)
    points = [(4, 4 + s * 0.55), (4 + s * 0.35, 4 + s * 0.95), (4 + s, 4 + s * float(rng.uniform(0.0, 0.15)))]
    ImageDraw.Draw(canvas).line(points, fill=255, width=max(2, size // 11), joint="curve")
    return _rotated(canvas, float(rng.uniform(-10, 10)))


def _note_alpha(text: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """Text in a handwriting font, slightly askew, with the uneven stroke of a ballpoint pen."""
    family = fonts.HANDWRITING_FAMILIES[int(rng.integers(len(fonts.HANDWRITING_FAMILIES)))]
    font = fonts.load(fonts.resolve(family), size)
    bb = font.getbbox(text, anchor="ls")
    canvas = Image.new("L", (int(bb[2] - bb[0]) + 12, int(bb[3] - bb[1]) + 12), 0)
    ImageDraw.Draw(canvas).text((6 - bb[0], 6 - bb[1]), text, fill=255, font=font, anchor="ls")
    pen = max(1, size // 24)  # script fonts draw hairlines: a ballpoint is at least this wide
    canvas = canvas.filter(ImageFilter.MaxFilter(2 * pen + 1)) if pen > 1 else canvas
    alpha = _rotated(canvas, float(rng.uniform(-6.0, 6.0)))
    return alpha * (0.85 + 0.15 * np.tanh(_smooth_noise(alpha.shape, 6, rng)))


def _handwritten_note(image: np.ndarray, page: RenderedPage, rng: np.random.Generator) -> dict:
    size = int(_text_size(page) * float(rng.uniform(1.3, 2.0)))
    roll = rng.random()
    if roll < 0.25:
        text, alpha = "✓", _tick_alpha(size, rng)
    elif roll < 0.45:
        first, last = (chr(int(c)) for c in rng.integers(65, 91, size=2))
        text = f"{first}.{last}."
        alpha = _note_alpha(text, size, rng)
    else:
        text = NOTES[int(rng.integers(len(NOTES)))]
        alpha = _note_alpha(text, size, rng)
    near = None
    if page.fields and rng.random() < 0.6:
        near = page.fields[int(rng.integers(len(page.fields)))].box
    spot = _free_spot(page, image.shape[:2], (alpha.shape[1], alpha.shape[0]), rng, near)
    color = BALLPOINT_INKS[int(rng.integers(len(BALLPOINT_INKS)))]
    if spot is None:
        return {"kind": "handwritten_note", "box": None, "text": text, "color": list(color), "fields_overlapped": []}
    box = _multiply(image, np.clip(alpha * 0.95, 0, 1), color, spot)
    return {"kind": "handwritten_note", "box": list(box), "text": text, "color": list(color),
            "fields_overlapped": _overlapped_fields(page, box)}


# --------------------------------------------------------------------------------------------------- highlighter

def _line_of(page: RenderedPage, box: Box) -> list[Box]:
    """Boxes of the words on the same text line as `box`."""
    cy, half = (box[1] + box[3]) / 2.0, (box[3] - box[1]) / 2.0
    return [w.box for w in page.words if abs((w.box[1] + w.box[3]) / 2.0 - cy) < max(3.0, half)]


def _highlighter(image: np.ndarray, page: RenderedPage, rng: np.random.Generator) -> dict:
    targets = [f for f in page.fields if f.kind == "amount"] or page.fields
    if targets and rng.random() < 0.8:
        field = targets[int(rng.integers(len(targets)))]
        boxes = _line_of(page, field.box) if rng.random() < 0.5 else [field.box]
    elif page.words:
        boxes = _line_of(page, page.words[int(rng.integers(len(page.words)))].box)
    else:
        return {"kind": "highlighter", "box": None, "text": "", "color": None, "fields_overlapped": []}
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    height = int((y1 - y0) * float(rng.uniform(1.2, 1.6)))
    width = x1 - x0 + int(rng.integers(6, 24))
    canvas = np.zeros((height + 8, width + 8), np.float32)
    canvas[4:4 + height, 4:4 + width] = 1.0
    streaks = 0.9 + 0.1 * np.tanh(cv2.resize(rng.standard_normal((max(2, height // 3), 4), dtype=np.float32),
                                             (width + 8, height + 8), interpolation=cv2.INTER_CUBIC))
    ends = np.clip(np.minimum(np.arange(width + 8), np.arange(width + 8)[::-1]) / 6.0, 0.0, 1.0)[None, :]
    alpha = cv2.GaussianBlur(canvas * streaks * (0.6 + 0.4 * ends), (0, 0), 1.2) * float(rng.uniform(0.75, 0.95))
    drift = np.degrees(np.arctan(0.2 * height / max(1.0, width / 2.0)))  # keep the ends on the line
    angle = float(rng.uniform(-1.0, 1.0)) * min(1.5, drift)
    m = cv2.getRotationMatrix2D(((width + 8) / 2.0, (height + 8) / 2.0), angle, 1.0)
    alpha = cv2.warpAffine(alpha, m, (width + 8, height + 8))
    color = HIGHLIGHTER_INKS[int(rng.integers(len(HIGHLIGHTER_INKS)))]
    origin = (x0 - (width - (x1 - x0)) // 2 - 4, (y0 + y1) // 2 - (height + 8) // 2)
    box = _multiply(image, alpha, color, origin)
    return {"kind": "highlighter", "box": list(box), "text": "", "color": list(color),
            "fields_overlapped": _overlapped_fields(page, box)}


def apply_benign_edit(image: np.ndarray, page: RenderedPage, kind: str, rng: np.random.Generator
                      ) -> tuple[np.ndarray, dict]:
    """A copy of the clean page `image` (page coordinates) with one benign edit, and its record.

    The record holds kind, box (None when a note found no free spot), text, ink colour and the fields it overlaps.
    """
    if kind not in BENIGN_EDITS:
        raise ValueError(f"unknown benign edit {kind!r}; expected one of {BENIGN_EDITS}")
    out = image.copy()
    edit = {"stamp": _stamp, "handwritten_note": _handwritten_note, "highlighter": _highlighter}[kind]
    return out, edit(out, page, rng)
