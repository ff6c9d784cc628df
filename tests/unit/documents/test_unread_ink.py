"""Ink the page's reading left without words is read alone and joins the line it sits on; a clipped piece of a
read word is not read as a word of its own, but a character the word's reading dropped beside it is read back."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from vigie.documents.ocr import OcrPage, OcrWord, contrast_stretched, recognise
from vigie.documents.unread_ink import clipped_glyphs, read_unread_ink, unread_patches

FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


def row_page() -> np.ndarray:
    """One table row: a drug name, a lone quantity digit far to its right, and a price."""
    image = Image.new("RGB", (1200, 160), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    for x, text in ((40, "Amoxicilline"), (640, "3"), (900, "12,50")):
        draw.text((x, 60), text, font=font, fill=(0, 0, 0))
    return np.asarray(image)


def reading_without(image: np.ndarray, dropped: str) -> OcrPage:
    """Tesseract's reading of the row with one word taken out, as its layout analysis drops a lone digit."""
    page = recognise(image)
    assert dropped in {w.text for w in page.words}  # the test's premise: the word is readable
    return OcrPage(page.width, page.height, [w for w in page.words if w.text != dropped])


def test_a_lone_digit_the_reading_lost_is_read_into_its_line():
    image = row_page()
    reading = read_unread_ink(image, reading_without(image, "3"))
    line = [w.text for w in reading.words if w.line == reading.words[0].line]
    assert line == ["Amoxicilline", "3", "12,50"]
    digit = next(w for w in reading.words if w.text == "3")
    assert 630 <= digit.box[0] <= 650 and digit.confidence >= 0.75


def test_a_page_read_whole_gains_nothing():
    image = row_page()
    page = recognise(image)
    assert unread_patches(image[..., 0], page) == [] and read_unread_ink(image, page) is page


def test_the_clipped_end_of_a_read_word_is_no_word():
    image = row_page()
    page = recognise(image)
    clipped = [OcrWord(w.text, (w.box[0], w.box[1], w.box[2] - 14, w.box[3]), w.confidence, w.line)
               if w.text == "Amoxicilline" else w for w in page.words]
    assert unread_patches(image[..., 0], OcrPage(page.width, page.height, clipped)) == []


def test_a_thin_grey_label_the_reading_lost_is_read():
    image = Image.new("RGB", (900, 200), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "Nombre de parts", font=ImageFont.truetype(FONT, 22), fill=(200, 200, 200))
    draw.text((40, 100), "Marié(e)s / pacsé(e)s 2,5", font=ImageFont.truetype(FONT, 30), fill=(0, 0, 0))
    pixels = np.asarray(image)
    page = recognise(pixels)
    dark = OcrPage(page.width, page.height, [w for w in page.words if w.box[1] > 80])  # the label left unread
    texts = [w.text for w in read_unread_ink(pixels, dark).words if w.box[1] < 80]
    assert texts == ["Nombre", "de", "parts"]


def date_page() -> np.ndarray:
    """A label and a date on one row, as a tax notice prints its collection date."""
    image = Image.new("RGB", (900, 140), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    draw.text((40, 50), "Recouvrement", font=font, fill=(0, 0, 0))
    draw.text((400, 50), "12/07/2022", font=font, fill=(0, 0, 0))
    return np.asarray(image)


def clipped_reading(image: np.ndarray, word: str, text: str, cut: int) -> OcrPage:
    """Tesseract's reading with one word's box cut `cut` pixels short on its right and its last character
    dropped, as OCR reads "12/07/2022" "12/07/202"."""
    page = recognise(image)
    assert word in {w.text for w in page.words}  # the test's premise: the word is readable
    return OcrPage(page.width, page.height,
                   [OcrWord(text, (w.box[0], w.box[1], w.box[2] - cut, w.box[3]), w.confidence, w.line)
                    if w.text == word else w for w in page.words])


def test_a_character_dropped_outside_a_words_box_is_read_back():
    image = date_page()
    reading = read_unread_ink(image, clipped_reading(image, "12/07/2022", "12/07/202", 18))
    assert [w.text for w in reading.words] == ["Recouvrement", "12/07/2022"]


def test_a_clipped_word_read_whole_is_kept_as_read():
    image = date_page()
    clipped = clipped_reading(image, "12/07/2022", "12/07/2022", 18)
    assert [w.text for w in read_unread_ink(image, clipped).words] == ["Recouvrement", "12/07/2022"]
    assert [w.text for w in read_unread_ink(image, clipped_reading(image, "12/07/2022", "99/99/999", 18)).words] \
        == ["Recouvrement", "99/99/999"]  # a reading that changes what was read is not a dropped character found


def test_ink_around_a_small_box_is_the_rest_of_its_own_glyph_not_a_dropped_character():
    image = Image.new("RGB", (600, 140), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    for x, text in ((40, "Taux"), (300, "%")):
        draw.text((x, 50), text, font=ImageFont.truetype(FONT, 30), fill=(0, 0, 0))
    pixels = np.asarray(image)
    page = recognise(pixels)
    assert [w.text for w in page.words] == ["Taux", "%"]  # the test's premise
    x0, y0, x1, y1 = page.words[1].box
    ring = OcrWord("%", (x0 + (x1 - x0) // 3, y0 + (y1 - y0) // 3, x1 - (x1 - x0) // 3, y1 - (y1 - y0) // 3), 0.88,
                   page.words[1].line)  # boxed by one of its rings, as OCR boxed a faint "%"
    ringed = OcrPage(page.width, page.height, [page.words[0], ring])
    assert clipped_glyphs(contrast_stretched(pixels), ringed) == []
    assert [w.text for w in read_unread_ink(pixels, ringed).words] == ["Taux", "%"]
