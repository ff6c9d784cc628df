"""A drawing canvas in millimetres over a Pillow RGB page that records every text token it draws.

Each whitespace-separated token is drawn on its own and recorded as a `Word` with its exact ink box (from the
glyph mask Pillow draws), so OCR checks and forgery operations can target single words; keyed fields are
recorded as `FieldValue`s whose box is the union of their words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Optional, Sequence, Union

import numpy as np
from PIL import Image, ImageDraw

from vigie.synth import fonts
from vigie.synth.page import Box, FieldValue, RenderedPage, Word

RGB = tuple[int, int, int]
INK: RGB = (22, 22, 26)
MM_PER_PT = 25.4 / 72
_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Font:
    """A font request: family from the catalogue, size in points, style."""

    family: str
    size_pt: float
    style: str = "regular"

    def sized(self, size_pt: float) -> Font:
        return replace(self, size_pt=size_pt)

    def bold(self) -> Font:
        return replace(self, style="bold")

    def italic(self) -> Font:
        return replace(self, style="italic")

    @property
    def size_mm(self) -> float:
        return self.size_pt * MM_PER_PT


@dataclass(frozen=True)
class Column:
    """A table column: header text (may contain line breaks), width in mm, alignment of its cells."""

    header: str
    width_mm: float
    align: str = "left"


@dataclass(frozen=True)
class Cell:
    """A table cell; when `field` is set its text is recorded as that field."""

    text: str
    field: Optional[str] = None
    kind: str = "text"


@dataclass(frozen=True)
class TableStyle:
    """How a table looks: fonts, header fill, rulings ("grid", "rows", "frame", "none"), zebra rows."""

    header_font: Font
    body_font: Font
    header_fill: Optional[RGB] = None
    header_color: RGB = INK
    rules: str = "grid"
    rule_color: RGB = (80, 80, 80)
    rule_mm: float = 0.2
    zebra: Optional[RGB] = None
    row_mm: float = 6.0
    pad_mm: float = 1.5
    body_color: RGB = INK


def union(a: Optional[Box], b: Optional[Box]) -> Optional[Box]:
    """Smallest box holding both boxes (either may be None)."""
    if a is None:
        return b
    if b is None:
        return a
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def line_height(font: Font, leading: float = 1.22) -> float:
    """Distance in mm between two baselines of a font."""
    return font.size_mm * leading


class Canvas:
    """A page in millimetres at a given dpi; text is positioned by its baseline."""

    def __init__(self, width_mm: float = 210.0, height_mm: float = 297.0, dpi: int = 200,
                 paper: RGB = (255, 255, 255)) -> None:
        self.width_mm, self.height_mm, self.dpi, self.paper = width_mm, height_mm, dpi, paper
        self.image = Image.new("RGB", (self.px(width_mm), self.px(height_mm)), paper)
        self.draw = ImageDraw.Draw(self.image)
        self.words: list[Word] = []
        self.fields: list[FieldValue] = []

    # ------------------------------------------------------------------ units and fonts
    def px(self, mm: float) -> int:
        """Millimetres to whole pixels at this page's dpi."""
        return int(round(mm * self.dpi / 25.4))

    def face(self, font: Font):
        """(path, Pillow font, size in px) of a font request, cached by the catalogue."""
        path = fonts.resolve(font.family, font.style)
        size_px = max(6, int(round(font.size_pt * self.dpi / 72)))
        return path, fonts.load(path, size_px), size_px

    def width(self, text: str, font: Font) -> float:
        """Advance width of a text in mm."""
        return self.face(font)[1].getlength(text) * 25.4 / self.dpi

    def wrap(self, text: str, font: Font, width_mm: float) -> list[str]:
        """Greedy word wrap of a text into lines no wider than width_mm (a longer single word stays whole)."""
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current = ""
            for word in paragraph.split():
                candidate = f"{current} {word}" if current else word
                if current and self.width(candidate, font) > width_mm:
                    lines.append(current)
                    current = word
                else:
                    current = candidate
            lines.append(current)
        return lines

    # ------------------------------------------------------------------ text
    def text(self, x: float, y: float, text: str, font: Font, color: RGB = INK, align: str = "left",
             field: Optional[str] = None) -> Optional[Box]:
        """Draw one line with its baseline at y (mm); record one Word per token; return the ink box."""
        path, face, size_px = self.face(font)
        x_px, y_px = self.px(x), self.px(y)
        if align != "left":
            width = face.getlength(text)
            x_px -= int(round(width if align == "right" else width / 2))
        box: Optional[Box] = None
        for match in _TOKEN.finditer(text):
            token = match.group()
            tx = x_px + int(round(face.getlength(text[:match.start()])))
            self.draw.text((tx, y_px), token, font=face, fill=color, anchor="ls")
            mask, offset = face.getmask2(token, anchor="ls")
            ink = mask.getbbox()
            if ink is None:
                continue
            word_box = (tx + offset[0] + ink[0], y_px + offset[1] + ink[1],
                        tx + offset[0] + ink[2], y_px + offset[1] + ink[3])
            self.words.append(Word(token, word_box, path, size_px, color, field))
            box = union(box, word_box)
        return box

    def lines(self, x: float, y: float, lines: Sequence[str], font: Font, color: RGB = INK, align: str = "left",
              leading: float = 1.22, field: Optional[str] = None) -> tuple[Optional[Box], float]:
        """Draw lines from a first baseline at y; return the ink box and the baseline after the last line."""
        box: Optional[Box] = None
        step = line_height(font, leading)
        for line in lines:
            box = union(box, self.text(x, y, line, font, color, align, field))
            y += step
        return box, y

    def paragraph(self, x: float, y: float, text: str, font: Font, width_mm: float, color: RGB = INK,
                  leading: float = 1.3, align: str = "left") -> float:
        """Wrapped running text; returns the next baseline."""
        return self.lines(x, y, self.wrap(text, font, width_mm), font, color, align, leading)[1]

    def field(self, name: str, kind: str, value: str, x: float, y: float, font: Font, color: RGB = INK,
              align: str = "left", leading: float = 1.22, width_mm: Optional[float] = None) -> float:
        """Draw a keyed value (line breaks allowed, wrapped to width_mm if given), record it as a FieldValue;
        return the baseline after its last line."""
        lines = self.wrap(value, font, width_mm) if width_mm else value.split("\n")
        box, after = self.lines(x, y, lines, font, color, align, leading, field=name)
        if box is None:
            raise ValueError(f"field {name!r} has no visible text")
        path, _face, size_px = self.face(font)
        self.fields.append(FieldValue(name, kind, "\n".join(lines), box, path, size_px, color))
        return after

    # ------------------------------------------------------------------ shapes
    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Optional[RGB] = None,
             outline: Optional[RGB] = None, width_mm: float = 0.25, radius_mm: float = 0.0) -> None:
        """A rectangle in mm, filled and/or outlined, optionally with rounded corners."""
        box = (self.px(x0), self.px(y0), self.px(x1), self.px(y1))
        width = max(1, self.px(width_mm)) if outline else 0
        if radius_mm > 0:
            self.draw.rounded_rectangle(box, radius=self.px(radius_mm), fill=fill, outline=outline, width=width)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=width)

    def hline(self, x0: float, x1: float, y: float, color: RGB = INK, width_mm: float = 0.25,
              dash_mm: float = 0.0) -> None:
        """A horizontal rule, solid or dashed."""
        self._line(x0, y, x1, y, color, width_mm, dash_mm)

    def vline(self, x: float, y0: float, y1: float, color: RGB = INK, width_mm: float = 0.25,
              dash_mm: float = 0.0) -> None:
        """A vertical rule, solid or dashed."""
        self._line(x, y0, x, y1, color, width_mm, dash_mm)

    def _line(self, x0: float, y0: float, x1: float, y1: float, color: RGB, width_mm: float, dash_mm: float) -> None:
        width = max(1, self.px(width_mm))
        if dash_mm <= 0:
            self.draw.line((self.px(x0), self.px(y0), self.px(x1), self.px(y1)), fill=color, width=width)
            return
        length = math.hypot(x1 - x0, y1 - y0)
        steps = max(1, int(length / (2 * dash_mm)))
        for i in range(steps):
            a, b = (2 * i) / (2 * steps), (2 * i + 1) / (2 * steps)
            self.draw.line((self.px(x0 + (x1 - x0) * a), self.px(y0 + (y1 - y0) * a),
                            self.px(x0 + (x1 - x0) * b), self.px(y0 + (y1 - y0) * b)), fill=color, width=width)

    def polygon(self, points: Sequence[tuple[float, float]], fill: Optional[RGB] = None,
                outline: Optional[RGB] = None, width_mm: float = 0.3) -> None:
        """A closed polygon through points given in mm."""
        xy = [(self.px(x), self.px(y)) for x, y in points]
        self.draw.polygon(xy, fill=fill, outline=outline, width=max(1, self.px(width_mm)) if outline else 1)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill: Optional[RGB] = None,
                outline: Optional[RGB] = None, width_mm: float = 0.3) -> None:
        """An ellipse centred on (cx, cy) with radii in mm."""
        self.draw.ellipse((self.px(cx - rx), self.px(cy - ry), self.px(cx + rx), self.px(cy + ry)), fill=fill,
                          outline=outline, width=max(1, self.px(width_mm)) if outline else 0)

    # ------------------------------------------------------------------ decorations
    def logo(self, x: float, y: float, size: float, initials: str, shape: str, color: RGB, font: Font) -> None:
        """A simple geometric logo with initials: circle, square, ring, diamond, cross, glasses, tooth, wave,
        tricolour. (x, y) is the top-left corner, size the side in mm."""
        cx, cy, r = x + size / 2, y + size / 2, size / 2
        glyph_font = font.bold().sized(size * 1.05 / MM_PER_PT / max(2, len(initials)))
        letters_color: Optional[RGB] = (255, 255, 255)
        if shape == "circle":
            self.ellipse(cx, cy, r, r, fill=color)
        elif shape == "square":
            self.rect(x, y, x + size, y + size, fill=color, radius_mm=size * 0.18)
        elif shape == "ring":
            self.ellipse(cx, cy, r, r, outline=color, width_mm=size * 0.08)
            letters_color = color
        elif shape == "diamond":
            self.polygon([(cx, y), (x + size, cy), (cx, y + size), (x, cy)], fill=color)
            glyph_font = glyph_font.sized(glyph_font.size_pt * 0.8)
        elif shape == "cross":
            arm = size / 3
            self.rect(x + arm, y, x + 2 * arm, y + size, fill=color)
            self.rect(x, y + arm, x + size, y + 2 * arm, fill=color)
            letters_color = None
        elif shape == "glasses":
            rr = size * 0.22
            for ex in (x + rr + size * 0.04, x + size - rr - size * 0.04):
                self.ellipse(ex, cy, rr, rr * 0.85, outline=color, width_mm=size * 0.06)
            self.draw.arc((self.px(cx - size * 0.09), self.px(cy - size * 0.12), self.px(cx + size * 0.09),
                           self.px(cy + size * 0.06)), 200, 340, fill=color, width=max(1, self.px(size * 0.05)))
            letters_color = None
        elif shape == "tooth":
            self.ellipse(cx, y + size * 0.32, size * 0.42, size * 0.3, fill=color)
            self.polygon([(x + size * 0.1, y + size * 0.35), (x + size * 0.9, y + size * 0.35),
                          (x + size * 0.72, y + size), (cx, y + size * 0.62), (x + size * 0.28, y + size)],
                         fill=color)
            glyph_font = glyph_font.sized(glyph_font.size_pt * 0.7)
            cy = y + size * 0.4
        elif shape == "wave":
            for k in range(3):
                rr = size * (0.2 + 0.15 * k)
                self.draw.arc((self.px(x - rr + size * 0.2), self.px(cy - rr), self.px(x + rr + size * 0.2),
                               self.px(cy + rr)), -50, 50, fill=color, width=max(1, self.px(size * 0.06)))
            self.ellipse(x + size * 0.2, cy, size * 0.08, size * 0.08, fill=color)
            letters_color = None
        elif shape == "tricolour":
            third = size / 3
            for k, band in enumerate(((0, 35, 149), (255, 255, 255), (237, 41, 57))):
                self.rect(x + k * third * 0.6, y, x + (k + 1) * third * 0.6, y + size * 0.62, fill=band)
            letters_color = None
        else:
            raise ValueError(f"unknown logo shape {shape!r}")
        if letters_color is not None and initials:
            self.text(cx, cy + glyph_font.size_mm * 0.36, initials, glyph_font, letters_color, align="center")

    def barcode(self, x: float, y: float, width: float, height: float, rng: np.random.Generator,
                color: RGB = INK) -> None:
        """Barcode-like vertical stripes of random widths filling a box."""
        module = max(0.25, 25.4 / self.dpi)
        pos = x
        while pos < x + width - 3 * module:
            bar = module * int(rng.integers(1, 4))
            self.rect(pos, y, min(pos + bar, x + width), y + height, fill=color)
            pos += bar + module * int(rng.integers(1, 4))

    def matrix_code(self, x: float, y: float, size: float, rng: np.random.Generator, modules: int = 22,
                    color: RGB = INK) -> None:
        """A 2D-code-like square: solid L finder on two sides, alternating timing on the others, random data."""
        cell = size / modules
        bits = rng.random((modules, modules)) < 0.5
        bits[:, 0] = True
        bits[-1, :] = True
        bits[0, :] = np.arange(modules) % 2 == 0
        bits[:, -1] = np.arange(modules) % 2 == 1
        for row, col in zip(*np.nonzero(bits)):
            self.rect(x + col * cell, y + row * cell, x + (col + 1) * cell, y + (row + 1) * cell, fill=color)

    def signature(self, x: float, y: float, width: float, height: float, rng: np.random.Generator,
                  color: RGB = (25, 40, 110)) -> None:
        """A handwritten-looking scribble inside a box (a smooth random stroke)."""
        t = np.linspace(0, 1, 160)
        freq = rng.uniform(2.5, 5.0)
        phase = rng.uniform(0, 2 * np.pi)
        xs = x + width * (t + 0.06 * np.sin(2 * np.pi * freq * 2 * t + phase))
        ys = y + height * (0.5 + 0.38 * np.sin(2 * np.pi * freq * t + phase) * np.exp(-1.2 * t))
        points = [(self.px(a), self.px(b)) for a, b in zip(xs, ys)]
        self.draw.line(points, fill=color, width=max(1, self.px(0.35)), joint="curve")
        self.draw.line((self.px(x + width * 0.1), self.px(y + height * 0.92), self.px(x + width * 0.85),
                        self.px(y + height * 0.8)), fill=color, width=max(1, self.px(0.3)))

    def checkbox(self, x: float, y: float, size: float, checked: bool, color: RGB = INK) -> None:
        """A square box, crossed when checked; (x, y) is its top-left corner."""
        self.rect(x, y, x + size, y + size, outline=color, width_mm=0.2)
        if checked:
            self._line(x + size * 0.2, y + size * 0.2, x + size * 0.8, y + size * 0.8, color, 0.3, 0)
            self._line(x + size * 0.8, y + size * 0.2, x + size * 0.2, y + size * 0.8, color, 0.3, 0)

    # ------------------------------------------------------------------ tables
    def table(self, x: float, y: float, columns: Sequence[Column], rows: Sequence[Sequence[Union[Cell, str]]],
              style: TableStyle) -> float:
        """Draw a table with its top-left corner at (x, y) (no header row when every header is empty); cells wrap
        inside their column; return the bottom."""
        total_w = sum(c.width_mm for c in columns)
        edges = np.cumsum([x] + [c.width_mm for c in columns]).tolist()
        head_lh, body_lh = line_height(style.header_font, 1.15), line_height(style.body_font, 1.15)
        head_lines = [c.header.split("\n") for c in columns]
        head_h = max(style.row_mm, max(len(h) for h in head_lines) * head_lh + 2 * style.pad_mm)
        if not any(c.header for c in columns):
            head_h = 0.0
        if style.header_fill and head_h:
            self.rect(x, y, x + total_w, y + head_h, fill=style.header_fill)
        for col, lines, left in zip(columns, head_lines, edges):
            top = y + (head_h - len(lines) * head_lh) / 2
            self.lines(self._cell_x(left, col, style), top + style.header_font.size_mm * 0.95, lines,
                       style.header_font, style.header_color, col.align, 1.15)
        bottoms = [y, y + head_h]
        cursor = y + head_h
        for index, row in enumerate(rows):
            cells = [c if isinstance(c, Cell) else Cell(c) for c in row]
            wrapped = [self.wrap(cell.text, style.body_font, col.width_mm - 2 * style.pad_mm) if cell.text else []
                       for cell, col in zip(cells, columns)]
            height = max(style.row_mm, max(len(w) for w in wrapped) * body_lh + 2 * style.pad_mm)
            if style.zebra and index % 2 == 1:
                self.rect(x, cursor, x + total_w, cursor + height, fill=style.zebra)
            for cell, lines, col, left in zip(cells, wrapped, columns, edges):
                if not lines:
                    continue
                top = cursor + (height - len(lines) * body_lh) / 2
                baseline = top + style.body_font.size_mm * 0.95
                cx = self._cell_x(left, col, style)
                if cell.field:
                    self.field(cell.field, cell.kind, "\n".join(lines), cx, baseline, style.body_font,
                               style.body_color, col.align, 1.15)
                else:
                    self.lines(cx, baseline, lines, style.body_font, style.body_color, col.align, 1.15)
            cursor += height
            bottoms.append(cursor)
        self._rules(x, edges, bottoms, style)
        return cursor

    @staticmethod
    def _cell_x(left: float, col: Column, style: TableStyle) -> float:
        if col.align == "right":
            return left + col.width_mm - style.pad_mm
        if col.align == "center":
            return left + col.width_mm / 2
        return left + style.pad_mm

    def _rules(self, x: float, edges: list[float], bottoms: list[float], style: TableStyle) -> None:
        right, top, bottom = edges[-1], bottoms[0], bottoms[-1]
        color, width = style.rule_color, style.rule_mm
        if style.rules == "none":
            return
        if style.rules in ("grid", "frame"):
            self.rect(x, top, right, bottom, outline=color, width_mm=width)
        self.hline(x, right, bottoms[1], color, width * (1 if style.rules == "grid" else 1.6))
        if style.rules in ("grid", "rows"):
            for level in bottoms[2:-1]:
                self.hline(x, right, level, color, width)
            self.hline(x, right, bottom, color, width * (1 if style.rules == "grid" else 1.6))
        if style.rules == "grid":
            for edge in edges[1:-1]:
                self.vline(edge, top, bottom, color, width)

    # ------------------------------------------------------------------ output
    def to_page(self, doc_type: str, template: str, content: dict, inconsistencies: list[str]) -> RenderedPage:
        """The finished page with its words, fields and ground truth."""
        return RenderedPage(image=np.array(self.image), doc_type=doc_type, template=template, dpi=self.dpi,
                            fields=list(self.fields), words=list(self.words), content=content,
                            inconsistencies=list(inconsistencies), paper_color=self.paper)
