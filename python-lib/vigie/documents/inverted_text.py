"""Light text on dark bands (a table header printed white on a coloured bar) read on its own, turned dark-on-light:
Tesseract reads a page as dark ink on a light ground and skips such bands, losing the column headers that tell a
table's columns apart.

A band is a wide, solid run of dark rows (text strokes inside it filled by a closing). Each band is cut out, its
dark ground turned white and its text dark, read alone, and its words replace what the page's reading made of the
band. The page itself is read untouched: changing a few pixels of it makes Tesseract segment it differently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import cv2
import numpy as np

from vigie.core.results import Box
from vigie.documents.orientation import grey

if TYPE_CHECKING:  # ocr imports this module: the type only, for annotations
    from vigie.documents.ocr import OcrPage

DARK_GREY = 128  # a pixel darker than this is ink or a dark ground
MIN_BAND_WIDTH = 0.15  # share of the page width a band spans at least (a vertical strip or a logo is left alone)
BAND_HEIGHTS = (15, 200)  # pixel heights of a band: taller than a rule, lower than a photo
MIN_DARK_SHARE = 0.6  # share of dark pixels in a band (a line of bold black text stays well below)
CLOSING = (25, 9)  # kernel (width, height) that fills the light strokes of text inside a band
OPENING = 15  # then what is thinner than this (rules, text on white) is no band
BAND_MARGIN = 12  # white pixels around a band cut out for reading


def solid_dark(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The dark pixels of a grey page, and the solid dark areas: text strokes inside them filled by a closing,
    then what is thinner than OPENING (rules, text on white) opened away."""
    dark = (grey < DARK_GREY).astype(np.uint8)
    solid = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, CLOSING))
    return dark, cv2.morphologyEx(solid, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (OPENING, OPENING)))


def dark_bands(grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The (x, y, width, height) of each dark band of a grey page: runs of rows where a solid dark area spans a
    good share of the width."""
    dark, solid = solid_dark(grey)
    return _bands(dark, solid)


def _bands(dark: np.ndarray, solid: np.ndarray) -> list[tuple[int, int, int, int]]:
    rows = np.flatnonzero(solid.mean(axis=1) >= MIN_BAND_WIDTH)
    bands = []
    for run in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1) if rows.size else []:
        top, bottom = int(run[0]), int(run[-1]) + 1
        columns = np.flatnonzero(solid[(top + bottom) // 2])
        left, right = int(columns[0]), int(columns[-1]) + 1
        if BAND_HEIGHTS[0] <= bottom - top <= BAND_HEIGHTS[1] and dark[top:bottom, left:right].mean() > MIN_DARK_SHARE:
            bands.append((left, top, right - left, bottom - top))
    return bands


def lighten_band(grey: np.ndarray, solid: np.ndarray, band: tuple[int, int, int, int]) -> np.ndarray:
    """A band cut out with a white margin, its dark ground turned white and its light text dark."""
    x, y, w, h = band
    ground = solid[y:y + h, x:x + w].astype(bool)
    inverted = 255.0 - grey[y:y + h, x:x + w].astype(np.float32)
    stretched = np.clip(inverted * 255.0 / max(1.0, float(np.median(inverted[ground]))), 0, 255).astype(np.uint8)
    cut = grey[y:y + h, x:x + w].copy()
    cut[ground] = stretched[ground]
    return cv2.copyMakeBorder(cut, BAND_MARGIN, BAND_MARGIN, BAND_MARGIN, BAND_MARGIN, cv2.BORDER_CONSTANT,
                              value=255)


def _inside(box: Box, band: tuple[int, int, int, int]) -> bool:
    x, y, w, h = band
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return x <= cx < x + w and y <= cy < y + h


def read_dark_bands(image: np.ndarray, page: "OcrPage", read: Callable[[np.ndarray], "OcrPage"],
                    score: Callable[["OcrPage"], float]) -> "OcrPage":
    """`page` (the reading of `image`) with the words of each dark band read again by `read` on the lightened band,
    in place of the words it held when that reading `score`s higher; the band's lines are put before the first
    line printed below the band's top."""
    from vigie.documents.ocr import OcrPage, OcrWord

    grey_image = grey(image)
    dark, solid = solid_dark(grey_image)
    bands = _bands(dark, solid)
    if not bands:
        return page
    lines = page.lines()
    for band in bands:
        x, y = band[0] - BAND_MARGIN, band[1] - BAND_MARGIN
        band_reading = read(lighten_band(grey_image, solid, band))
        held = OcrPage(page.width, page.height, [w for line in lines for w in line if _inside(w.box, band)])
        if score(band_reading) <= score(held):
            continue  # the page's reading read this band as well (a light band): kept
        band_lines = [[OcrWord(w.text, (w.box[0] + x, w.box[1] + y, w.box[2] + x, w.box[3] + y), w.confidence, 0, 0)
                       for w in line] for line in band_reading.lines()]
        lines = [kept for line in lines if (kept := [w for w in line if not _inside(w.box, band)])]
        at = next((i for i, line in enumerate(lines) if min(w.box[1] for w in line) >= band[1]), len(lines))
        lines[at:at] = band_lines
    words = [OcrWord(w.text, w.box, w.confidence, index, w.block) for index, line in enumerate(lines) for w in line]
    return OcrPage(page.width, page.height, words, page.languages, page.rotation, page.skew_deg)
