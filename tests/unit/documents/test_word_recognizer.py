"""Vigie's printed-word recogniser: the second opinion on words Tesseract reads with little confidence."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from vigie.core.ctc import Decoded
from vigie.documents import second_reading
from vigie.documents.ocr import OcrWord
from vigie.documents.second_reading import recognised_reading
from vigie.documents.word_recognizer import line_cut, normalised_cut, word_recognizer
from vigie.synth import fonts

pytestmark = pytest.mark.skipif(word_recognizer() is None, reason="the recogniser's model is not shipped")


def printed_line(text: str, ink: int = 20, paper: int = 245, family: str = "liberation-serif") -> tuple[np.ndarray,
                                                                                                           OcrWord]:
    """A grey strip with `text` printed 22 pixels high (a 200-dpi line), and the word box of its ink."""
    font = fonts.load(fonts.resolve(family), 26)
    image = Image.new("L", (40 + int(font.getlength(text)), 60), paper)
    ImageDraw.Draw(image).text((20, 15), text, fill=ink, font=font)
    pixels = np.array(image)
    rows, columns = np.nonzero(pixels < (ink + paper) // 2)
    return pixels, OcrWord(text, (int(columns.min()), int(rows.min()), int(columns.max()) + 1, int(rows.max()) + 1),
                           0.3, 0)


@pytest.mark.parametrize("text", ["D2205-9897", "10491007646", "183,88 EUR", "PETITJEAN"])
def test_a_printed_value_is_read_exactly_and_confidently(text):
    pixels, word = printed_line(text)
    decoded = word_recognizer().read(line_cut(pixels, word.box, [word]))
    assert decoded.text == text and decoded.confidence > 0.9


def test_faded_print_reads_as_dark_print_does():
    faded, word = printed_line("802056234", ink=175, paper=238)
    assert word_recognizer().read(line_cut(faded, word.box, [word])).text == "802056234"


def test_cuts_of_faint_and_dark_print_reach_the_network_alike():
    dark, _ = printed_line("12-05-2022")
    faint, _ = printed_line("12-05-2022", ink=170, paper=240)
    assert np.abs(normalised_cut(dark) - normalised_cut(faint)).mean() < 0.05


def test_a_misread_character_is_replaced_in_tesseracts_words_and_boxes():
    pixels, word = printed_line("HBLD038 13")
    first = [OcrWord("HBLDO38", (word.box[0], word.box[1], word.box[0] + 100, word.box[3]), 0.5, 0),
             OcrWord("l3", (word.box[2] - 25, word.box[1], word.box[2], word.box[3]), 0.5, 0)]
    corrected = recognised_reading(pixels, first, word.box, first)
    assert [(w.text, w.box) for w in corrected] == [("HBLD038", first[0].box), ("13", first[1].box)]
    assert all(w.confidence >= 0.95 for w in corrected)


def test_a_reading_the_recogniser_would_lengthen_or_shorten_is_left_to_tesseract():
    pixels, word = printed_line("10491007646")
    short = [OcrWord("1491007646", word.box, 0.7, 0)]
    assert recognised_reading(pixels, short, word.box, short) == []


class FixedReading:
    """A recogniser stand-in that reads `text` at `confidence` whatever the cut."""

    def __init__(self, text: str, confidence: float = 0.99):
        self.decoded = Decoded(text, confidence)

    def read(self, cut: np.ndarray) -> Decoded:
        return self.decoded


@pytest.mark.parametrize("first, recognised, kept", [
    ("N° 295043770074048", "N° 295943779974948", "N° 295043770074048"),  # a digit where both read a digit stays
    ("SO20562 44", "8020562 34", "8020562 44"),  # look-alike letters become the digits the recogniser reads
    ("1 qté", "l qté", "l qté"),
])
def test_tesseracts_digits_stay_and_its_look_alike_letters_give_way(monkeypatch, first, recognised, kept):
    monkeypatch.setattr(second_reading, "word_recognizer", lambda: FixedReading(recognised))
    pixels = np.full((60, 400), 245, np.uint8)
    words = [OcrWord(text, (20 + 100 * i, 15, 90 + 100 * i, 40), 0.5, 0) for i, text in enumerate(first.split())]
    assert " ".join(w.text for w in recognised_reading(pixels, words, (20, 15, 400, 40), words)) == kept


@pytest.mark.parametrize("recognised, confidence", [("HBLD038", 0.9), ("HBLD03", 0.99), ("HBLD03:", 0.99)])
def test_an_unsure_longer_shorter_or_marked_reading_changes_nothing(monkeypatch, recognised, confidence):
    monkeypatch.setattr(second_reading, "word_recognizer", lambda: FixedReading(recognised, confidence))
    pixels = np.full((60, 400), 245, np.uint8)
    words = [OcrWord("HBLDO38", (20, 15, 120, 40), 0.5, 0)]
    assert recognised_reading(pixels, words, words[0].box, words) == []
