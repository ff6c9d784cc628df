"""Column headers printed white on a dark bar are read, the bar read apart turned dark-on-light."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from vigie.documents.inverted_text import dark_bands, read_dark_bands
from vigie.documents.ocr import OcrPage, read_page

FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
HEADERS = ("Code", "Désignation", "Quantité", "Montant")
ROW = ("HBQK389", "Radiographie", "1", "42,50 €")


def table_page() -> np.ndarray:
    """A page with a table whose header row is white text on a teal bar, above one dark-on-white row."""
    image = Image.new("RGB", (1400, 500), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    draw.rectangle((60, 100, 1340, 160), fill=(0, 110, 120))
    draw.rectangle((10, 0, 40, 500), fill=(0, 110, 120))  # a vertical strip: not a band of text
    for x, header, cell in zip((80, 330, 760, 1080), HEADERS, ROW):
        draw.text((x, 112), header, font=font, fill=(255, 255, 255))
        draw.text((x, 200), cell, font=font, fill=(0, 0, 0))
    return np.asarray(image)


def test_the_header_bar_is_found_and_the_side_strip_is_not():
    bands = dark_bands(table_page()[..., 1])
    assert len(bands) == 1 and abs(bands[0][1] - 100) <= 2 and bands[0][2] > 1200


def test_white_on_dark_headers_are_read_and_boxes_stay_on_the_page():
    words = {w.text: w.box for w in read_page(table_page()).words}
    assert set(HEADERS) <= set(words) and {"HBQK389", "Radiographie"} <= set(words)
    assert 95 <= words["Montant"][1] and words["Montant"][3] <= 165 and words["Montant"][0] >= 1070


def test_a_page_without_a_dark_band_keeps_its_reading():
    page = np.full((300, 800, 3), 255, np.uint8)
    page[150:153, 50:700] = 0  # a table rule
    page[:, 20:50] = 0  # a dark strip down the side
    reading = OcrPage(800, 300, [])
    assert dark_bands(page[..., 0]) == [] and read_dark_bands(page, reading, lambda band: 1 / 0, len) is reading
