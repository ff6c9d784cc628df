"""Vigie's own printed-word recogniser: a small convolutional network read with CTC, trained on the words of
synthetic claim pages as scanned, faded and recompressed (`word_recognizer_training`); a second opinion on the
words Tesseract reads with little confidence.

Tesseract's shipped models cannot be fine-tuned (they are integer models), and on faint toner they read "8" as "S"
and drop thin digits. The network reads a cut of the page the height of the text line, its contrast stretched from
paper to darkest ink, so faded print reaches it as dark as any other. It runs through OpenCV's DNN module from an
ONNX file in resource/models, so reading needs no deep-learning framework.
"""

from __future__ import annotations

import hashlib
import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Optional

import cv2
import numpy as np

from vigie.core.ctc import Decoded, greedy_decode
from vigie.core.results import Box
from vigie.documents.ocr import OcrWord
from vigie.documents.orientation import grey
from vigie.runtime.plugin import resource_path

MODEL_NAME = "word_recognizer.onnx"  # with its alphabet and figures in word_recognizer.json
INPUT_HEIGHT = 32  # pixels: every cut is scaled to this height
WIDTH_STEP = 4  # the network's frames are 4 pixels wide: a cut's width is rounded up to a multiple of it
MAX_WIDTH = 1024
PAPER_PERCENTILE = 90  # of a cut's grey levels: its paper
INK_PERCENTILE = 1  # its darkest ink
MIN_CONTRAST = 40  # grey levels: a cut fainter than this (blank paper) is not stretched to noise
VERTICAL_MARGIN = 0.15  # of the line's height, above and below the line
HORIZONTAL_MARGIN = 0.3  # of the line's height, left and right of the words
_nets = threading.local()


def cut_box(box: Box, line_top: int, line_bottom: int, size: tuple[int, int]) -> Box:
    """The part of a page (width, height) read for words in `box` on a line from `line_top` to `line_bottom`: the
    line's full height (a word of small letters gets the height of its line, as in training) with margins."""
    top, bottom = min(box[1], line_top), max(box[3], line_bottom)
    height = max(1, bottom - top)
    vertical, horizontal = int(round(VERTICAL_MARGIN * height)), int(round(HORIZONTAL_MARGIN * height))
    width, page_height = size
    return (max(0, box[0] - horizontal), max(0, top - vertical), min(width, box[2] + horizontal),
            min(page_height, bottom + vertical))


def normalised_cut(pixels: np.ndarray) -> np.ndarray:
    """A grey cut as the network reads it: INPUT_HEIGHT high, width a multiple of WIDTH_STEP, ink 1 and paper 0
    with the cut's own paper and darkest ink as the ends of the scale."""
    height, width = pixels.shape[:2]
    scaled_width = int(np.clip(round(width * INPUT_HEIGHT / max(1, height)), WIDTH_STEP, MAX_WIDTH))
    scaled_width = -(-scaled_width // WIDTH_STEP) * WIDTH_STEP
    cut = cv2.resize(pixels, (scaled_width, INPUT_HEIGHT), interpolation=cv2.INTER_AREA
                     if height > INPUT_HEIGHT else cv2.INTER_CUBIC).astype(np.float32)
    paper, ink = np.percentile(cut, PAPER_PERCENTILE), np.percentile(cut, INK_PERCENTILE)
    return np.clip((paper - cut) / max(float(paper - ink), MIN_CONTRAST), 0.0, 1.0)


class WordRecognizer:
    """The shipped network and its alphabet."""

    def __init__(self, model: Path):
        self.net = cv2.dnn.readNetFromONNX(str(model))
        self.alphabet: str = json.loads(model.with_suffix(".json").read_text(encoding="utf-8"))["alphabet"]

    def log_probs(self, cut: np.ndarray) -> np.ndarray:
        """The network's (frames, classes) log-probabilities for a normalised cut."""
        self.net.setInput(cut[None, None].astype(np.float32))
        return self.net.forward()[0].T

    def read(self, grey_cut: np.ndarray) -> Decoded:
        """The text of a grey cut of a page and its confidence."""
        return greedy_decode(self.log_probs(normalised_cut(grey_cut)), self.alphabet)


def model_path() -> Path:
    """Where the shipped model lies."""
    return resource_path("models", MODEL_NAME)


@lru_cache(maxsize=1)
def model_digest() -> str:
    """A digest of the shipped model ("" when none): part of the OCR cache key, as another model reads otherwise."""
    path = model_path()
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


def word_recognizer() -> Optional[WordRecognizer]:
    """The shipped recogniser, one per thread (OpenCV nets are not shared across threads); None when not shipped."""
    if not hasattr(_nets, "recognizer"):
        _nets.recognizer = WordRecognizer(model_path()) if model_path().exists() else None
    return _nets.recognizer


def line_cut(image: np.ndarray, box: Box, line: list[OcrWord]) -> np.ndarray:
    """The grey cut of `image` the recogniser reads for the words in `box` on a line of words."""
    top, bottom = int(np.median([w.box[1] for w in line])), int(np.median([w.box[3] for w in line]))
    x0, y0, x1, y1 = cut_box(box, top, bottom, (image.shape[1], image.shape[0]))
    return grey(image[y0:y1, x0:x1])
