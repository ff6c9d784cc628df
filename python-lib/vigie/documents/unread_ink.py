"""Ink the page's reading left without words, read alone: Tesseract's layout analysis drops short, isolated text
(a one-digit quantity alone in its table cell, a small grey label beside a value) as noise, so no second reading
of its words can bring it back.

Ink is what is darker than the Otsu threshold of the page with its contrast to the paper stretched
(`ocr.contrast_stretched`), so thin grey labels count. Word boxes are cleared from it, letters closed into words,
and each remaining patch of a text line's height is cut out and read as one line (`second_reading.read_cut`), as
printed and stretched, the more confident reading kept (stretching thickens bold print: "Remb." read "Reab.").
A confident reading joins the OCR line it sits on (a new line when none), so "N°" + "AMC" read as one label again.

Ink touching a read word is a glyph its box clipped. When it stands as tall as the word's letters it may be a whole
character the reading dropped ("12/07/2022" read "12/07/202", the last "2" outside the box): the word is read again
with that ink, and the new reading kept only when it is the old text with characters added on that side.
"""

from __future__ import annotations

from typing import Optional

import cv2
import numpy as np

from vigie.core.results import Box, union
from vigie.documents.ocr import OcrPage, OcrWord, contrast_stretched, text_height
from vigie.documents.table_rules import rules_in

WORD_MARGIN = 2  # pixels around each read word cleared from the ink
LETTER_GAP = 0.8  # text heights: ink closer than this across is one word
TOUCHING = 0.25  # text heights: a patch this close to a read word is a clipped part of that word
PATCH_HEIGHTS = (0.4, 1.6)  # text heights: a patch lower than this is a speck, higher a drawing or a logo
MAX_PATCH_WIDTH = 25  # text heights: wider is a rule or a signature
MIN_INK_SHARE = 0.08  # of a patch's box: fainter is noise
MIN_PATCH_AREA = 0.1  # square text heights of ink a patch holds at least
KEEP_CONFIDENCE = 0.75  # a patch's reading is kept when at least this confident
CLIPPED_GLYPH_HEIGHT = 0.7  # of the touched word's height: a clipped patch this tall may be a dropped character
MAX_PATCHES = 40  # per page, largest first: bounds the cost (about 5 ms a patch)


def unread_patches(grey: np.ndarray, page: OcrPage) -> list[Box]:
    """Boxes of text-sized ink patches no word of `page` covers nor touches, largest first (at most MAX_PATCHES)."""
    height = text_height(page)
    return _free(_ink_patches(grey, page, height), page, height)


def clipped_glyphs(grey: np.ndarray, page: OcrPage) -> list[tuple[OcrWord, Box]]:
    """(word, patch) pairs of ink patches touching one read word (not two: which one clipped it is unknown) beside
    it (centred outside its columns: ink around a small box is the rest of its own glyph, a "%" boxed by one of its
    rings) and as tall as its letters: characters the word's reading may have dropped, largest first (at most
    MAX_PATCHES)."""
    height = text_height(page)
    return _clipped(_ink_patches(grey, page, height), page, height)


def _free(patches: list[Box], page: OcrPage, height: float) -> list[Box]:
    """The patches no word of `page` touches, at most MAX_PATCHES."""
    return [box for box in patches if not _touched_words(box, page, TOUCHING * height)][:MAX_PATCHES]


def _clipped(patches: list[Box], page: OcrPage, height: float) -> list[tuple[OcrWord, Box]]:
    """The (word, patch) pairs of `clipped_glyphs` among `patches`."""
    pairs = []
    for box in patches:
        touched = _touched_words(box, page, TOUCHING * height)
        if (len(touched) == 1 and box[3] - box[1] >= CLIPPED_GLYPH_HEIGHT * (touched[0].box[3] - touched[0].box[1])
                and _side(touched[0], box) is not None):
            pairs.append((touched[0], box))
    return pairs[:MAX_PATCHES]


def _ink_patches(grey: np.ndarray, page: OcrPage, height: float) -> list[Box]:
    """Boxes of text-sized ink patches outside the words of `page`, largest first."""
    if height <= 0:
        return []
    threshold, _ = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (grey < threshold).astype(np.uint8)
    ink &= 1 - cv2.dilate(rules_in(ink), np.ones((3, 3), np.uint8))  # faint rules the reading kept box its cells in
    for word in page.words:
        x0, y0, x1, y1 = word.box
        ink[max(0, y0 - WORD_MARGIN):y1 + WORD_MARGIN, max(0, x0 - WORD_MARGIN):x1 + WORD_MARGIN] = 0
    closing = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(LETTER_GAP * height)), 1))
    count, _, stats, _ = cv2.connectedComponentsWithStats(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, closing), 8)
    patches = []
    for x, y, w, h, _ in stats[1:count]:
        inked = int(ink[y:y + h, x:x + w].sum())
        if (PATCH_HEIGHTS[0] * height <= h <= PATCH_HEIGHTS[1] * height and w <= MAX_PATCH_WIDTH * height
                and inked >= MIN_INK_SHARE * w * h and inked >= MIN_PATCH_AREA * height * height):
            patches.append((inked, (int(x), int(y), int(x + w), int(y + h))))
    patches.sort(key=lambda item: -item[0])
    return [box for _, box in patches]


def _touched_words(box: Box, page: OcrPage, gap: float) -> list[OcrWord]:
    """The read words ending or starting within `gap` pixels of a patch, on its rows: the patch is then part of a
    glyph one of their boxes clipped (the tail of a Q), not a word of its own."""
    return [w for w in page.words if min(box[3], w.box[3]) > max(box[1], w.box[1])
            and max(w.box[0] - box[2], box[0] - w.box[2]) <= gap]


def _line_of(box: Box, page: OcrPage) -> Optional[OcrWord]:
    """A word of the line a patch sits on: the word overlapping the patch's rows most, if it overlaps half of
    them; None when the patch is on no read line."""
    best, best_overlap = None, 0.5 * (box[3] - box[1])
    for word in page.words:
        overlap = min(box[3], word.box[3]) - max(box[1], word.box[1])
        if overlap > best_overlap:
            best, best_overlap = word, overlap
    return best


def read_unread_ink(image: np.ndarray, page: OcrPage) -> OcrPage:
    """The page with the words that clipped a dropped character read again with it, then the confident readings of
    its unread ink patches added to the lines they sit on; `image` is the page as it was read (same pixels as the
    word boxes). The ink is found once: a word read again only grows over the patch it clipped."""
    from vigie.documents.second_reading import line_reader, mean_confidence, mostly_inside

    stretched = contrast_stretched(image)  # thin grey print as black as the rest
    height = text_height(page)
    patches = _ink_patches(stretched, page, height)
    page = _with_clipped_glyphs_read(image, stretched, page, _clipped(patches, page, height))
    new_line = max((w.line for w in page.words), default=-1) + 1
    added: list[OcrWord] = []
    for box in _free(patches, page, height):
        model = _line_of(box, page) or OcrWord("", box, 0.0, new_line)
        readings = _readings(image, stretched, box, box[3] - box[1], model, line_reader(page.languages))
        words = [w for w in max(readings, key=mean_confidence)  # ties keep the page as printed
                 if w.confidence >= KEEP_CONFIDENCE and any(ch.isalnum() for ch in w.text)
                 and mostly_inside(w.box, box) and not any(mostly_inside(w.box, o.box) for o in page.words)]
        if words and model.line == new_line:
            new_line += 1
        added.extend(words)
    if not added:
        return page
    return OcrPage(page.width, page.height, _merged(page.words, added), page.languages, page.rotation,
                   page.skew_deg)


def _readings(image: np.ndarray, stretched: np.ndarray, box: Box, text_height: int, model: OcrWord,
              reader) -> list[list[OcrWord]]:
    """A cut of the page read as printed and with its contrast stretched (stretching thickens bold print)."""
    from vigie.documents.second_reading import read_cut

    return [read_cut(version, box, text_height, model, reader) for version in (image, stretched)]


def _with_clipped_glyphs_read(image: np.ndarray, stretched: np.ndarray, page: OcrPage,
                              clipped: list[tuple[OcrWord, Box]]) -> OcrPage:
    """`page` with each word of a (word, clipped glyph) pair replaced by its reading with the glyph, when that
    reading is confident and is the word's text with characters added on the glyph's side (as printed or
    stretched, the more confident)."""
    from vigie.documents.second_reading import line_reader, mean_confidence, mostly_inside

    glyphs: dict[int, tuple[OcrWord, list[Box]]] = {}
    for word, patch in clipped:
        glyphs.setdefault(id(word), (word, []))[1].append(patch)
    replaced: dict[int, list[OcrWord]] = {}
    for word, patches in glyphs.values():
        others = [w for w in page.words if w is not word]
        readings = [[w for w in reading if not any(mostly_inside(w.box, o.box) for o in others)]
                    for reading in _readings(image, stretched, union([word.box, *patches]),
                                             word.box[3] - word.box[1], word, line_reader(page.languages))]
        kept = [r for r in readings if r and min(w.confidence for w in r) >= KEEP_CONFIDENCE
                and _adds_characters(word, patches, "".join(w.text for w in r))]
        if kept:
            replaced[id(word)] = max(kept, key=mean_confidence)  # ties keep the page as printed
    if not replaced:
        return page
    words = [new for w in page.words for new in replaced.get(id(w), [w])]
    return OcrPage(page.width, page.height, words, page.languages, page.rotation, page.skew_deg)


def _side(word: OcrWord, patch: Box) -> Optional[str]:
    """"left" or "right" of the word a patch's centre lies; None when it lies within the word's columns."""
    centre = (patch[0] + patch[2]) / 2
    return "left" if centre < word.box[0] else "right" if centre > word.box[2] else None


def _adds_characters(word: OcrWord, patches: list[Box], text: str) -> bool:
    """Whether `text` is the word's text with letters or digits added on the sides its clipped patches lie, the
    word's character nearest the patch aside when the word is three characters or more (the glyph cut there may
    have been misread: "Nombre" read "Non", "17 juin" read "suin"); a reading changing more is another reading of
    the word, no clipped character found, and one adding only punctuation read a speck ("-GILLET")."""
    sides = {_side(word, p) for p in patches}
    if sides == {"left", "right"}:
        keeps = word.text in text
    elif sides == {"right"}:
        keeps = text.startswith(word.text if len(word.text) < 3 else word.text[:-1])
    else:
        keeps = text.endswith(word.text if len(word.text) < 3 else word.text[1:])
    return keeps and sum(ch.isalnum() for ch in text) > sum(ch.isalnum() for ch in word.text)


def _merged(words: list[OcrWord], added: list[OcrWord]) -> list[OcrWord]:
    """`words` with `added` put into their lines, left to right; a new line goes last."""
    lines: dict[int, list[OcrWord]] = {}
    for word in added:
        lines.setdefault(word.line, []).append(word)
    merged: list[OcrWord] = []
    for word in words:
        if word.line not in lines:
            merged.append(word)
        elif lines[word.line]:  # the line's first word: the whole line, sorted, in its place
            line = [w for w in words if w.line == word.line] + lines[word.line]
            merged.extend(sorted(line, key=lambda w: w.box[0]))
            lines[word.line] = []
    return merged + sorted((w for ws in lines.values() for w in ws), key=lambda w: (w.line, w.box[0]))
