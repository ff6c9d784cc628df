"""Second reading of doubtful words: runs of words Tesseract read with little confidence (or numbers of three
digits or more read below NUMBER_REREAD_CONFIDENCE) are cut from the page, enlarged so their text is REREAD_HEIGHT
pixels high and read again as one line; a run's words are replaced by the second reading when it is more confident,
unless the first reading spells an identifier with a valid check key that the second breaks (`completes_a_key`).
Vigie's own recogniser (`word_recognizer`) then reads the run too, and replaces characters Tesseract misread when
it is sure of them (`recognised_reading`).

Act codes in shaded table cells, identifiers and small print are what the first, whole-page reading gets wrong;
read alone at a size Tesseract reads best, many come out right. The second reading uses the page's languages and
no character whitelist: on the dev corpus, restricting codes and numbers to capitals and digits fixed fewer fields
than it broke (extraction exact-match +1.3 points on train instead of +2.6). At most MAX_REREAD_RUNS runs per page,
least confident first, keep the cost bounded.
"""

from __future__ import annotations

import threading
from typing import Optional

import cv2
import numpy as np
from PIL import Image

from vigie.core.results import Box, union
from vigie.documents import identifier_keys as keys
from vigie.documents.ocr import OcrPage, OcrWord, tessdata_dir
from vigie.documents.ocr_confusions import fold_confusions
from vigie.documents.orientation import grey
from vigie.documents.word_recognizer import line_cut, word_recognizer

# Tesseract reads 200-dpi digits best near 28 px: on the lines tried, 20 and 48 px misread digits that 28 px read.
REREAD_CONFIDENCE = 0.6
# A number read below these is doubtful too, by its count of digits: a long one (an identifier) below 0.9, a short
# one (an amount's thousands, "1471" for "4 471") below 0.85: on the dev corpora, short numbers read again from 0.85
# to 0.9 came out worse as often as better.
NUMBER_REREAD_CONFIDENCE = {5: 0.9, 3: 0.85}  # least digits -> confidence, longest first
REREAD_MAX_GAP = 3.0  # line heights between two doubtful words of one run
MAX_REREAD_RUNS = 20  # lone characters compete for these since reader 7: at 10 they crowded out whole values
REREAD_HEIGHT = 28
REREAD_MARGIN = 6
REREAD_BORDER = 10
# A lone character (a table cell's quantity) is also read larger and cut tighter: at 28 px with the usual margin,
# Tesseract took a printed "1" for "L" or "a", which the larger, tighter cut read as "1".
LONE_CHARACTER_HEIGHT = 40
LONE_CHARACTER_MARGIN = 3
RECOGNISER_CONFIDENCE = 0.95  # Vigie's recogniser's characters replace Tesseract's when it is this sure of each
_readers = threading.local()


def line_reader(languages: str):
    """One single-line Tesseract engine per thread and language set, created once."""
    import tesserocr

    engines = getattr(_readers, "engines", None)
    if engines is None:
        engines = _readers.engines = {}
    if languages not in engines:
        engines[languages] = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang=languages,
                                                     psm=tesserocr.PSM.SINGLE_LINE)
    return engines[languages]


def is_doubtful(word: OcrWord) -> bool:
    """A word read below REREAD_CONFIDENCE, or a number of three digits or more read below its
    NUMBER_REREAD_CONFIDENCE."""
    digits = sum(ch.isdigit() for ch in word.text)
    threshold = next((c for least, c in NUMBER_REREAD_CONFIDENCE.items() if digits >= least), REREAD_CONFIDENCE)
    return word.confidence < max(REREAD_CONFIDENCE, threshold)


def doubtful_runs(line: list[OcrWord]) -> list[list[OcrWord]]:
    """Runs of consecutive doubtful words of a line (no confident word or table rule between, gap under
    REREAD_MAX_GAP line heights): each is one value to read again, not a span across a form or a table's cells. A
    speck right beside a run (a mark holding no letter or digit) joins it: it may be a character misread ("5 747 €"
    read "> 747 €")."""
    text_height = max(1.0, float(np.median([w.box[3] - w.box[1] for w in line])))
    runs: list[list[OcrWord]] = []
    previous: Optional[OcrWord] = None
    for word in line:
        if not is_doubtful(word) or not _may_be_text(word, text_height):  # a cell border ("|") ends a run too
            previous = None
            continue
        if previous is not None and word.box[0] - previous.box[2] <= REREAD_MAX_GAP * text_height:
            runs[-1].append(word)
        else:
            runs.append([word])
        previous = word
    return [_with_specks_beside(run, line, text_height) for run in runs]


SPECK_GAP = 2.0  # line heights: a speck this near a doubtful run may be one of its characters misread


def _with_specks_beside(run: list[OcrWord], line: list[OcrWord], text_height: float) -> list[OcrWord]:
    """A run with the speck just before and just after it on its line, if any is within SPECK_GAP."""
    first = next(i for i, w in enumerate(line) if w is run[0])
    before, after = line[max(0, first - 1):first], line[first + len(run):first + len(run) + 1]
    return ([w for w in before if _is_speck(w, run) and run[0].box[0] - w.box[2] <= SPECK_GAP * text_height] + run
            + [w for w in after if _is_speck(w, run) and w.box[0] - run[-1].box[2] <= SPECK_GAP * text_height])


def _is_speck(word: OcrWord, run: list[OcrWord]) -> bool:
    """A mark read with no letter or digit, no table rule, centred in the middle half of the run's height, where a
    misread character sits (not a quote mark above, nor a full stop below)."""
    top, bottom = min(w.box[1] for w in run), max(w.box[3] for w in run)
    centre = (word.box[1] + word.box[3]) / 2
    return (not any(ch.isalnum() for ch in word.text) and not set(word.text) & RULE_MARKS
            and top + (bottom - top) / 4 <= centre <= bottom - (bottom - top) / 4)


TEXT_TALL_SPECK = 0.7  # of the line's text height: a colon, dot or cross this tall is a character misread
RULE_MARKS = set("|¦-–—_=~")  # what OCR makes of a table's rules: never text


def _may_be_text(word: OcrWord, text_height: float) -> bool:
    """Whether a word may hold letters or digits: it does, or it is punctuation as tall as the line's text (a
    lone "1" read ":" or "+"), not a cell border."""
    return any(ch.isalnum() for ch in word.text) or (
        not set(word.text) & RULE_MARKS and word.box[3] - word.box[1] >= TEXT_TALL_SPECK * text_height)


def runs_to_reread(page: OcrPage) -> list[tuple[list[OcrWord], list[OcrWord]]]:
    """(line, run of its doubtful words) pairs worth a second reading, least confident first, MAX_REREAD_RUNS at
    most; a lone character counts (a table cell's quantity "1" read "L")."""
    doubtful = [(min(w.confidence for w in run), line, run) for line in page.lines() for run in doubtful_runs(line)]
    doubtful.sort(key=lambda item: item[0])
    return [(line, run) for _, line, run in doubtful[:MAX_REREAD_RUNS]]


def mostly_inside(box: Box, other: Box) -> bool:
    """Whether most of a box's width lies within another's columns, on overlapping rows: a word read in the margin
    of a cut is a neighbour already read."""
    across = min(box[2], other[2]) - max(box[0], other[0])
    return across > 0.5 * (box[2] - box[0]) and min(box[3], other[3]) > max(box[1], other[1])


def read_cut(image: np.ndarray, box: Box, text_height: int, model: OcrWord, reader, read_height: int = REREAD_HEIGHT,
             margin: int = REREAD_MARGIN) -> list[OcrWord]:
    """The words of one cut of the page (`margin` pixels around `box`), enlarged so text of `text_height` pixels
    is `read_height` high and read as one line; boxes back on the page, line and block those of `model`."""
    height, width = image.shape[:2]
    x0, y0 = max(0, box[0] - margin), max(0, box[1] - margin)
    x1, y1 = min(width, box[2] + margin), min(height, box[3] + margin)
    if x1 <= x0 or y1 <= y0:
        return []
    crop = image[y0:y1, x0:x1]
    crop = grey(crop)
    scale = max(1.0, read_height / max(1, text_height))
    if scale > 1:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    crop = cv2.copyMakeBorder(crop, *([REREAD_BORDER] * 4), cv2.BORDER_REPLICATE)
    from tesserocr import RIL, iterate_level

    reader.SetImage(Image.fromarray(np.ascontiguousarray(crop)))
    reader.Recognize()
    words = []
    iterator = reader.GetIterator()
    for item in (iterate_level(iterator, RIL.WORD) if iterator is not None else []):
        try:
            text = (item.GetUTF8Text(RIL.WORD) or "").strip()
        except RuntimeError:
            continue
        bounds = item.BoundingBox(RIL.WORD)
        if not text or bounds is None:
            continue
        bx0, by0, bx1, by1 = ((v - REREAD_BORDER) / scale for v in bounds)
        page_box = (int(np.clip(x0 + bx0, 0, width)), int(np.clip(y0 + by0, 0, height)),
                    int(np.clip(x0 + np.ceil(bx1), 0, width)), int(np.clip(y0 + np.ceil(by1), 0, height)))
        words.append(OcrWord(text, page_box, float(item.Confidence(RIL.WORD)) / 100.0, model.line, model.block))
    reader.Clear()
    return words


def mean_confidence(words: list[OcrWord]) -> float:
    """The mean confidence of a reading's words (0 for no word): how two readings of one cut are compared."""
    return float(np.mean([w.confidence for w in words])) if words else 0.0


def reread_run(image: np.ndarray, line: list[OcrWord], run: list[OcrWord], languages: str) -> list[OcrWord]:
    """The run read again, twice (between its own top and bottom, and between the line's median top and bottom:
    a speck stretching one box, or a neighbouring line merged into it, spoils one of the two), the more confident
    reading kept (a lone character is read a third time, larger); the run itself when none beats the first
    reading. A word read over a neighbour of the run (a run's box drawn too wide takes in the next words) is that
    neighbour again, not kept twice."""
    text_height = int(np.median([w.box[3] - w.box[1] for w in line]))
    box = union([w.box for w in run])
    median_top, median_bottom = int(np.median([w.box[1] for w in line])), int(np.median([w.box[3] for w in line]))
    reader = line_reader(languages)
    neighbours = [w for w in line if all(w is not r for r in run)]
    cuts = [(top, bottom, REREAD_HEIGHT, REREAD_MARGIN)
            for top, bottom in sorted({(box[1], box[3]), (median_top, median_bottom)})]
    if len(run) == 1 and len(run[0].text) == 1:
        cuts.append((box[1], box[3], LONE_CHARACTER_HEIGHT, LONE_CHARACTER_MARGIN))
    best, best_keyed = run, completes_a_key(line, run, run)  # a first reading spelling a valid key stays
    for top, bottom, read_height, margin in cuts:
        words = [w for w in read_cut(image, (box[0], top, box[2], bottom), text_height, run[0], reader, read_height,
                                     margin)
                 if not any(mostly_inside(w.box, n.box) for n in neighbours)]
        if best_keyed and not completes_a_key(line, run, words):
            continue
        if words and mean_confidence(words) > mean_confidence(best):
            best = words
    recognised = recognised_reading(image, line, box, best)
    if recognised and not (best_keyed and not completes_a_key(line, run, recognised)):
        return recognised
    return best


def recognised_reading(image: np.ndarray, line: list[OcrWord], box: Box, reading: list[OcrWord]) -> list[OcrWord]:
    """`reading` with the characters Vigie's recogniser reads in `box` in place of its own, when the recogniser
    reads as many characters (spaces aside), none of its letters or digits as a mark, at least
    RECOGNISER_CONFIDENCE sure of each; none otherwise, or when the model is not shipped. Tesseract's words and
    boxes are kept, with the recogniser's confidence (also where both read alike), and so is a digit where both
    read a digit.

    On the dev corpora, the recogniser's confident readings that add or drop a character were as often wrong as
    right ("FJH" read "FH", "112€" read "112"), as were a lone letter or digit read as a mark (a quantity "1" read
    ":"); a digit it read as another digit was wrong 34 times in 35 (a typewriter font's zeros read as nines, a
    NIR's among them); the look-alikes it told apart were mostly right ("SO20562" for "8020562", "HBLDO38" for
    "HBLD038", "PETITIEAN" for "PETITJEAN")."""
    recognizer = word_recognizer()
    if recognizer is None:
        return []
    decoded = recognizer.read(line_cut(image, box, line))
    characters, first = decoded.text.replace(" ", ""), "".join(w.text for w in reading)
    if decoded.confidence < RECOGNISER_CONFIDENCE or len(characters) != len(first) or any(
            old.isalnum() and not new.isalnum() for old, new in zip(first, characters)):
        return []
    merged = "".join(old if old.isdigit() and new.isdigit() else new for old, new in zip(first, characters))
    words, start = [], 0
    for word in reading:
        words.append(OcrWord(merged[start:start + len(word.text)], word.box, decoded.confidence, word.line,
                             word.block))
        start += len(word.text)
    return words


# Identifiers a line's digit groups may spell, by length, with their check key: a first reading that makes one valid
# is not replaced by a more confident one that breaks it ("371 254 343 OO754", a SIRET, read again "11754" at 0.54
# over 0.26). A reading is never preferred for making a key valid: one misread in ten passes a Luhn key by chance,
# and would hide a wrong key printed on purpose.
KEYED_LENGTHS = {9: keys.check_siren, 11: keys.check_rpps, 14: keys.check_siret, 15: keys.check_nir}


def completes_a_key(line: list[OcrWord], run: list[OcrWord], reading: list[OcrWord]) -> bool:
    """Whether `reading`, put in the place of `run` on its line, makes the digit groups around it (look-alike
    letters folded) spell an identifier with a valid check key."""
    if not reading:
        return False
    at = next(i for i, w in enumerate(line) if w is run[0])
    words = line[:at] + reading + line[at + len(run):]
    groups = [fold_confusions(w.text) for w in words]
    start, end = at, at + len(reading)
    if not all(g.isdigit() for g in groups[start:end]):
        return False
    while start > 0 and groups[start - 1].isdigit():
        start -= 1
    while end < len(groups) and groups[end].isdigit():
        end += 1
    digits = "".join(groups[start:end])
    check = KEYED_LENGTHS.get(len(digits))
    return check is not None and check(digits).valid is True


def second_reading(image: np.ndarray, page: OcrPage) -> OcrPage:
    """The page with each doubtful run (at most MAX_REREAD_RUNS) replaced by its second reading when that reading
    is more confident; `image` is the page as it was read (same pixels as the word boxes)."""
    replaced: dict[int, list[OcrWord]] = {}
    dropped: set[int] = set()
    for line, run in runs_to_reread(page):
        words = reread_run(image, line, run, page.languages)
        if words is not run:
            replaced[id(run[0])] = words
            dropped.update(id(w) for w in run[1:])
    if not replaced:
        return page
    words = []
    for word in page.words:
        if id(word) in dropped:
            continue
        words.extend(replaced.get(id(word), [word]))
    return OcrPage(page.width, page.height, words, page.languages, page.rotation, page.skew_deg)
