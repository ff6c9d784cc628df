"""Printed-text OCR with Tesseract 5 through its tesserocr binding: words with boxes and confidences, in lines.

`OcrPage` is the shape every later step reads (typing, field extraction, consistency checks, watchlist): words in
reading order, each with its pixel box, a confidence in [0, 1] and the index of the text line it belongs to.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
from PIL import Image

from vigie.core.errors import VigieError
from vigie.core.results import Box

DEFAULT_LANGUAGES = "fra+eng"
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
    rotation: int = 0  # degrees clockwise the page was turned before reading (0, 90, 180, 270)
    skew_deg: float = 0.0  # skew corrected before reading

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
        text = (item.GetUTF8Text(RIL.WORD) or "").strip()
        bounds: Optional[tuple[int, int, int, int]] = item.BoundingBox(RIL.WORD)
        if not text or bounds is None:
            continue
        x0, y0, x1, y1 = bounds
        words.append(OcrWord(text, (int(x0), int(y0), int(x1), int(y1)),
                             float(item.Confidence(RIL.WORD)) / 100.0, max(line_index, 0), max(block_index, 0)))
    api.Clear()
    return OcrPage(width, height, words, languages, rotation, skew_deg)
