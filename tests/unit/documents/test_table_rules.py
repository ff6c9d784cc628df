"""Table rules are erased before OCR so that the text of gridded cells is read; header bars and text are kept."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from vigie.documents.ocr import read_page
from vigie.documents.table_rules import erase_rules, rule_mask

FONT = "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"
CELLS = (("Code", "Qté", "P.U. HT", "Montant HT"), ("3400950791367", "3", "5,94 €", "17,82 €"),
         ("HDA", "4", "1,02 €", "4,08 €"))
COLUMNS = (60, 420, 560, 800, 1100)


def gridded_table() -> np.ndarray:
    """A table of three rows with every cell boxed by thin rules, the text close to them."""
    image = Image.new("RGB", (1160, 320), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 26)
    for row, cells in enumerate(CELLS):
        top = 40 + 70 * row
        for left, text in zip(COLUMNS, cells):
            draw.text((left + 8, top + 18), text, font=font, fill=(0, 0, 0))
    for row in range(len(CELLS) + 1):
        draw.line((COLUMNS[0], 40 + 70 * row, COLUMNS[-1], 40 + 70 * row), fill=(0, 0, 0), width=2)
    for x in COLUMNS:
        draw.line((x, 40, x, 40 + 70 * len(CELLS)), fill=(0, 0, 0), width=2)
    return np.asarray(image)


def test_rules_are_found_and_text_is_not():
    table = gridded_table()
    mask = rule_mask(table[..., 0])
    assert mask[40, 300] and mask[100, COLUMNS[1]]  # a horizontal and a vertical rule
    erased = erase_rules(table)
    assert (erased[35:45, 70:1090] == 255).all() and erased.min() < 100  # rules gone, text kept


def test_the_cells_of_a_gridded_table_are_read():
    words = {w.text for w in read_page(gridded_table()).words}
    assert {"3400950791367", "HDA", "17,82", "Montant"} <= words


def test_a_solid_bar_is_not_a_rule():
    page = np.full((200, 900, 3), 255, np.uint8)
    page[50:100, 50:850] = 40
    assert not rule_mask(page[..., 0])[50:100, 60:840].any()
