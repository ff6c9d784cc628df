"""Printed-text OCR with Tesseract 5 through its tesserocr binding: words with boxes and confidences, in lines.

`OcrPage` is the shape every later step reads (typing, field extraction, consistency checks, watchlist): words in
reading order, each with its pixel box, a confidence in [0, 1] and the index of the text line it belongs to.
`read_page` turns a page upright and straightens it before reading, then reads doubtful words a second time
(`second_reading`, with Vigie's own recogniser as a second opinion, `word_recognizer`) and the ink no word covers
(`unread_ink`); word boxes are on the upright page (the stored page
turned by `rotation`), not on the straightened copy, so with no quarter turn they lie on the original pixels.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import cv2
import numpy as np
from PIL import Image

from vigie.core.errors import VigieError
from vigie.core.results import Box
from vigie.documents.inverted_text import read_dark_bands
from vigie.documents.orientation import (
    SKEW_MIN_CORRECTION_DEG,
    box_to_page,
    box_to_source,
    deskew,
    detect_rotation,
    estimate_skew,
    grey,
    is_blank,
    line_direction,
    turn_upright,
)
from vigie.documents.table_rules import erase_rules

DEFAULT_LANGUAGES = "fra+eng"
# steps of read_page (turn, skew, rules, reading, dark bands, small print, second reading, unread ink): a change
# invalidates cached pages
READER_VERSION = "15"
MIN_TEXT_CONFIDENCE = 0.5  # a word below this confidence is not evidence that a page has text
CONFIDENT_WORD = 0.6  # a word read at least this confidently counts towards a page reading well
WELL_READ_SHARE = 0.7  # share of confident words above which a turn of the page is taken as upright
MIN_LANGUAGE_WORDS = 8  # fewer alphabetic words than this: the language is "unknown"
MIN_STOPWORD_SHARE = 0.04  # fewer function words than this share of the words: a language we do not list
SMALL_TEXT_PX = 13  # words of a median height below this are read again enlarged (Tesseract wants ~20 px or more)
ENLARGEMENT = 2
STRETCH = 3  # small print is also read with its contrast to the paper multiplied by this (see contrast_stretched)
PAPER_WINDOW = 15  # pixels (on the enlarged page) around a pixel where the paper's own grey is looked for
TESSDATA_CANDIDATES = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                       "/usr/share/tessdata", "/usr/local/share/tessdata")


class OcrError(VigieError):
    """Tesseract or its language data is missing, or a page could not be recognised."""


@dataclass(frozen=True)
class OcrWord:
    """One recognised word: its text, pixel box (x0, y0, x1, y1, exclusive ends), confidence and line index."""

    text: str
    box: Box
    confidence: float  # 0..1
    line: int  # index of the line in OcrPage.lines()
    block: int = 0

    def to_json(self) -> list:
        return [self.text, list(self.box), round(self.confidence, 4), self.line, self.block]

    @staticmethod
    def from_json(item: list) -> "OcrWord":
        text, box, confidence, line, block = item
        return OcrWord(str(text), tuple(int(v) for v in box), float(confidence), int(line), int(block))


@dataclass
class OcrPage:
    """The words of one page in reading order, with the page size they were read at."""

    width: int
    height: int
    words: list[OcrWord] = field(default_factory=list)
    languages: str = DEFAULT_LANGUAGES
    rotation: int = 0  # degrees clockwise the stored page was turned to stand upright (0, 90, 180, 270)
    skew_deg: float = 0.0  # skew of the upright page (counter-clockwise positive), straightened for reading only

    def lines(self) -> list[list[OcrWord]]:
        """Words grouped by line, lines in reading order."""
        grouped: dict[int, list[OcrWord]] = {}
        for word in self.words:
            grouped.setdefault(word.line, []).append(word)
        return [grouped[k] for k in sorted(grouped)]

    @property
    def text(self) -> str:
        return "\n".join(" ".join(w.text for w in line) for line in self.lines())

    @property
    def mean_confidence(self) -> float:
        return float(np.mean([w.confidence for w in self.words])) if self.words else 0.0

    @property
    def has_text(self) -> bool:
        """True when at least one word with a letter or digit was read with some confidence: not a blank page."""
        return any(w.confidence >= MIN_TEXT_CONFIDENCE and any(c.isalnum() for c in w.text) for w in self.words)

    def source_box(self, box: Box) -> Box:
        """A box of this page placed on the page as stored (before the quarter turn), for drawing on the file."""
        return box_to_source(box, self.rotation, (self.width, self.height))

    def to_json(self) -> dict:
        return {"width": self.width, "height": self.height, "languages": self.languages, "rotation": self.rotation,
                "skew_deg": round(self.skew_deg, 3), "words": [w.to_json() for w in self.words]}

    @staticmethod
    def from_json(data: dict) -> "OcrPage":
        return OcrPage(int(data["width"]), int(data["height"]), [OcrWord.from_json(w) for w in data["words"]],
                       str(data.get("languages", DEFAULT_LANGUAGES)), int(data.get("rotation", 0)),
                       float(data.get("skew_deg", 0.0)))


def tessdata_dir() -> str:
    """Where Tesseract's language data lies: $TESSDATA_PREFIX, else the Debian locations."""
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for candidate in candidates + list(TESSDATA_CANDIDATES):
        if Path(candidate, "fra.traineddata").exists() or Path(candidate, "eng.traineddata").exists():
            return candidate
    raise OcrError("no Tesseract language data found (looked in $TESSDATA_PREFIX and "
                   f"{', '.join(TESSDATA_CANDIDATES)}); install tesseract-ocr-fra and tesseract-ocr-eng")


def check_languages(languages: str) -> None:
    """Refuse, with the missing file named, a language set whose Tesseract data is not installed."""
    names = [name for name in languages.split("+") if name.strip()]
    if not names:
        raise OcrError("no OCR language given; use Tesseract codes joined by '+', e.g. fra+eng")
    directory = tessdata_dir()
    missing = [name for name in names if not Path(directory, f"{name.strip()}.traineddata").exists()]
    if missing:
        raise OcrError(f"no Tesseract data for {', '.join(missing)} in {directory}: install "
                       f"{', '.join('tesseract-ocr-' + name for name in missing)} or choose other languages")


_local = threading.local()


def _api(languages: str):
    """One Tesseract engine per thread and language set, created once: loading the models costs ~0.2 s."""
    import tesserocr

    engines = getattr(_local, "engines", None)
    if engines is None:
        engines = _local.engines = {}
    if languages not in engines:
        try:
            engines[languages] = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=languages,
                                                         psm=tesserocr.PSM.AUTO)
        except RuntimeError as exc:
            raise OcrError(f"Tesseract could not load languages {languages!r} from {tessdata_dir()}: {exc}") \
                from exc
    return engines[languages]


def recognise(image: np.ndarray, languages: str = DEFAULT_LANGUAGES, rotation: int = 0,
              skew_deg: float = 0.0) -> OcrPage:
    """Read the words of an upright RGB or grey page. `rotation` and `skew_deg` only record what was corrected."""
    from tesserocr import RIL, iterate_level

    height, width = image.shape[:2]
    api = _api(languages)
    api.SetImage(Image.fromarray(np.ascontiguousarray(image)))
    api.Recognize()
    words: list[OcrWord] = []
    line_index, block_index = -1, -1
    iterator = api.GetIterator()
    if iterator is None:
        return OcrPage(width, height, [], languages, rotation, skew_deg)
    for item in iterate_level(iterator, RIL.WORD):
        if item.IsAtBeginningOf(RIL.BLOCK):
            block_index += 1
        if item.IsAtBeginningOf(RIL.TEXTLINE):
            line_index += 1
        try:
            text = (item.GetUTF8Text(RIL.WORD) or "").strip()
        except RuntimeError:  # a word box with no text (speckle on a blank scan)
            continue
        bounds: Optional[tuple[int, int, int, int]] = item.BoundingBox(RIL.WORD)
        if not text or bounds is None:
            continue
        x0, y0, x1, y1 = bounds
        words.append(OcrWord(text, (int(x0), int(y0), int(x1), int(y1)),
                             float(item.Confidence(RIL.WORD)) / 100.0, max(line_index, 0), max(block_index, 0)))
    api.Clear()
    return OcrPage(width, height, words, languages, rotation, skew_deg)


def engine_version() -> str:
    """Tesseract's version, e.g. "5.5.4": part of the cache key, since another engine reads differently."""
    import tesserocr

    return tesserocr.tesseract_version().split()[1]


def page_key(image: np.ndarray, languages: str = DEFAULT_LANGUAGES) -> str:
    """The cache key of a page's OCR: a digest of its pixels, the languages, the engine, the reader version and
    the recogniser model."""
    from vigie.documents.word_recognizer import model_digest

    digest = hashlib.sha256()
    digest.update(f"{image.shape}|{image.dtype}|{languages}|{engine_version()}|{READER_VERSION}|"
                  f"{model_digest()}|".encode())
    digest.update(np.ascontiguousarray(image).data)
    return digest.hexdigest()


def _reads_across(word: OcrWord) -> bool:
    """False for a longer word taller than wide: a line read down the page, so the page is not upright."""
    return len(word.text) < 4 or word.box[2] - word.box[0] > word.box[3] - word.box[1]


def _confident_words(page: OcrPage) -> list[OcrWord]:
    """The words read with some confidence that hold two letters or digits or more: what a page's text is judged by."""
    return [w for w in page.words if w.confidence >= MIN_TEXT_CONFIDENCE and sum(c.isalnum() for c in w.text) >= 2]


def _reading_score(page: OcrPage) -> float:
    """How well a page reads upright: the confidence summed over its confident words that run across the page."""
    return sum(w.confidence for w in _confident_words(page) if _reads_across(w))


def _read_straightened(upright: np.ndarray, languages: str, rotation: int) -> tuple[OcrPage, np.ndarray,
                                                                                    Optional[np.ndarray]]:
    """Straighten an upright page, erase its table rules and read it, its light-on-dark bands apart: the reading
    (boxes on the straightened page), the pixels it was read from, and the straightening matrix (None when the skew
    was too small to correct)."""
    skew = estimate_skew(upright)
    if abs(skew) < SKEW_MIN_CORRECTION_DEG:
        straight, matrix = upright, None
    else:
        straight, matrix = deskew(upright, skew)
    straight = erase_rules(straight)
    reading = read_dark_bands(straight, recognise(straight, languages, rotation, skew),
                              lambda band: recognise(band, languages), _reading_score)
    return reading, straight, matrix


def _on_upright(read: OcrPage, matrix: Optional[np.ndarray], size: tuple[int, int]) -> OcrPage:
    """A reading of the straightened page with its word boxes put back on the upright (unstraightened) page."""
    if matrix is None:
        return read
    width, height = size
    words = [OcrWord(w.text, box_to_page(w.box, matrix, (width, height)), w.confidence, w.line, w.block)
             for w in read.words]
    return OcrPage(width, height, words, read.languages, read.rotation, read.skew_deg)


def reads_well(page: OcrPage) -> bool:
    """True when most words of two letters or digits or more were read confidently: upright text does (97 % of
    such words on corpus pages), the same page upside down does not (40 %); and when most longer words are wider
    than tall, since Tesseract also reads lines running down a page turned on its side."""
    words = [w for w in page.words if sum(c.isalnum() for c in w.text) >= 2]
    confident = sum(w.confidence >= CONFIDENT_WORD for w in words)
    return (len(words) >= 3 and confident >= WELL_READ_SHARE * len(words)
            and 2 * sum(_reads_across(w) for w in words) >= len(words))


def rotations_to_try(image: np.ndarray) -> Iterator[int]:
    """The clockwise quarter turns that may make a page upright, most likely first, computed as they are asked
    for: lines across the page are upright or upside down; then OSD's guess (or the stored turn) and the others,
    those that put lines running down the page across it first."""
    axis = line_direction(image)
    tried = (0, 180) if axis == 0 else ()
    yield from tried
    guess = detect_rotation(image)
    first = guess.rotation if guess is not None else (axis or 0)
    order = [(first + turn) % 360 for turn in (0, 180, 90, 270)]
    if axis == 90:
        order.sort(key=lambda rotation: rotation % 180 != 90)
    yield from (rotation for rotation in order if rotation not in tried)


def read_page(image: np.ndarray, languages: str = DEFAULT_LANGUAGES) -> OcrPage:
    """Turn a page upright, straighten its skew and read it; each turn is tried, most likely first, until one reads
    well (else the one that read best is kept); small print is read again enlarged; then doubtful words are read a
    second time and text-sized ink no word covers is read alone. The page records the rotation and skew found."""
    from vigie.documents.second_reading import second_reading  # these build on OcrPage: imported here, not above
    from vigie.documents.unread_ink import read_unread_ink

    if is_blank(image):
        return recognise(image, languages)  # whatever specks are there, as stored: no turn would read better
    best: Optional[tuple[OcrPage, np.ndarray, Optional[np.ndarray], tuple[int, int]]] = None
    for rotation in rotations_to_try(image):
        upright = turn_upright(image, rotation)
        reading, straight, matrix = _read_straightened(upright, languages, rotation)
        if best is None or _reading_score(reading) > _reading_score(best[0]):
            best = (reading, straight, matrix, (upright.shape[1], upright.shape[0]))  # ties keep the first: as stored
        if reads_well(reading):
            break
    reading, straight, matrix, size = best
    reading = _read_small_text_enlarged(straight, reading) or second_reading(straight, reading)
    return _on_upright(read_unread_ink(straight, reading), matrix, size)


def text_height(page: OcrPage) -> float:
    """The median height in pixels of the confident words of two letters or digits or more (0 when none)."""
    heights = [w.box[3] - w.box[1] for w in _confident_words(page)]
    return float(np.median(heights)) if heights else 0.0


def contrast_stretched(image: np.ndarray) -> np.ndarray:
    """A grey page with each pixel's darkness against the paper around it multiplied by STRETCH: faint print (a
    card photographed small, grey on a tinted ground) comes out black on white, as Tesseract reads best."""
    page = grey(image)
    paper = cv2.dilate(page, np.ones((PAPER_WINDOW, PAPER_WINDOW), np.uint8))  # the lightest pixel around
    darkness = paper.astype(np.int16) - page.astype(np.int16)
    return np.clip(255 - STRETCH * darkness, 0, 255).astype(np.uint8)


def _read_small_text_enlarged(image: np.ndarray, reading: OcrPage) -> Optional[OcrPage]:
    """A page of small print (a card scanned at 200 dpi) read again twice as large, with its second reading and
    its boxes brought back to `image`; None when the print is not small or the enlarged page reads no better."""
    from vigie.documents.second_reading import second_reading

    height = text_height(reading)
    if not 0 < height < SMALL_TEXT_PX:
        return None
    big = cv2.resize(image, None, fx=ENLARGEMENT, fy=ENLARGEMENT, interpolation=cv2.INTER_CUBIC)
    readings = [(recognise(version, reading.languages, reading.rotation, reading.skew_deg), version)
                for version in (big, contrast_stretched(big))]
    enlarged, big = max(readings, key=lambda item: _reading_score(item[0]))  # ties keep the page as printed
    if _reading_score(enlarged) <= _reading_score(reading):
        return None
    enlarged = second_reading(big, enlarged)
    words = [OcrWord(w.text, tuple(int(round(v / ENLARGEMENT)) for v in w.box), w.confidence, w.line, w.block)
             for w in enlarged.words]
    return OcrPage(reading.width, reading.height, words, reading.languages, reading.rotation, reading.skew_deg)


# common function words per language; words shared between languages count for each, so only the others decide
FUNCTION_WORDS = {
    "fra": frozenset("le la les de des du un une et est en au aux pour par sur dans avec ce cette ces qui que "
                     "ne pas plus son sa ses leur nous vous il elle ou été être avant après selon votre notre "
                     "à lieu fait".split()),
    "eng": frozenset("the and of to in for is on with by this that from at are be was as an or not your our you "
                     "it have has will which please before after".split()),
    "deu": frozenset("der die das und ist nicht mit von zu den dem für auf ein eine sie wir ihr bitte oder "
                     "auch bei".split()),
    "spa": frozenset("de la el en que le los las del y es por para con una se su al lo como más pero sus muy "
                     "usted".split()),
    "ita": frozenset("di la il le che è per una sono della con gli alla nel delle degli anche più".split()),
}
ACCENTS = {"fra": re.compile("[éèêëàâçùûôîïœ]"), "deu": re.compile("[äöüß]"), "spa": re.compile("[áíóúñ]")}
_LETTERS = re.compile(r"[^\W\d_]+")


def _language_hits(tokens: list[str], language: str) -> int:
    """Tokens that point to a language: its function words, or letters with its accents (which carry short,
    prose-free pages such as a tiers-payant card)."""
    accents = ACCENTS.get(language)
    return sum(t in FUNCTION_WORDS[language] or bool(accents and accents.search(t)) for t in tokens)


def guess_language(page: OcrPage) -> str:
    """"fra", "eng", "other" (text in a language outside those two) or "unknown" (too few words to tell), from the
    share of common function words and accented letters: cheap, and enough to flag a page in another language."""
    tokens = [t.lower() for w in page.words if w.confidence >= MIN_TEXT_CONFIDENCE for t in _LETTERS.findall(w.text)]
    if len(tokens) < MIN_LANGUAGE_WORDS:
        return "unknown"
    hits = {language: _language_hits(tokens, language) for language in FUNCTION_WORDS}
    best = max(hits, key=hits.get)
    if hits[best] < max(2, MIN_STOPWORD_SHARE * len(tokens)):
        return "other"
    return best if best in ("fra", "eng") else "other"
