"""Forgeries of a scanned claim page: copy-move, splicing from a donor page, erase-and-retype and white-out.

Each operation changes the value of one keyed field the way a fraudster would (an amount raised by 10-300 %, a date
moved by days or months, an IBAN or RPPS number swapped for another one that still passes its checksum, another
patient name) and returns the forged image, the tampered mask and a JSON record of what was done. Glyph positions
come from the font metrics of each word, fitted to the ink actually found in the (possibly skewed) scan.
"""

from __future__ import annotations

import datetime
import functools
import os
import re
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np
from PIL import Image, ImageDraw
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.exceptions import ValidationError

from vigie.synth import fonts
from vigie.synth.page import FORGEABLE_KINDS, Box, FieldValue, RenderedPage, Word

FORGERY_OPERATIONS = ("copy_move", "splicing", "retype", "white_out")

AMOUNT_RATIO = (1.1, 4.0)  # a forged amount is the original times a factor in this range
DATE_SHIFT_DAYS = (1, 400)  # a forged date moves by this many days (either way)
INK_CONTRAST = 45  # grey levels under the local paper that count as ink
GRID = 8  # JPEG block size: grid-aligned copy-moves move pixels by multiples of it

MALE_NAMES = ("Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Laurent", "Julien", "Thomas", "Antoine",
              "Olivier", "Patrick", "Lucas", "Hugo")
FEMALE_NAMES = ("Marie", "Sophie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Camille", "Claire",
                "Chantal", "Monique", "Emma", "Léa", "Chloé")
GENDERED_CIVILITIES = {"m": "m", "m.": "m", "mr": "m", "mr.": "m", "monsieur": "m", "mme": "f", "mme.": "f",
                       "mlle": "f", "mlle.": "f", "madame": "f"}
SURNAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
            "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
            "Morel", "Girard", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "Legrand", "Gauthier",
            "Perrin", "Robin", "Clément", "Morin", "Henry", "Roussel", "Mathieu", "Lambert", "Bonnet", "Fontaine")
PERSON_FIELDS = ("patient", "practitioner", "prescriber", "insured", "payer", "taxpayer", "holder", "signatory",
                 "beneficiary")  # with "name", field names holding a person's name: where a forger finds another
CIVILITIES = {"m", "m.", "mme", "mme.", "mlle", "mlle.", "mr", "mr.", "monsieur", "madame", "dr", "dr.", "docteur"}
NOT_NAMES = {"facture", "total", "date", "patient", "montant", "adresse", "téléphone", "tel", "tél", "docteur",
             "madame", "monsieur", "consultation", "devis", "ordonnance", "note", "honoraires", "iban", "bic", "rib",
             "ttc", "ht", "tva", "eur", "euros", "prescription", "assuré", "assurée", "numéro", "désignation",
             "quantité", "prix", "reçu", "payé", "acte", "actes", "code", "page", "sécurité", "sociale", "banque",
             "titulaire", "domiciliation", "signature", "cachet", "le", "la", "les", "du", "de", "des", "pour"}
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
SOLID_FOOT_DIGITS = "012345689"  # digits whose ink bottom is the baseline (a 7 ends in a thin, faint point)
BLUR_STEPS = (0.0, 0.3, 0.45, 0.6, 0.75, 0.9, 1.1, 1.3, 1.6)  # candidate stroke blurs, pixels
BALLPOINT_COLORS = ((22, 42, 140), (18, 30, 95), (35, 35, 40), (28, 60, 170))


class ForgeryError(ValueError):
    """The page (or the donor) offers no way to forge a field of this kind with this operation."""


@dataclass
class Forgery:
    """A forged page with its ground truth."""

    image: np.ndarray  # H x W x 3 uint8 RGB, the forged page
    mask: np.ndarray  # H x W bool, True where tampered (target region)
    source_mask: Optional[np.ndarray]  # copy-move only: where the copied pixels came from
    record: dict  # JSON-serialisable description of the operation


# --------------------------------------------------------------------------------------------------- ink geometry

@dataclass
class _Glyphs:
    """Where one drawn word's characters really are in the image: column cuts between characters, ink rows."""

    word: Word
    origin: tuple[int, int]  # top-left of the measured crop
    ink: np.ndarray  # bool crop, True on the word's strokes
    column_dark: np.ndarray  # per crop column, the darkest pixel of the word's band below the paper, grey levels
    cuts: list[int]  # len(text) + 1 column boundaries, image coordinates
    baseline: int  # row just under the strokes that sit on the baseline
    box: Box  # ink bounding box
    ink_color: tuple[float, float, float]
    paper_color: tuple[float, float, float]


@dataclass
class _Unit:
    """A run of characters to replace or to copy: a character cell range, or the ink span of whole words."""

    text: str
    box: Box  # cell columns (cell=True) or ink columns, and ink rows; empty rows for an insertion point
    baseline: int
    size_px: int
    font_path: str
    ink_color: tuple[float, float, float]
    paper_color: tuple[float, float, float]
    cell: bool


def _clip(box: tuple[float, float, float, float], shape: tuple[int, ...]) -> Box:
    h, w = shape[:2]
    x0, y0, x1, y1 = box
    return (int(max(0, np.floor(x0))), int(max(0, np.floor(y0))), int(min(w, np.ceil(x1))), int(min(h, np.ceil(y1))))


def _grow(box: Box, dx: int, dy: Optional[int] = None) -> Box:
    dy = dx if dy is None else dy
    return box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy


def _union(boxes: list[Box]) -> Box:
    return min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)


def _overlaps(a: Box, b: Box, gap: int = 0) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _inside(box: Box, shape: tuple[int, ...]) -> bool:
    return box[0] >= 0 and box[1] >= 0 and box[2] <= shape[1] and box[3] <= shape[0] and box[2] > box[0] \
        and box[3] > box[1]


def _main_band(rows: np.ndarray) -> tuple[int, int]:
    """The run of inked rows (gaps up to 3 rows bridged) holding most ink: the word's own line, not a neighbour's."""
    on = np.flatnonzero(rows)
    breaks = np.flatnonzero(np.diff(on) > 3)
    starts = np.concatenate([[0], breaks + 1])
    ends = np.concatenate([breaks, [on.size - 1]])
    weights = [rows[on[s]:on[e] + 1].sum() for s, e in zip(starts, ends)]
    best = int(np.argmax(weights))
    return int(on[starts[best]]), int(on[ends[best]]) + 1


@functools.lru_cache(maxsize=4096)
def _ink_bbox(font_path: str, size_px: int, text: str) -> tuple[float, float, float, float]:
    """Ink box of text drawn at a baseline origin (Pillow anchor "ls"), cached: layout is the slow part."""
    return fonts.load(font_path, size_px).getbbox(text, anchor="ls")


@functools.lru_cache(maxsize=1024)
def _advances(font_path: str, size_px: int, text: str) -> tuple[float, ...]:
    """Pen position before each character of text and after the last one."""
    font = fonts.load(font_path, size_px)
    return tuple(font.getlength(text[:i]) for i in range(len(text) + 1))


def _measure(image: np.ndarray, gray: np.ndarray, word: Word) -> Optional[_Glyphs]:
    """Fit the word's font metrics to its ink in the image; None when no ink is visible in its box."""
    x0, y0, x1, y1 = _clip(_grow(word.box, 2), gray.shape)
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0 or not word.text.strip():
        return None
    paper = float(np.percentile(crop, 90))
    dark = float(crop.min())
    if paper - dark < 2 * INK_CONTRAST:
        return None
    ink = crop < paper - 0.5 * (paper - dark)
    top, bottom = _main_band(ink.sum(axis=1))
    ink[:top] = False
    ink[bottom:] = False
    cols = np.flatnonzero(ink.any(axis=0))
    left, right = int(cols[0]), int(cols[-1]) + 1
    text = word.text
    bb = _ink_bbox(word.font_path, word.size_px, text)
    baseline = int(round((top - bb[1] + bottom - bb[3]) / 2.0))  # a skewed word's band grows both ways
    predicted = max(1.0, float(bb[2] - bb[0]))
    scale = (right - left) / predicted
    scale = scale if 0.85 < scale < 1.15 else 1.0
    offsets = np.array(_advances(word.font_path, word.size_px, text))
    xs = left + (offsets - bb[0]) * scale
    # Cut between characters at the palest column near the predicted boundary: the middle of the gap.
    band = np.clip(paper - crop[top:bottom].astype(np.float32), 0, None)
    darkness = band.sum(axis=0)
    cuts = [min(int(np.floor(xs[0])), left - 1)]  # outer cuts sit on paper, one column clear of the ink
    for x in xs[1:-1]:
        c = int(round(x))
        lo, hi = max(cuts[-1] + 1, c - 3), min(ink.shape[1] - 1, c + 3)
        window = [(float(darkness[k]), abs(k - c), k) for k in range(lo, hi + 1)]
        cuts.append(min(window)[2] if window else cuts[-1] + 1)
    cuts.append(max(int(np.ceil(xs[-1])), right + 1, cuts[-1] + 1))
    feet = [_ink_bottom(ink, cuts[k], cuts[k + 1]) for k, c in enumerate(text) if c in SOLID_FOOT_DIGITS]
    feet = [f for f in feet if f is not None]
    baseline = int(np.median(feet)) if feet else baseline
    strokes = image[y0:y1, x0:x1][ink]
    darkest = strokes[np.argsort(strokes.sum(axis=1))[: max(1, len(strokes) // 3)]]
    background = image[y0:y1, x0:x1][~ink]
    return _Glyphs(word=word, origin=(x0, y0), ink=ink, column_dark=band.max(axis=0), cuts=[c + x0 for c in cuts],
                   baseline=baseline + y0,
                   box=(left + x0, top + y0, right + x0, bottom + y0),
                   ink_color=tuple(float(v) for v in np.median(darkest, axis=0)),
                   paper_color=tuple(float(v) for v in np.median(background, axis=0)))


def _ink_bottom(ink: np.ndarray, c0: int, c1: int) -> Optional[int]:
    """Row just under the lowest ink between crop columns c0 and c1, or None when they hold none."""
    rows = np.flatnonzero(ink[:, max(0, c0):max(0, c1)].any(axis=1))
    return int(rows[-1]) + 1 if rows.size else None


def _char_unit(g: _Glyphs, i: int, j: int) -> _Unit:
    """Characters i..j-1 of a measured word, as a cell range."""
    x0, x1 = g.cuts[i], g.cuts[j]
    ox, oy = g.origin
    rows = np.flatnonzero(g.ink[:, max(0, x0 - ox):max(0, x1 - ox)].any(axis=1))
    top, bottom = (oy + int(rows[0]), oy + int(rows[-1]) + 1) if rows.size else (g.box[1], g.box[3])
    text = g.word.text[i:j]
    baseline = bottom if rows.size and text and all(c in SOLID_FOOT_DIGITS for c in text) else g.baseline
    return _Unit(text, (x0, top, x1, bottom), baseline, g.word.size_px, g.word.font_path, g.ink_color,
                 g.paper_color, True)


def _isolated(g: _Glyphs, i: int) -> bool:
    """Whether the gap columns on both sides of character i are blank: no neighbour (a slash, a kerned pair, a
    touching stroke) reaches into its cell, and no part of it lies outside."""
    ox = g.origin[0]
    blank = max(float(INK_CONTRAST), 0.3 * float(g.column_dark.max()))
    edges = [g.cuts[i] - ox, g.cuts[i + 1] - ox]
    return all(0 <= c < g.column_dark.size and g.column_dark[c] < blank for c in edges)


def _insertion_unit(g: _Glyphs, width: int) -> _Unit:
    """An empty cell just left of the word's first character, where a leading digit can be added."""
    x1 = g.cuts[0]
    first = _char_unit(g, 0, 1)
    return _Unit("", (x1 - width, first.box[1], x1, first.box[3]), first.baseline, g.word.size_px,
                 g.word.font_path, g.ink_color, g.paper_color, True)


def _line_baseline(gs: list[_Glyphs]) -> int:
    """Baseline shared by words on one line, trusting words with digits (their feet are measured, not guessed)."""
    digits = [g.baseline for g in gs if any(c in SOLID_FOOT_DIGITS for c in g.word.text)]
    return int(np.median(digits or [g.baseline for g in gs]))


def _span_unit(gs: list[_Glyphs]) -> _Unit:
    """The ink span of consecutive words on one line."""
    return _Unit(" ".join(g.word.text for g in gs), _union([g.box for g in gs]), _line_baseline(gs),
                 gs[0].word.size_px, gs[0].word.font_path, gs[0].ink_color, gs[0].paper_color, False)


class _Sheet:
    """An image with its words, measured lazily: the forged page or a splicing donor."""

    def __init__(self, image: np.ndarray, page: RenderedPage):
        self.image = image
        self.page = page
        self.gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        self._glyphs: dict[int, Optional[_Glyphs]] = {}

    def glyphs(self, index: int) -> Optional[_Glyphs]:
        if index not in self._glyphs:
            self._glyphs[index] = _measure(self.image, self.gray, self.page.words[index])
        return self._glyphs[index]

    def clean(self, rect: Box, keep: Optional[Box]) -> bool:
        """True when `rect` lies in the image and holds no ink outside `keep` (grown by one pixel)."""
        if not _inside(rect, self.gray.shape):
            return False
        crop = self.gray[rect[1]:rect[3], rect[0]:rect[2]]
        ink = crop < float(np.percentile(crop, 90)) - INK_CONTRAST
        if keep is not None:
            k = _grow(keep, 1)
            ink[max(0, k[1] - rect[1]):max(0, k[3] - rect[1]), max(0, k[0] - rect[0]):max(0, k[2] - rect[0])] = False
        return int(ink.sum()) <= 2


def _text_lines(words: list[Word], indices: list[int]) -> list[list[int]]:
    """Word indices grouped into text lines (top to bottom), each left to right; tolerant of a skewed scan."""
    by_centre = sorted(indices, key=lambda i: words[i].box[1] + words[i].box[3])
    lines: list[list[int]] = []
    for i in by_centre:
        box = words[i].box
        if lines:
            last = words[lines[-1][-1]].box
            if abs((box[1] + box[3]) - (last[1] + last[3])) / 2.0 < 0.6 * (last[3] - last[1]):
                lines[-1].append(i)
                continue
        lines.append([i])
    return [sorted(line, key=lambda k: words[k].box[0]) for line in lines]


@dataclass
class _FieldText:
    """A field as drawn: its words in reading order and where each printed character lives."""

    field: FieldValue
    indices: list[int]  # page.words indices of the first line, or [-1] for a field drawn as one string
    words: list[Word]
    printed: str  # the first line, the only one a forgery touches
    positions: list[tuple[int, int]]  # printed char -> (word rank, char index); (-1, -1) for joining spaces
    rest: str = ""  # "\n" and the field's further lines, kept as they are

    def full(self, printed: str) -> str:
        """The whole field value once its first line reads `printed`."""
        return printed + self.rest


def _field_text(page: RenderedPage, field: FieldValue) -> _FieldText:
    """The field's first line of words (or the field drawn as one word when its words are not listed)."""
    lines = _text_lines(page.words, [i for i, w in enumerate(page.words)
                                     if w.field == field.name and _overlaps(w.box, field.box, 2)])
    texts = [" ".join(page.words[i].text for i in line) for line in lines]
    if lines and " ".join(field.value.split()) == " ".join(texts):
        indices, rest = lines[0], "".join("\n" + t for t in texts[1:])
        words = [page.words[i] for i in indices]
    else:
        indices, rest = [-1], ""
        words = [Word(field.value, field.box, field.font_path, field.size_px, field.color, field.name)]
    positions: list[tuple[int, int]] = []
    for rank, w in enumerate(words):
        if rank:
            positions.append((-1, -1))
        positions.extend((rank, k) for k in range(len(w.text)))
    return _FieldText(field, indices, words, " ".join(w.text for w in words), positions, rest)


def _field_glyphs(sheet: _Sheet, ft: _FieldText) -> Optional[list[_Glyphs]]:
    """Measured glyphs of every word of the field's first line, or None when one of them shows no ink."""
    if any("\n" in w.text for w in ft.words):
        return None  # a multi-line value drawn as one block: no per-line geometry to work from
    out = []
    for index, word in zip(ft.indices, ft.words):
        g = sheet.glyphs(index) if index >= 0 else _measure(sheet.image, sheet.gray, word)
        if g is None:
            return None
        out.append(g)
    return out


# --------------------------------------------------------------------------------------------------- values

_AMOUNT_RE = re.compile(r"\d[\d \u00a0\u202f.,']*\d|\d")


def parse_amount(text: str) -> Optional[float]:
    """Numeric value of a printed amount ("1 234,56 €", "45.00", "12 €"), or None."""
    match = _AMOUNT_RE.search(text)
    if not match:
        return None
    digits = match.group(0)
    decimal = re.search(r"[.,](\d{1,2})$", digits)
    whole = digits[:decimal.start()] if decimal else digits
    whole = re.sub(r"[ \u00a0\u202f.,']", "", whole)
    if not whole.isdigit():
        return None
    return float(whole) + (float("0." + decimal.group(1)) if decimal else 0.0)


def format_amount_like(value: float, original: str) -> str:
    """`value` printed in the style of `original`: decimal and grouping separators, currency, surrounding text."""
    match = _AMOUNT_RE.search(original)
    if not match:
        return f"{value:.2f}"
    digits = match.group(0)
    decimal = re.search(r"([.,])(\d{1,2})$", digits)
    whole = digits[:decimal.start()] if decimal else digits
    group = re.search(r"[ \u00a0\u202f.,']", whole)
    sep = group.group(0) if group else (" " if value >= 1000 and decimal and decimal.group(1) == "," else "")
    n_dec = len(decimal.group(2)) if decimal else 0
    cents = int(round(value * 10 ** n_dec))
    integer, fraction = divmod(cents, 10 ** n_dec) if n_dec else (cents, 0)
    text = f"{integer:,}".replace(",", sep) if sep else str(integer)
    if n_dec:
        text += decimal.group(1) + str(fraction).zfill(n_dec)
    return original[:match.start()] + text + original[match.end():]


_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_TEXT = re.compile(r"(?<!\d)(1er|\d{1,2}) (" + "|".join(MONTHS_FR) + r") (\d{4})", re.IGNORECASE)


def parse_date(text: str) -> Optional[tuple[datetime.date, re.Match, str]]:
    """(date, match, style) of the first French-style date in text: dd/mm/yyyy, yyyy-mm-dd or "12 mars 2025"."""
    for style, pattern in (("iso", _DATE_ISO), ("numeric", _DATE_NUMERIC), ("text", _DATE_TEXT)):
        m = pattern.search(text)
        if not m:
            continue
        try:
            if style == "iso":
                day, month, year = int(m.group(3)), int(m.group(2)), int(m.group(1))
            elif style == "numeric":
                day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
                year += 2000 if year < 100 else 0
            else:
                day = 1 if m.group(1).lower() == "1er" else int(m.group(1))
                month, year = MONTHS_FR.index(m.group(2).lower()) + 1, int(m.group(3))
            return datetime.date(year, month, day), m, style
        except ValueError:
            return None
    return None


def format_date_like(date: datetime.date, original: str) -> str:
    """`date` printed in the style of the first date in `original` (separators, padding, month names)."""
    parsed = parse_date(original)
    if parsed is None:
        return date.strftime("%d/%m/%Y")
    _, m, style = parsed
    if style == "iso":
        text = date.isoformat()
    elif style == "numeric":
        day = f"{date.day:02d}" if len(m.group(1)) == 2 else str(date.day)
        month = f"{date.month:02d}" if len(m.group(3)) == 2 else str(date.month)
        year = str(date.year) if len(m.group(4)) == 4 else f"{date.year % 100:02d}"
        text = m.group(2).join((day, month, year))
    else:
        name = MONTHS_FR[date.month - 1]
        name = name.capitalize() if m.group(2)[0].isupper() else name
        text = f"{'1er' if date.day == 1 and m.group(1).lower() == '1er' else date.day} {name} {date.year}"
    return original[:m.start()] + text + original[m.end():]


def _date_digit_positions(text: str) -> list[int]:
    """Positions of the day and month digits (never the year) of the date in text."""
    parsed = parse_date(text)
    if parsed is None:
        return []
    _, m, style = parsed
    groups = (2, 3) if style == "iso" else ((1, 3) if style == "numeric" else (1,))
    return [k for g in groups for k in range(m.start(g), m.end(g)) if text[k].isdigit()]


def _plausible_date_change(original: str, new: str) -> bool:
    a, b = parse_date(original), parse_date(new)
    return a is not None and b is not None and DATE_SHIFT_DAYS[0] <= abs((b[0] - a[0]).days) <= DATE_SHIFT_DAYS[1]


def _plausible_amount_change(original: str, new: str) -> bool:
    a, b = parse_amount(original), parse_amount(new)
    return bool(a and b) and AMOUNT_RATIO[0] <= b / a <= AMOUNT_RATIO[1]


def _iban_digits(text: str) -> list[int]:
    """Printed positions of the BBAN digits of an IBAN (country code and check digits excluded)."""
    alnum = [k for k, c in enumerate(text) if c.isalnum()]
    return [k for k in alnum[4:] if text[k].isdigit()]


def iban_is_valid(text: str) -> bool:
    """ISO 13616 mod-97 check of a printed IBAN (spaces ignored)."""
    try:
        stdnum_iban.validate(text, check_country=False)
    except ValidationError:
        return False
    return True


def _iban_weights(text: str) -> dict[int, int]:
    """For each printed BBAN digit, by how much (mod 97) the IBAN remainder moves when that digit grows by one."""
    compact = [(k, c) for k, c in enumerate(text) if c.isalnum()]
    rearranged = compact[4:] + compact[:4]
    weights, power = {}, 0
    for k, c in reversed(rearranged):
        if c.isdigit():
            weights[k] = pow(10, power, 97)
            power += 1
        else:
            power += 2
    return {k: weights[k] for k in _iban_digits(text)}


def luhn_is_valid(text: str) -> bool:
    """Luhn check of the digits of a printed identifier (RPPS, ADELI, FINESS, SIRET)."""
    digits = "".join(c for c in text if c.isdigit())
    return bool(digits) and luhn.is_valid(digits)


def _luhn_sum(digits: list[int]) -> int:
    total = 0
    for rank, d in enumerate(reversed(digits)):
        total += (d * 2 - 9 if d > 4 else d * 2) if rank % 2 else d
    return total


def _luhn_term(d: int, rank_from_right: int) -> int:
    return (d * 2 - 9 if d > 4 else d * 2) if rank_from_right % 2 else d


def _checked_pair_changes(text: str, kind: str) -> list[tuple[tuple[int, str], ...]]:
    """Two-digit substitutions that keep the IBAN mod-97 (or the RPPS Luhn) check valid."""
    if kind == "iban":
        weights = _iban_weights(text)
        positions = sorted(weights)
    else:
        digits = [k for k, c in enumerate(text) if c.isdigit()]
        rank = {k: len(digits) - 1 - n for n, k in enumerate(digits)}
        positions = digits[2:]
    out = []
    for a_i, p in enumerate(positions):
        for q in positions[a_i + 1:]:
            old_p, old_q = int(text[p]), int(text[q])
            for new_p in range(10):
                if new_p == old_p:
                    continue
                for new_q in range(10):
                    if new_q == old_q:
                        continue
                    if kind == "iban":
                        ok = ((new_p - old_p) * weights[p] + (new_q - old_q) * weights[q]) % 97 == 0
                    else:
                        ok = (_luhn_term(new_p, rank[p]) - _luhn_term(old_p, rank[p]) + _luhn_term(new_q, rank[q])
                              - _luhn_term(old_q, rank[q])) % 10 == 0
                    if ok:
                        out.append(((p, str(new_p)), (q, str(new_q))))
    return out


def _substitute(text: str, changes: tuple[tuple[int, str], ...]) -> str:
    chars = list(text)
    for k, c in changes:
        chars[k] = c
    return "".join(chars)


def _name_tokens(value: str) -> list[tuple[int, str]]:
    """(index, role) of each word of a person's name: "civility", "surname" or "first"."""
    words = value.split()
    roles = ["civility" if w.lower() in CIVILITIES else "" for w in words]
    names = [k for k, r in enumerate(roles) if not r]
    upper = [k for k in names if words[k].isupper() and len(words[k]) > 1]
    surnames = set(upper) if upper else ({names[-1]} if len(names) > 1 else set(names))
    return [(k, roles[k] or ("surname" if k in surnames else "first")) for k in range(len(words))]


def _cased_like(name: str, model: str) -> str:
    return name.upper() if model.isupper() and len(model) > 1 else name


def _new_value(kind: str, value: str, rng: np.random.Generator) -> Optional[str]:
    """A plausible fraudulent replacement for a field value, printed in the original's style."""
    if kind == "amount":
        old = parse_amount(value)
        if not old:
            return None
        for _ in range(20):
            ratio = float(np.exp(rng.uniform(np.log(AMOUNT_RATIO[0]), np.log(AMOUNT_RATIO[1]))))
            new = old * ratio
            new = float(np.round(new * 2) / 2) if rng.random() < 0.4 and new >= 10 else round(new, 2)
            text = format_amount_like(new, value)
            if _plausible_amount_change(value, text):
                return text
        return None
    if kind == "date":
        parsed = parse_date(value)
        if parsed is None:
            return None
        date = parsed[0]
        for _ in range(20):
            sign = 1 if rng.random() < 0.6 else -1
            if rng.random() < 0.6:
                new = date + datetime.timedelta(days=sign * int(rng.integers(1, 46)))
            else:
                month = date.month - 1 + sign * int(rng.integers(1, 7))
                year, month = date.year + month // 12, month % 12 + 1
                day = min(date.day, (datetime.date(year + month // 12, month % 12 + 1, 1)
                                     - datetime.timedelta(days=1)).day)
                new = datetime.date(year, month, day)
            text = format_date_like(new, value)
            if _plausible_date_change(value, text):
                return text
        return None
    if kind == "iban":
        positions = _iban_digits(value)
        if len(positions) < 6 or not value[positions[-1]].isdigit() or not value[positions[-2]].isdigit():
            return None
        weights = _iban_weights(value)
        body, key = positions[:-2], positions[-2:]
        changed = rng.choice(body[len(body) // 3:], size=min(len(body) - len(body) // 3, int(rng.integers(4, 9))),
                             replace=False)
        chars = list(value)
        delta = 0
        for k in changed:
            new = str(int(rng.integers(0, 10)))
            delta += (int(new) - int(chars[k])) * weights[int(k)]
            chars[int(k)] = new
        old_key = int(value[key[0]] + value[key[1]])
        key_weight = weights[key[1]]  # the two key digits are consecutive, so the pair weighs weights[key[1]]
        new_key = (old_key - delta * pow(key_weight, -1, 97)) % 97
        new_key = new_key or 97  # 97 = 0 (mod 97), and French RIB keys run 01..97
        chars[key[0]], chars[key[1]] = f"{new_key:02d}"
        text = "".join(chars)
        return text if text != value else None
    if kind == "practitioner_id":
        positions = [k for k, c in enumerate(value) if c.isdigit()]
        if len(positions) < 5:
            return None
        valid = luhn_is_valid(value)
        body = positions[3:-1] if valid else positions[3:]
        chars = list(value)
        for k in rng.choice(body, size=min(len(body), int(rng.integers(2, 6))), replace=False):
            chars[int(k)] = str(int(rng.integers(0, 10)))
        if valid:
            digits = [int(chars[k]) for k in positions[:-1]]
            chars[positions[-1]] = str((10 - _luhn_sum(digits + [0]) % 10) % 10)
        text = "".join(chars)
        return text if text != value else None
    if kind == "patient_name":
        words = value.split()
        if not words:
            return None
        change_first = rng.random() < 0.4
        out, previous, firsts = [], "", MALE_NAMES + FEMALE_NAMES
        for k, role in _name_tokens(value):
            if role == "surname" and previous == "surname":
                continue  # a compound surname ("DA SILVA") gives way to a single new one
            if role == "civility" and words[k].lower() in GENDERED_CIVILITIES:
                firsts = MALE_NAMES if GENDERED_CIVILITIES[words[k].lower()] == "m" else FEMALE_NAMES
            pool = SURNAMES if role == "surname" else (firsts if role == "first" and change_first else ())
            choices = [n for n in pool if n.lower() != words[k].lower()]
            out.append(_cased_like(choices[int(rng.integers(len(choices)))], words[k]) if choices else words[k])
            previous = role
        text = " ".join(out)
        return text if text != value else None
    return None


def _plausible(kind: str, original: str, new: str) -> bool:
    """Whether a new printed value is an acceptable fraudulent change of the original."""
    if new == original:
        return False
    if kind == "amount":
        return _plausible_amount_change(original, new)
    if kind == "date":
        return _plausible_date_change(original, new)
    return True


def _checksum_valid(kind: str, value: str) -> Optional[bool]:
    if kind == "iban":
        return iban_is_valid(value)
    if kind == "practitioner_id":
        return luhn_is_valid(value)
    return None


# --------------------------------------------------------------------------------------------------- placement

@dataclass
class _Move:
    """One patch: pixels of `source_rect` in the source sheet carried onto `patch_rect` of the forged page.

    `rect` is all the move tampers with: the patch, plus the old word's remainder (erased) when the new one is
    narrower.
    """

    target: _Unit
    source: _Unit
    rect: Box
    patch_rect: Box
    source_rect: Box  # bounding box of the pixels read in the source sheet
    inverse: np.ndarray  # 2x3, target box coordinates -> source box coordinates
    scale: float  # source -> target
    exact: bool  # a whole-pixel translation: the patch is a verbatim copy


def _anchor(unit: _Unit, align: str) -> tuple[float, float]:
    x = {"left": unit.box[0], "right": unit.box[2]}.get(align, (unit.box[0] + unit.box[2]) / 2.0)
    return float(x), float(unit.baseline)


def _affine(scale: float, angle_deg: float, src: tuple[float, float], dst: tuple[float, float]) -> np.ndarray:
    """Map source coordinates to target ones: scale and rotate about `src`, then move `src` onto `dst`."""
    a = np.deg2rad(angle_deg)
    lin = scale * np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    return np.hstack([lin, (np.array(dst) - lin @ np.array(src))[:, None]])


def _map_box(box: tuple[float, float, float, float], m: np.ndarray) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64) @ m.T
    return float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max())


def _place(target: _Unit, source: _Unit, align: str, r: float, angle: float = 0.0,
           grid: bool = False) -> Optional[_Move]:
    """The patch laying the source unit, scaled by r, on the target one (baselines and `align` anchors matched)."""
    a_t, a_s = _anchor(target, align), _anchor(source, align)
    exact = r == 1.0 and angle == 0.0
    if grid and not exact:
        return None  # only a verbatim copy keeps the source's block phase
    if exact:
        shift = np.round(np.subtract(a_t, a_s))
        if grid:
            snapped = np.round(shift / GRID) * GRID
            if np.abs(snapped - shift).max() > 1:
                return None
            shift = snapped
        a_t = (a_s[0] + shift[0], a_s[1] + shift[1])
    forward = _affine(r, angle, a_s, a_t)
    mapped = _map_box(source.box, forward)
    margin = max(2, int(round(0.12 * target.size_px)))
    y0 = int(np.floor(min(target.box[1], mapped[1]))) - margin
    y1 = int(np.ceil(max(target.box[3], mapped[3]))) + margin
    if target.cell:
        if mapped[0] < target.box[0] - 0.5 or mapped[2] > target.box[2] + 0.5:
            return None
        rect = patch_rect = (target.box[0], y0, target.box[2], y1)
    else:
        px0, px1 = int(np.floor(mapped[0])) - margin, int(np.ceil(mapped[2])) + margin
        patch_rect = (px0, y0, px1, y1)
        rect = (min(px0, target.box[0] - margin), y0, max(px1, target.box[2] + margin), y1)
    inverse = cv2.invertAffineTransform(forward)
    sx0, sy0, sx1, sy1 = _map_box(patch_rect, inverse)
    pad = 0 if exact else 1  # interpolation reads one pixel around the mapped rectangle
    source_rect = (int(np.floor(sx0 + 1e-6)) - pad, int(np.floor(sy0 + 1e-6)) - pad,
                   int(np.ceil(sx1 - 1e-6)) + pad, int(np.ceil(sy1 - 1e-6)) + pad)
    return _Move(target, source, rect, patch_rect, source_rect, inverse, r, exact)


def _glyph_scale(target: _Unit, source: _Unit) -> Optional[float]:
    """Scale of a copied character: by font size for the same design, else fitted to the cell's width and height.

    None when another design's digit is too differently proportioned to pass once fitted to the cell.
    """
    if _similar_fonts(target.font_path, source.font_path):
        return target.size_px / source.size_px
    height = (target.box[3] - target.box[1]) / max(1, source.box[3] - source.box[1])
    width = (target.box[2] - target.box[0]) / max(1, source.box[2] - source.box[0])
    return min(height, width) if max(height, width) <= 1.12 * min(height, width) else None


def _patch(source: np.ndarray, move: _Move) -> np.ndarray:
    """The pixels the move carries, resampled onto its patch rectangle unless the move is a verbatim copy."""
    x0, y0, x1, y1 = move.patch_rect
    if move.exact:
        dx, dy = (int(round(v)) for v in move.inverse[:, 2])
        return source[y0 + dy:y1 + dy, x0 + dx:x1 + dx].copy()
    m = move.inverse.copy()
    m[:, 2] += m[:, :2] @ np.array([x0 + 0.5, y0 + 0.5]) - 0.5
    return cv2.warpAffine(source, m, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REFLECT)


def _paper_level(pixels: np.ndarray) -> np.ndarray:
    """Per-channel paper colour of a mostly blank region: the median of its brighter half."""
    flat = pixels.reshape(-1, 3).astype(np.float32)
    light = flat[flat.sum(axis=1) >= np.median(flat.sum(axis=1))]
    return np.median(light, axis=0)


def _match_levels(patch: np.ndarray, replaced: np.ndarray, source: _Unit, target: _Unit) -> np.ndarray:
    """Per-channel levels mapping the donor patch's paper and ink onto those of the region it replaces."""
    s_ink, s_paper = np.array(source.ink_color), _paper_level(patch)
    t_ink, t_paper = np.array(target.ink_color), _paper_level(replaced)
    gain = (t_paper - t_ink) / np.maximum(s_paper - s_ink, 30.0)
    out = t_ink + (patch.astype(np.float32) - s_ink) * gain
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _feather(shape: tuple[int, int], width: int) -> np.ndarray:
    """Alpha that is 1 inside and ramps to 0 over `width` pixels at the border of a rectangle."""
    h, w = shape
    ramp_y = np.minimum(np.arange(h), np.arange(h)[::-1]) + 1
    ramp_x = np.minimum(np.arange(w), np.arange(w)[::-1]) + 1
    return np.clip(np.minimum.outer(ramp_y, ramp_x) / float(width + 1), 0.0, 1.0).astype(np.float32)


def _paste(image: np.ndarray, rect: Box, patch: np.ndarray, feather: int = 0) -> None:
    x0, y0, x1, y1 = rect
    if feather <= 0:
        image[y0:y1, x0:x1] = patch
        return
    alpha = _feather((y1 - y0, x1 - x0), feather)[..., None]
    base = image[y0:y1, x0:x1].astype(np.float32)
    image[y0:y1, x0:x1] = np.clip(np.rint(alpha * patch + (1 - alpha) * base), 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------------------------------- substitution plans

@dataclass
class _Edit:
    """A change of a field's printed characters: some replaced, or a digit inserted before the first one."""

    new_value: str
    chars: tuple[tuple[int, str], ...] = ()  # (printed position, new character)
    insert: str = ""  # digit inserted before the first character of the field's first word


def _single_digit_edits(value: str, positions: list[int]) -> list[_Edit]:
    return [_Edit(_substitute(value, ((k, str(d)),)), ((k, str(d)),)) for k in positions for d in range(10)
            if str(d) != value[k]]


def _char_edits(kind: str, value: str) -> list[list[_Edit]]:
    """Digit substitutions that make the value a plausible forgery, in tiers tried in turn.

    Identifiers first get checksum-preserving pairs, then (a sloppier forger) single digits that break the check.
    """
    if kind in ("iban", "practitioner_id"):
        digits = _iban_digits(value) if kind == "iban" else [k for k, c in enumerate(value) if c.isdigit()][2:]
        checked = iban_is_valid(value) if kind == "iban" else luhn_is_valid(value)
        pairs = [_Edit(_substitute(value, p), p) for p in _checked_pair_changes(value, kind)] if checked else []
        return [pairs, _single_digit_edits(value, digits)]
    return [_plain_char_edits(kind, value)]


def _plain_char_edits(kind: str, value: str) -> list[_Edit]:
    """Single-digit substitutions (and, for amounts, a leading digit) that keep an amount or date plausible."""
    if kind == "amount":
        positions = [k for k, c in enumerate(value) if c.isdigit()]
        edits = [_Edit(_substitute(value, ((k, str(d)),)), ((k, str(d)),))
                 for k in positions for d in range(10) if str(d) != value[k]]
        edits = [e for e in edits if _plausible_amount_change(value, e.new_value)]
        first = positions[0] if positions else None
        if first is not None and value[first] != "0":
            edits += [_Edit(value[:first] + str(d) + value[first:], insert=str(d)) for d in range(1, 10)
                      if _plausible_amount_change(value, value[:first] + str(d) + value[first:])]
        return edits
    if kind == "date":
        edits = _single_digit_edits(value, _date_digit_positions(value))
        return [e for e in edits if _plausible_date_change(value, e.new_value)]
    return []


def _word_rank_range(ft: _FieldText, kind: str) -> list[tuple[int, int]]:
    """Word ranges of the field that a whole-word substitution may replace."""
    n = len(ft.words)
    if kind == "patient_name":
        return [(k, k + 1) for k, role in _name_tokens(ft.printed) if role != "civility" and k < n]
    if kind == "amount":
        numeric = [k for k, w in enumerate(ft.words) if any(c.isdigit() for c in w.text)]
        return [(numeric[0], numeric[-1] + 1)] if numeric else []
    return [(0, n)]


def _value_with_span(ft: _FieldText, ranks: tuple[int, int], text: str) -> str:
    words = [w.text for w in ft.words]
    return " ".join(words[:ranks[0]] + [text] + words[ranks[1]:])


def _name_like(word: str, model: str) -> bool:
    """A word that can stand for a person's name in place of `model` (same capitalisation style)."""
    core = word.strip(",.;:")
    if core != word or len(core) < 3 or core.lower() in NOT_NAMES or core.lower() == model.lower():
        return False
    if not re.fullmatch(r"[A-ZÀ-Ý][A-Za-zÀ-ÿ'\-]+", core):
        return False
    return core.isupper() == (model.isupper() and len(model) > 1)


@functools.lru_cache(maxsize=None)
def _family_of(font_path: str) -> tuple[Optional[str], str]:
    """(family, style) of a font file from the catalogue, or (None, "regular")."""
    name = os.path.basename(font_path)
    for family, styles in fonts.FONT_FILES.items():
        for style, file_name in styles.items():
            if file_name == name:
                return family, style
    return None, "regular"


def _similar_fonts(a: str, b: str) -> bool:
    """Same font file, or a catalogue look-alike pair: digits that pass for each other."""
    if a == b:
        return True
    (fa, sa), (fb, sb) = _family_of(a), _family_of(b)
    return fa is not None and sa == sb and (fonts.LOOKALIKE.get(fa) == fb or fonts.LOOKALIKE.get(fb) == fa)


class _Planner:
    """Finds a substitution of a field's characters or words by pixels found in a source sheet."""

    def __init__(self, page: _Sheet, source: _Sheet, same_sheet: bool, rng: np.random.Generator):
        self.page, self.source, self.same_sheet, self.rng = page, source, same_sheet, rng
        self._chars: Optional[dict[str, list[tuple[int, int]]]] = None

    def _size_ok(self, word: Word, target: Word) -> bool:
        ratio = word.size_px / target.size_px
        return abs(ratio - 1.0) <= 0.1 if self.same_sheet else 0.5 <= ratio <= 2.0

    def _tiers(self, char: str, target: Word) -> tuple[list[tuple[int, int]], ...]:
        """(word index, char index) of the source's `char`s: same font, look-alike, same style, any other font."""
        if self._chars is None:
            self._chars = {}
            for i, w in enumerate(self.source.page.words):
                for k, c in enumerate(w.text):
                    if c.isdigit():
                        self._chars.setdefault(c, []).append((i, k))
        words = self.source.page.words
        found = [(i, k) for i, k in self._chars.get(char, []) if self._size_ok(words[i], target)]
        same = [s for s in found if words[s[0]].font_path == target.font_path]
        alike = [s for s in found if s not in same and _similar_fonts(words[s[0]].font_path, target.font_path)]
        if self.same_sheet:
            return same, alike  # a copy-move reuses the page's own font
        # A splicer falls back on another font's digit fitted to the cell, of the same weight if there is one.
        style = _family_of(target.font_path)[1]
        rest = [s for s in found if s not in same and s not in alike]
        styled = [s for s in rest if _family_of(words[s[0]].font_path)[1] == style]
        return same, alike, styled, [s for s in rest if s not in styled]

    def _source_chars(self, char: str, target: Word, per_tier: int = 12) -> list[tuple[int, int]]:
        """Candidate source characters to try, best tier first, each tier shuffled and capped."""
        return [group[j] for group in self._tiers(char, target) for j in self.rng.permutation(len(group))[:per_tier]]

    def has_sources(self, edit: _Edit, target: Word) -> bool:
        """Whether every character the edit needs exists somewhere in the source, before any geometry check."""
        needed = [c for _, c in edit.chars] + ([edit.insert] if edit.insert else [])
        return all(any(self._tiers(c, target)) for c in needed)

    def _valid(self, move: _Move, others: list[_Move]) -> bool:
        if not self.page.clean(move.rect, move.target.box if move.target.text else None):
            return False
        if not self.source.clean(move.source_rect, move.source.box):
            return False
        moves = others + [move]
        if self.same_sheet and any(_overlaps(m.source_rect, n.rect, 1) for m in moves for n in moves):
            return False
        return not any(_overlaps(move.rect, m.rect) for m in others)

    def char_moves(self, ft: _FieldText, gs: list[_Glyphs], edit: _Edit, transform: dict,
                   grid: bool) -> Optional[list[_Move]]:
        """Moves for each substituted (or inserted) digit, or None when some digit has no usable source.

        The replaced characters must be isolated (see `_isolated`); the caller filters edits on that.
        """
        targets: list[tuple[_Unit, str]] = []
        for pos, char in edit.chars:
            rank, k = ft.positions[pos]
            targets.append((_char_unit(gs[rank], k, k + 1), char))
        if edit.insert:
            first = gs[0]
            width = first.cuts[1] - first.cuts[0]
            targets.append((_insertion_unit(first, width), edit.insert))
        moves: list[_Move] = []
        for unit, char in targets:
            found = None
            for i, k in self._source_chars(char, ft.words[0], per_tier=64 if grid else 12):
                g = self.source.glyphs(i)
                if g is None or not _isolated(g, k):
                    continue
                source = _char_unit(g, k, k + 1)
                scale = _glyph_scale(unit, source)
                if scale is None:
                    continue
                move = _place(unit, source, "center", scale * transform.get("scale", 1.0),
                              transform.get("rotation_deg", 0.0), grid)
                if move is not None and self._valid(move, moves):
                    found = move
                    break
            if found is None:
                return None
            moves.append(found)
        return moves

    def span_move(self, gs: list[_Glyphs], ranks: tuple[int, int], candidates: list[tuple[str, tuple[int, ...]]],
                  align: str, transform: dict, grid: bool) -> Optional[tuple[_Move, str]]:
        """A move laying one of the candidate source spans over the field's words `ranks`, with the span's text."""
        target = _span_unit(gs[ranks[0]:ranks[1]])
        for text, indices in candidates:
            glyphs = [self.source.glyphs(i) for i in indices]
            if any(g is None for g in glyphs):
                continue
            source = _span_unit(glyphs)
            move = _place(target, source, align, target.size_px / source.size_px * transform.get("scale", 1.0),
                          transform.get("rotation_deg", 0.0), grid)
            if move is not None and self._valid(move, []):
                return move, text
        return None


def _words_by_field(page: RenderedPage) -> dict[str, list[int]]:
    """Indices of the words on each field's first line, left to right."""
    spans: dict[str, list[int]] = {}
    for i, w in enumerate(page.words):
        if w.field:
            spans.setdefault(w.field, []).append(i)
    return {name: _text_lines(page.words, indices)[0] for name, indices in spans.items()}


def _span_candidates(source: RenderedPage, kind: str, ft: _FieldText, ranks: tuple[int, int], same_sheet: bool,
                     rng: np.random.Generator) -> list[tuple[str, tuple[int, ...]]]:
    """Source spans whose text makes a plausible new value when laid over the field's words `ranks`."""
    target_words = ft.words[ranks[0]:ranks[1]]
    out: list[tuple[str, tuple[int, ...]]] = []
    if kind == "patient_name":
        model = target_words[0]
        people = {f.name for f in source.fields
                  if f.kind == "patient_name" or ("name" in f.name and any(h in f.name for h in PERSON_FIELDS))}
        for i, w in enumerate(source.words):
            if w.field not in people or (same_sheet and w.field == ft.field.name) or not _name_like(w.text, model.text):
                continue
            if same_sheet and (w.font_path != model.font_path or abs(w.size_px / model.size_px - 1) > 0.1):
                continue
            out.append((w.text, (i,)))
        return _by_likeness([out[j] for j in rng.permutation(len(out))], source, model.font_path)
    names = {f.name for f in source.fields if f.kind == kind and not (same_sheet and f.name == ft.field.name)}
    for name, indices in sorted(_words_by_field(source).items()):
        if name not in names:
            continue
        if kind == "amount":
            indices = [i for i in indices if any(c.isdigit() for c in source.words[i].text)]
        words = [source.words[i] for i in indices]
        if not words or (same_sheet and (words[0].font_path != target_words[0].font_path
                                         or abs(words[0].size_px / target_words[0].size_px - 1) > 0.1)):
            continue
        text = " ".join(w.text for w in words)
        if _plausible(kind, ft.printed, _value_with_span(ft, ranks, text)):
            out.append((text, tuple(indices)))
    return _by_likeness([out[j] for j in rng.permutation(len(out))], source, target_words[0].font_path)


def _by_likeness(spans: list[tuple[str, tuple[int, ...]]], source: RenderedPage, font_path: str
                 ) -> list[tuple[str, tuple[int, ...]]]:
    """Spans reordered (stably) by how well their font passes for `font_path`: same file, look-alike, same style."""
    style = _family_of(font_path)[1]

    def rank(span: tuple[str, tuple[int, ...]]) -> int:
        other = source.words[span[1][0]].font_path
        return 0 if other == font_path else 1 if _similar_fonts(other, font_path) else (
            2 if _family_of(other)[1] == style else 3)

    return sorted(spans, key=rank)


def _char_substitution(planner: _Planner, ft: _FieldText, gs: list[_Glyphs], kind: str, transform: dict,
                       grid: bool, rng: np.random.Generator) -> Optional[tuple[_FieldText, str, list[_Move], str]]:
    """The first feasible digit edit of the field, best tier first, edits of a tier in random order."""
    isolated = {pos: _isolated(gs[rank], k) for pos, (rank, k) in enumerate(ft.positions) if rank >= 0}
    for tier in _char_edits(kind, ft.printed):
        edits = [e for e in tier if all(isolated.get(pos, False) for pos, _ in e.chars)
                 and planner.has_sources(e, ft.words[0])]
        for ei in rng.permutation(len(edits))[:200]:
            edit = edits[int(ei)]
            moves = planner.char_moves(ft, gs, edit, transform, grid)
            if moves:
                unit = "glyph_pair" if len(edit.chars) == 2 else ("insertion" if edit.insert else "glyph")
                return ft, edit.new_value, moves, unit
    return None


def _substitution(page: _Sheet, source: _Sheet, kind: str, rng: np.random.Generator, same_sheet: bool,
                  grid: bool = False, transform: Optional[dict] = None, prefer_span: float = 0.3
                  ) -> Optional[tuple[_FieldText, str, list[_Move], str]]:
    """Search fields of `kind` for a feasible substitution; returns (field, new value, moves, unit kind)."""
    transform = transform or {}
    fields = page.page.fields_of_kind(kind)
    planner = _Planner(page, source, same_sheet, rng)
    for fi in rng.permutation(len(fields)):
        ft = _field_text(page.page, fields[int(fi)])
        gs = _field_glyphs(page, ft)
        if gs is None:
            continue
        span_first = kind == "patient_name" or rng.random() < prefer_span
        strategies = ("span", "chars") if span_first else ("chars", "span")
        for strategy in strategies:
            if strategy == "chars":
                found = _char_substitution(planner, ft, gs, kind, transform, grid, rng)
                if found is not None:
                    return found
            else:
                align = "right" if kind == "amount" else "left"
                for ranks in _word_rank_range(ft, kind):
                    cands = _span_candidates(source.page, kind, ft, ranks, same_sheet, rng)
                    found = planner.span_move(gs, ranks, cands[:40], align, transform, grid)
                    if found is not None:
                        return ft, _value_with_span(ft, ranks, found[1]), [found[0]], "word"
    return None


# --------------------------------------------------------------------------------------------------- operations

def _mask(shape: tuple[int, ...], rects: list[Box]) -> np.ndarray:
    mask = np.zeros(shape[:2], dtype=bool)
    for r in rects:
        x0, y0, x1, y1 = _clip(r, shape)
        mask[y0:y1, x0:x1] = True
    return mask


def _box_list(box: Box) -> list[int]:
    return [int(v) for v in box]


def _base_record(operation: str, ft: _FieldText, kind: str, new_printed: Optional[str]) -> dict:
    new_value = None if new_printed is None else ft.full(new_printed)
    return {"operation": operation, "field": ft.field.name, "field_kind": kind, "original_value": ft.field.value,
            "new_value": new_value, "checksum_valid": None if new_value is None else _checksum_valid(kind, new_value)}


def _copy_move(sheet: _Sheet, kind: str, rng: np.random.Generator, probe: bool = False) -> Optional[Forgery]:
    """Copy digits or a name from elsewhere on the page over the field (sometimes block-aligned or resampled)."""
    grid = bool(rng.random() < 0.3) and not probe
    transform: dict = {}
    if not grid and not probe and rng.random() < 0.3:
        transform = ({"scale": round(float(rng.uniform(0.95, 1.05)), 3)} if rng.random() < 0.5
                     else {"rotation_deg": round(float(rng.uniform(-2.0, 2.0)), 3)})
    found = _substitution(sheet, sheet, kind, rng, True, grid=grid, transform=transform)
    if found is None and (grid or transform):
        grid, transform = False, {}
        found = _substitution(sheet, sheet, kind, rng, True)
    if found is None:
        return None
    ft, new_value, moves, unit = found
    image = sheet.image.copy()
    for move in moves:
        _clear_remainder(image, sheet, move, rng)
        _paste(image, move.patch_rect, _patch(sheet.image, move))
    record = _base_record("copy_move", ft, kind, new_value)
    record.update(_moves_record(moves, image.shape))
    offsets = [[int(round(-m.inverse[0, 2])), int(round(-m.inverse[1, 2]))] if m.exact else None for m in moves]
    record.update({"unit": unit, "grid_aligned": grid, "offsets": offsets, "transform": transform or None})
    return Forgery(image, _mask(image.shape, [m.rect for m in moves]),
                   _mask(image.shape, [m.source_rect for m in moves]), record)


def _clear_remainder(image: np.ndarray, sheet: _Sheet, move: _Move, rng: np.random.Generator) -> None:
    """Inpaint, in place, the old word's strokes that the (narrower) patch will not cover, with the paper's grain."""
    if move.rect == move.patch_rect:
        return
    x0, y0, x1, y1 = move.rect
    ink = _ink_in(sheet, move.rect)
    erased = _erase(sheet.image, move.rect, ink, "inpaint", np.zeros(3)).astype(np.float32)
    touched = cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2).astype(bool)
    erased += (_local_noise(sheet.image, move.rect, rng) * touched)[..., None]
    image[y0:y1, x0:x1] = np.clip(np.rint(erased), 0, 255).astype(np.uint8)


def _moves_record(moves: list[_Move], shape: tuple[int, ...], donor: bool = False) -> dict:
    """Boxes of a substitution: all on the page, except source boxes that lie on the donor when splicing."""
    units = [{"target_box": _box_list(m.patch_rect), "source_box": _box_list(m.source_rect),
              "erased_box": None if m.rect == m.patch_rect else _box_list(m.rect), "scale": round(m.scale, 4),
              "from": m.target.text, "to": m.source.text, "source_font": os.path.basename(m.source.font_path),
              "source_size_px": m.source.size_px} for m in moves]
    sources = _box_list(_union([m.source_rect for m in moves]))
    return {"target_box": _box_list(_clip(_union([m.rect for m in moves]), shape)),
            "source_box": None if donor else sources, "donor_source_boxes": [sources] if donor else None,
            "units": units}


def _splicing(sheet: _Sheet, kind: str, rng: np.random.Generator, donor: _Sheet) -> Optional[Forgery]:
    found = _substitution(sheet, donor, kind, rng, False, prefer_span=0.5)
    if found is None:
        return None
    ft, new_value, moves, unit = found
    image = sheet.image.copy()
    feather = int(rng.integers(1, 3))
    for move in moves:
        x0, y0, x1, y1 = move.patch_rect
        _clear_remainder(image, sheet, move, rng)
        patch = _match_levels(_patch(donor.image, move), image[y0:y1, x0:x1], move.source, move.target)
        _paste(image, move.patch_rect, patch, feather)
    record = _base_record("splicing", ft, kind, new_value)
    record.update(_moves_record(moves, image.shape, donor=True))
    record.update({"unit": unit, "feather_px": feather,
                   "font_matched": all(m.source.font_path == m.target.font_path for m in moves),
                   "donor_template": donor.page.template, "donor_doc_type": donor.page.doc_type})
    return Forgery(image, _mask(image.shape, [m.rect for m in moves]), None, record)


# --------------------------------------------------------------------------------------------------- retype, white-out

def _text_alpha(text: str, font_path: str, size_px: int, rect: Box, origin: tuple[float, float],
                angle: float = 0.0) -> np.ndarray:
    """Anti-aliased coverage (0-1, float32) of text drawn at a baseline origin, cropped to `rect`."""
    x0, y0, x1, y1 = rect
    canvas = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(canvas).text((origin[0] - x0, origin[1] - y0), text, fill=255,
                                font=fonts.load(font_path, size_px), anchor="ls")
    if angle:
        canvas = canvas.rotate(angle, resample=Image.BICUBIC,
                               center=(origin[0] - x0, origin[1] - y0))
    return np.asarray(canvas, dtype=np.float32) / 255.0


def _text_box(text: str, font_path: str, size_px: int, origin: tuple[float, float]) -> Box:
    bb = _ink_bbox(font_path, size_px, text)
    return (int(np.floor(origin[0] + bb[0])), int(np.floor(origin[1] + bb[1])),
            int(np.ceil(origin[0] + bb[2])), int(np.ceil(origin[1] + bb[3])))


def _origin(unit: _Unit, text: str, font_path: str, size_px: int, align: str) -> tuple[float, float]:
    """Baseline origin that puts the new text's ink where the old one's was (left or right aligned)."""
    bb = _ink_bbox(font_path, size_px, text)
    x = unit.box[2] - bb[2] if align == "right" else unit.box[0] - bb[0]
    return float(x), float(unit.baseline)


def _local_noise(image: np.ndarray, rect: Box, rng: np.random.Generator) -> np.ndarray:
    """Correlated noise with the grain of the paper around `rect` (float32, rect-sized, one channel)."""
    ring = image[max(0, rect[1] - 6):rect[3] + 6, max(0, rect[0] - 6):rect[2] + 6]
    gray = cv2.cvtColor(np.ascontiguousarray(ring), cv2.COLOR_RGB2GRAY).astype(np.float32)
    paper = gray[gray > np.percentile(gray, 40)]
    sigma = float(np.std(paper)) if paper.size > 8 else 1.0
    h, w = rect[3] - rect[1], rect[2] - rect[0]
    noise = cv2.GaussianBlur(rng.standard_normal((h, w), dtype=np.float32), (0, 0), 0.7)
    return noise * np.float32(sigma / max(float(noise.std()), 1e-3))


def _erase(image: np.ndarray, rect: Box, keep_ink: np.ndarray, method: str, paper: np.ndarray) -> np.ndarray:
    """Erase strokes inside `rect`: OpenCV inpainting of the dilated ink, or a flat paper-coloured fill."""
    x0, y0, x1, y1 = rect
    if method == "fill":
        return np.broadcast_to(paper.astype(np.uint8), (y1 - y0, x1 - x0, 3)).copy()
    pad = 4
    px0, py0 = max(0, x0 - pad), max(0, y0 - pad)
    px1, py1 = min(image.shape[1], x1 + pad), min(image.shape[0], y1 + pad)
    mask = np.zeros((py1 - py0, px1 - px0), np.uint8)
    mask[y0 - py0:y1 - py0, x0 - px0:x1 - px0] = cv2.dilate(keep_ink.astype(np.uint8), np.ones((3, 3), np.uint8),
                                                            iterations=2)
    out = cv2.inpaint(np.ascontiguousarray(image[py0:py1, px0:px1]), mask, 3, cv2.INPAINT_TELEA)
    return out[y0 - py0:y1 - py0, x0 - px0:x1 - px0]


def _ink_in(sheet: _Sheet, rect: Box) -> np.ndarray:
    crop = sheet.gray[rect[1]:rect[3], rect[0]:rect[2]]
    return crop < float(np.percentile(crop, 90)) - INK_CONTRAST


def _edge_share(darkness: np.ndarray) -> float:
    """Share of half-inked pixels per solidly inked one: grows with blur, barely moves with sub-pixel shifts."""
    return float(((darkness > 0.15) & (darkness < 0.85)).sum()) / max(1.0, float((darkness >= 0.5).sum()))


def _estimate_blur(sheet: _Sheet, g: _Glyphs) -> float:
    """Gaussian sigma that makes a fresh rendering of the word look like its strokes in the image."""
    rect = _clip(_grow(g.box, 3), sheet.gray.shape)
    paper, ink = float(np.mean(g.paper_color)), float(np.mean(g.ink_color))
    crop = sheet.gray[rect[1]:rect[3], rect[0]:rect[2]].astype(np.float32)
    observed = _edge_share(np.clip((paper - crop) / max(paper - ink, 1.0), 0.0, 1.0))
    word = g.word
    bb = _ink_bbox(word.font_path, word.size_px, word.text)
    alpha = _text_alpha(word.text, word.font_path, word.size_px, rect, (g.box[0] - bb[0], g.baseline))
    return min(BLUR_STEPS, key=lambda sigma: abs(
        _edge_share(cv2.GaussianBlur(alpha, (0, 0), sigma) if sigma else alpha) - observed))


def _print_text(base: np.ndarray, alpha: np.ndarray, color: np.ndarray, blur: float) -> np.ndarray:
    """Lay ink of `color` with coverage `alpha` over `base`, softened like the scan's strokes."""
    if blur > 0:
        alpha = cv2.GaussianBlur(alpha, (0, 0), blur)
    a = alpha[..., None]
    return base.astype(np.float32) * (1 - a) + color.astype(np.float32) * a


@dataclass
class _Writing:
    """New text put on the page: pieces at baseline origins, in one font, size and ink, possibly askew."""

    pieces: list[tuple[str, tuple[float, float]]]  # (text, baseline origin)
    font_path: str
    size_px: int
    color: np.ndarray
    blur: float
    angle: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(text for text, _ in self.pieces)

    def box(self) -> Box:
        boxes = [_text_box(text, self.font_path, self.size_px, origin) for text, origin in self.pieces]
        return _grow(_union(boxes), 2 * int(abs(self.angle)))

    def alpha(self, rect: Box) -> np.ndarray:
        layers = [_text_alpha(text, self.font_path, self.size_px, rect, origin, self.angle)
                  for text, origin in self.pieces]
        return np.maximum.reduce(layers) if len(layers) > 1 else layers[0]

    def draw(self, base: np.ndarray, rect: Box) -> np.ndarray:
        return _print_text(base, self.alpha(rect), self.color, self.blur)

    def to_record(self) -> dict:
        return {"written_text": self.text, "font": os.path.basename(self.font_path),
                "font_family": _family_of(self.font_path)[0], "size_px": self.size_px,
                "ink_color": [round(float(v), 1) for v in self.color], "blur_sigma": self.blur,
                "rotation_deg": self.angle}


def _cap_height(font_path: str) -> float:
    """Height of capitals and digits at 100 px, to size a look-alike font so its text stands as tall."""
    bb = _ink_bbox(font_path, 100, "H0")
    return float(max(1, -bb[1]))


def _matched_size(size_px: int, original: str, replacement: str) -> int:
    return max(6, int(round(size_px * _cap_height(original) / _cap_height(replacement))))


def _typed(text: str, gs: list[_Glyphs], font_path: str, size_px: int, align: str, blur: float) -> _Writing:
    """Text typed where the words were; word by word with the original gaps when the word counts agree."""
    color = np.array(gs[0].ink_color, np.float32)
    tokens = text.split(" ")
    if len(tokens) != len(gs):
        return _Writing([(text, _origin(_span_unit(gs), text, font_path, size_px, align))], font_path, size_px,
                        color, blur)
    baseline = float(_line_baseline(gs))
    gaps = [b.box[0] - a.box[2] for a, b in zip(gs, gs[1:])]
    order = range(len(tokens)) if align == "left" else range(len(tokens) - 1, -1, -1)
    edge = float(gs[0].box[0] if align == "left" else gs[-1].box[2])
    pieces: list[tuple[str, tuple[float, float]]] = []
    for k in order:  # lay words out from the anchored edge, keeping the printed spacing between them
        left, _, right, _ = _ink_bbox(font_path, size_px, tokens[k])
        if align == "left":
            pieces.append((tokens[k], (edge - left, baseline)))
            edge += right - left + (gaps[k] if k < len(gaps) else 0)
        else:
            pieces.insert(0, (tokens[k], (edge - right, baseline)))
            edge -= right - left + (gaps[k - 1] if k > 0 else 0)
    return _Writing(pieces, font_path, size_px, color, blur)


def _handwritten(text: str, unit: _Unit, align: str, rng: np.random.Generator) -> _Writing:
    """Text written over the unit in ballpoint with a handwriting font, a little larger and askew."""
    family = fonts.HANDWRITING_FAMILIES[int(rng.integers(len(fonts.HANDWRITING_FAMILIES)))]
    font_path = fonts.resolve(family)
    size = int(round(unit.size_px * float(rng.uniform(1.05, 1.35))))
    color = np.array(BALLPOINT_COLORS[int(rng.integers(len(BALLPOINT_COLORS)))], np.float32)
    x, y = _origin(unit, text, font_path, size, align)
    return _Writing([(text, (x, y + size * 0.05))], font_path, size, color, round(float(rng.uniform(0.3, 0.6)), 3),
                    round(float(rng.uniform(-3.0, 3.0)), 2))


def _retype(sheet: _Sheet, kind: str, rng: np.random.Generator) -> Optional[Forgery]:
    """Erase a field's words and type a new value in the same (or a look-alike) font, size, ink and blur."""
    fields = sheet.page.fields_of_kind(kind)
    aligns = ("right", "left") if kind == "amount" else ("left", "right")
    for fi in rng.permutation(len(fields)):
        ft = _field_text(sheet.page, fields[int(fi)])
        gs = _field_glyphs(sheet, ft)
        if gs is None:
            continue
        family, style = _family_of(ft.words[0].font_path)
        lookalike = fonts.LOOKALIKE.get(family or "")
        size = max(6, int(round(ft.words[0].size_px * float(rng.normal(1.0, 0.02)))))
        fonts_to_try = [(ft.words[0].font_path, True, size)]
        if lookalike is not None and rng.random() < 0.5:  # the near-matched font, unless its text will not fit
            near = fonts.resolve(lookalike, style)
            fonts_to_try.insert(0, (near, False, _matched_size(size, ft.words[0].font_path, near)))
        estimated_blur = _estimate_blur(sheet, gs[0])
        blur = round(estimated_blur * float(rng.uniform(0.85, 1.15)), 3)
        unit = _span_unit(gs)
        for _ in range(4):
            new_value = _new_value(kind, ft.printed, rng)
            if new_value is None:
                break
            fit = _first_fit(sheet, gs, new_value, fonts_to_try, aligns, blur)
            if fit is None:
                continue
            writing, matched, align, rect = fit
            method = "inpaint" if rng.random() < 0.5 else "fill"
            image = _erase_and_write(sheet, rect, unit, writing, method, rng)
            record = _base_record("retype", ft, kind, new_value)
            record.update(writing.to_record())
            record.update({"target_box": _box_list(_clip(rect, image.shape)), "source_box": None,
                           "original_font": os.path.basename(ft.words[0].font_path), "original_font_family": family,
                           "font_matched": matched, "original_size_px": ft.words[0].size_px,
                           "estimated_blur_sigma": estimated_blur, "erase_method": method, "align": align})
            return Forgery(image, _mask(image.shape, [rect]), None, record)
    return None


def _first_fit(sheet: _Sheet, gs: list[_Glyphs], text: str, fonts_to_try: list[tuple[str, bool, int]],
               aligns: tuple[str, ...], blur: float) -> Optional[tuple[_Writing, bool, str, Box]]:
    """The first (font, alignment) whose typed text lands in clear space: (writing, matched, align, repaint rect)."""
    unit = _span_unit(gs)
    margin = max(2, int(round(0.12 * unit.size_px)))
    for font_path, matched, size in fonts_to_try:
        for align in aligns:
            writing = _typed(text, gs, font_path, size, align, blur)
            rect = _union([_grow(unit.box, margin), _grow(writing.box(), margin)])
            if sheet.clean(rect, unit.box):
                return writing, matched, align, rect
    return None


def _erase_and_write(sheet: _Sheet, rect: Box, unit: _Unit, writing: _Writing, method: str,
                     rng: np.random.Generator) -> np.ndarray:
    """The page with the strokes inside `rect` erased, the new text printed, and scan-like grain on what changed."""
    x0, y0, x1, y1 = rect
    ink = _ink_in(sheet, rect)
    erased = _erase(sheet.image, rect, ink, method, np.array(unit.paper_color))
    printed = writing.draw(erased, rect)
    written = writing.alpha(rect) > 0.02
    touched = np.ones(ink.shape, bool) if method == "fill" else cv2.dilate(
        (ink | written).astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2).astype(bool)
    printed += (_local_noise(sheet.image, rect, rng) * touched)[..., None]
    image = sheet.image.copy()
    image[y0:y1, x0:x1] = np.clip(np.rint(printed), 0, 255).astype(np.uint8)
    return image


def _fluid_alpha(shape: tuple[int, int], inner: Box, softness: float, rng: np.random.Generator) -> np.ndarray:
    """Coverage of a dab of correction fluid: the inner rectangle with wobbly, soft, rounded edges."""
    h, w = shape
    core = np.zeros((h, w), np.uint8)
    core[inner[1]:inner[3], inner[0]:inner[2]] = 1
    signed = cv2.distanceTransform(core, cv2.DIST_L2, 3) - cv2.distanceTransform(1 - core, cv2.DIST_L2, 3)
    coarse = rng.standard_normal((max(2, h // 10), max(2, w // 10)), dtype=np.float32)
    wobble = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC) * np.float32(1.2)
    return np.clip((signed + wobble + 1.0) / softness, 0.0, 1.0).astype(np.float32)


def _white_out(sheet: _Sheet, kind: str, rng: np.random.Generator) -> Optional[Forgery]:
    """Cover a field (or one of its words) with correction fluid, and maybe write a new value on it."""
    fields = sheet.page.fields_of_kind(kind)
    sampled = str(rng.choice(["none", "retyped", "handwritten"], p=[0.3, 0.35, 0.35]))
    align = "right" if kind == "amount" else "left"
    for rewrite in dict.fromkeys([sampled, "none"]):  # a bare deletion when nothing fits in the space
        for fi in rng.permutation(len(fields)):
            ft = _field_text(sheet.page, fields[int(fi)])
            gs = _field_glyphs(sheet, ft)
            if gs is None:
                continue
            spans = [(0, len(gs))]
            if len(gs) > 1 and rewrite == "none":  # a deletion may take just one word of the field
                singles = [(int(k), int(k) + 1) for k in rng.permutation(len(gs))
                           if any(c.isdigit() if kind == "amount" else c.isalnum() for c in gs[int(k)].word.text)]
                spans = singles + spans if rng.random() < 0.4 else spans + singles
            tries = 6 if rewrite != "none" else 2
            for ranks, attempt in ((r, a) for r in spans for a in range(tries)):
                unit = _span_unit(gs[ranks[0]:ranks[1]])
                writing = None
                if rewrite != "none":
                    new_value = _new_value(kind, ft.printed, rng)
                    if new_value is None:
                        break
                    writing = (_handwritten(new_value, unit, align, rng) if rewrite == "handwritten" else
                               _typed(new_value, gs[ranks[0]:ranks[1]], ft.words[0].font_path, unit.size_px, align,
                                      _estimate_blur(sheet, gs[0])))
                mx, my = (int(rng.integers(3, 9)), int(rng.integers(3, 7))) if attempt < tries - 1 else (3, 3)
                fluid_box = _union([_grow(unit.box, mx, my)] + ([_grow(writing.box(), 3)] if writing else []))
                rect = _grow(fluid_box, 3)
                if sheet.clean(rect, unit.box):
                    image = _paint_fluid(sheet, rect, fluid_box, unit, writing, rng)
                    record = _base_record("white_out", ft, kind, writing.text if writing else None)
                    record.update(writing.to_record() if writing else {"written_text": None})
                    record.update({"target_box": _box_list(_clip(rect, image.shape)), "source_box": None,
                                   "covered_text": unit.text, "fluid_box": _box_list(_clip(fluid_box, image.shape)),
                                   "rewritten": rewrite})
                    return Forgery(image, _mask(image.shape, [rect]), None, record)
    return None


def _paint_fluid(sheet: _Sheet, rect: Box, fluid_box: Box, unit: _Unit, writing: Optional[_Writing],
                 rng: np.random.Generator) -> np.ndarray:
    """The page with a dab of correction fluid (brighter than the paper, lumpy, with a faint rim) over fluid_box."""
    x0, y0, x1, y1 = rect
    inner = (fluid_box[0] - x0, fluid_box[1] - y0, fluid_box[2] - x0, fluid_box[3] - y0)
    alpha = _fluid_alpha((y1 - y0, x1 - x0), inner, float(rng.uniform(1.2, 2.5)), rng)
    paper = float(np.mean(unit.paper_color))
    fluid = np.clip(paper + rng.uniform(3, 10) + rng.uniform(-2, 2, 3), 0, 255).astype(np.float32)
    lumps = cv2.resize(rng.standard_normal((max(2, (y1 - y0) // 6), max(2, (x1 - x0) // 6)), dtype=np.float32),
                       (x1 - x0, y1 - y0), interpolation=cv2.INTER_CUBIC) * np.float32(1.5)
    rim = np.exp(-((alpha - 0.5) ** 2) / 0.03) * np.float32(rng.uniform(8, 22))
    grain = _local_noise(sheet.image, rect, rng) * np.float32(0.6)
    coat = fluid[None, None, :] + (lumps - rim + grain)[..., None]
    out = sheet.image[y0:y1, x0:x1].astype(np.float32) * (1 - alpha[..., None]) + coat * alpha[..., None]
    if writing is not None:
        out = writing.draw(out, rect)
    image = sheet.image.copy()
    image[y0:y1, x0:x1] = np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return image


# --------------------------------------------------------------------------------------------------- public API

def _run(operation: str, sheet: _Sheet, kind: str, rng: np.random.Generator, donor: Optional[_Sheet],
         probe: bool = False) -> Optional[Forgery]:
    """One operation; `probe` asks copy-move for the plain variant that every other variant falls back to."""
    if operation == "copy_move":
        return _copy_move(sheet, kind, rng, probe)
    if operation == "splicing":
        return _splicing(sheet, kind, rng, donor) if donor is not None else None
    if operation == "retype":
        return _retype(sheet, kind, rng)
    return _white_out(sheet, kind, rng)


def _parses(kind: str, value: str) -> bool:
    checks = {"amount": lambda v: parse_amount(v) is not None, "date": lambda v: parse_date(v) is not None,
              "iban": lambda v: len(_iban_digits(v)) >= 6,
              "practitioner_id": lambda v: sum(c.isdigit() for c in v) >= 5,
              "patient_name": lambda v: any(role != "civility" for _, role in _name_tokens(v))}
    return checks[kind](value)


def forgeable_kinds(page: RenderedPage, operation: str) -> list[str]:
    """Field kinds of FORGEABLE_KINDS this page offers for the operation, judged on `page.image`.

    Splicing also needs a donor with suitable words; its answer only says the page has a parseable, visible field.
    """
    if operation not in FORGERY_OPERATIONS:
        raise ValueError(f"unknown forgery operation {operation!r}; expected one of {FORGERY_OPERATIONS}")
    sheet = _Sheet(page.image, page)
    kinds = []
    for kind in FORGEABLE_KINDS:
        fields = [f for f in page.fields_of_kind(kind) if _parses(kind, f.value)]
        if not fields:
            continue
        if operation == "splicing":
            if any(_field_glyphs(sheet, _field_text(page, f)) is not None for f in fields):
                kinds.append(kind)
        elif _run(operation, sheet, kind, np.random.default_rng(0), None, probe=True) is not None:
            kinds.append(kind)
    return kinds


def apply_forgery(image: np.ndarray, page: RenderedPage, operation: str, field_kind: str, rng: np.random.Generator,
                  donor: Optional[tuple[np.ndarray, RenderedPage]] = None) -> Forgery:
    """Forge one field of `field_kind` on the scanned `image` (boxes of `page` in its coordinates).

    Raises ForgeryError when the page (or donor) offers no way to do it; the caller then tries another kind or donor.
    """
    if operation not in FORGERY_OPERATIONS:
        raise ValueError(f"unknown forgery operation {operation!r}; expected one of {FORGERY_OPERATIONS}")
    if field_kind not in FORGEABLE_KINDS:
        raise ValueError(f"unknown field kind {field_kind!r}; expected one of {FORGEABLE_KINDS}")
    if operation == "splicing" and donor is None:
        raise ValueError("splicing needs a donor page: (image, RenderedPage)")
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError("image must be an H x W x 3 uint8 RGB array")
    sheet = _Sheet(image, page)
    donor_sheet = _Sheet(donor[0], donor[1]) if donor is not None else None
    forgery = _run(operation, sheet, field_kind, rng, donor_sheet)
    if forgery is None:
        raise ForgeryError(f"no {operation} forgery of a {field_kind!r} field is possible on this page"
                           + (" with this donor" if operation == "splicing" else ""))
    forgery.record["mask_pixels"] = int(forgery.mask.sum())
    forgery.record["mask_fraction"] = round(float(forgery.mask.mean()), 6)
    return forgery
