"""Table rules erased before OCR: Tesseract takes a cell's text touching or boxed by ruling lines for a picture and
drops it, so a gridded table (a pharmacy invoice) loses its codes, quantities and prices.

A rule is a long, thin run of dark pixels, horizontal or vertical, outside the dark header bars (see inverted_text),
which are kept. Rules are painted white; geometry is unchanged, so word boxes stay valid.
"""

from __future__ import annotations

import cv2
import numpy as np

from vigie.documents.inverted_text import dark_bands

DARK_GREY = 140  # a pixel darker than this may belong to a rule
RULE_LENGTH = 60  # pixels a rule runs at least (longer than any letter or digit at 200-300 dpi)
RULE_THICKNESS = 6  # a line thicker than this is a solid area, not a rule
ERASE_MARGIN = 3  # pixels around a rule painted white too (its anti-aliased edges)


def _thin(lines: np.ndarray, across: tuple[int, int]) -> np.ndarray:
    """The lines of a mask without their thick parts (opened by a kernel of `across` size across the line)."""
    thick = cv2.morphologyEx(lines, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, across))
    return lines & (1 - thick)


def rules_in(dark: np.ndarray) -> np.ndarray:
    """1 on the long, thin horizontal and vertical runs of a 0/1 ink mask, else 0."""
    across = RULE_THICKNESS + 1
    horizontal = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (RULE_LENGTH, 1)))
    vertical = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, RULE_LENGTH)))
    return _thin(horizontal, (1, across)) | _thin(vertical, (across, 1))


def rule_mask(grey: np.ndarray) -> np.ndarray:
    """1 where a horizontal or vertical table rule (with its margin) lies on a grey page, else 0."""
    rules = rules_in((grey < DARK_GREY).astype(np.uint8))
    for x, y, w, h in dark_bands(grey):  # the dark ground of a header bar between its text and its edge is no rule
        rules[max(0, y - RULE_THICKNESS):y + h + RULE_THICKNESS, max(0, x - RULE_THICKNESS):x + w + RULE_THICKNESS] = 0
    return cv2.dilate(rules, np.ones((2 * ERASE_MARGIN + 1, 2 * ERASE_MARGIN + 1), np.uint8))


def erase_rules(image: np.ndarray) -> np.ndarray:
    """The page in grey with its table rules painted white."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image.copy()
    grey[rule_mask(grey) > 0] = 255
    return grey
