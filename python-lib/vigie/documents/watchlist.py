"""Watchlist scan of one OCR page: exact identifier hits after OCR-confusion folding, fuzzy person-name hits.

Identifiers (IBAN, RPPS, ADELI, FINESS, SIRET, SIREN, NIR, BIC) are printed in groups and read by OCR as several
words, with look-alike glyphs swapped. Each line's characters are folded (`identifier_key`) into one stream with
the word boundaries, separators and letter/digit changes marked; a watchlisted key is hit when it occupies a run of
that stream that starts and ends on such a boundary, so "FR76 3O00 ..." hits FR7630000... but a watchlisted RPPS is
not found inside a longer number. Names are compared with rapidfuzz's token-sort ratio on accent-, case- and
look-alike-folded words, over windows of consecutive words of each line, so "RAYNAUD Bernard" hits the entry
"Bernard Raynaud".

OCR also misreads digits outright (9 read as 0, 6 as 5, a digit dropped). An identifier of a CHECKED_KINDS kind and
of MIN_TOLERANT_LENGTH characters or more is therefore also hit, with score ONE_EDIT_SCORE, when the page shows it
with one character substituted (or, for keys of MIN_SHIFT_TOLERANT_LENGTH characters or more, missing or extra).
These kinds carry a key that catches any single substitution (Luhn for RPPS, ADELI, FINESS, SIREN and SIRET, mod 97
for IBAN and NIR), so a number of the same length one character away from a watchlisted one is a misreading or a
miskeying of it, never another valid identifier. A dropped or extra digit is not caught by the key: against a large
watchlist of 9-digit numbers, an 8-digit group of a tax number or a phone number would match by chance, hence the
longer minimum. Nor is a one-edit match taken across the punctuation of dates and amounts (/ , : % €): a run of
prices is no misread identifier. BICs, which have no key and whose branch codes differ by one letter, are matched
exactly only.

When the page's pixels are given, what OCR read with little confidence (a number read as letters, or with two
digits wrong: words below REREAD_CONFIDENCE, or numbers below NUMBER_REREAD_CONFIDENCE) is read a second time
(`reread_line`): each run of such words cut out twice (at its own height and at the line's), enlarged to
REREAD_HEIGHT pixels, read as one line of capitals and digits only, put back among the line's other words and
scanned again with the same matching rules, so a second reading can only add exact or one-edit hits. At most
MAX_REREAD_RUNS runs per page, least confident first, keep the cost bounded (about 60 ms per page).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np
import pandas as pd
from PIL import Image
from rapidfuzz import fuzz, process

from vigie.core.results import Box, Evidence
from vigie.documents.ocr import OcrPage, OcrWord, tessdata_dir
from vigie.documents.ocr_confusions import (
    fold_confusions,
    identifier_key,
    is_identifier_char,
    name_key,
    name_match_key,
    name_tokens,
)

IDENTIFIER_KINDS = ("iban", "bic", "rpps", "adeli", "finess", "siret", "siren", "nir")
CHECKED_KINDS = frozenset({"iban", "rpps", "adeli", "finess", "siret", "siren", "nir"})
NAME_KIND = "name"
WATCHLIST_KINDS = IDENTIFIER_KINDS + (NAME_KIND,)
# Token-sort ratio (0-100, on names with OCR look-alikes folded) from which a name is a hit. On the synthetic
# corpus every watchlisted name present scores 100; at 92 four distinct people one letter apart collide
# (FOUCHER / BOUCHER), at 95 one (MARTIN / MARTINS), at 88 twelve. Look-alike slips (RAYNAUO) fold away.
DEFAULT_NAME_THRESHOLD = 95.0
MIN_NAME_LETTERS = 6  # shorter names (all words together) match too much by chance; refused from the watchlist
MIN_TOLERANT_LENGTH = 9
MIN_SHIFT_TOLERANT_LENGTH = 11  # shorter keys tolerate a changed character only, not a missing or extra one
IDENTIFIER_SEPARATORS = " .-"  # how identifiers are printed in groups; other punctuation belongs to dates and amounts
ONE_EDIT_SCORE = 0.9
# Second reading: runs of doubtful words (read below REREAD_CONFIDENCE, 0-1, or numbers below
# NUMBER_REREAD_CONFIDENCE) holding REREAD_MIN_CHARS identifier characters, at most MAX_REREAD_RUNS per page, cut
# with REREAD_MARGIN pixels around and enlarged so that their text is REREAD_HEIGHT pixels high (Tesseract reads
# 200-dpi digits best near 28 px: on the lines tried, 20 and 48 px misread digits that 28 px read right).
REREAD_CONFIDENCE = 0.6
NUMBER_REREAD_CONFIDENCE = 0.9  # a word of REREAD_NUMBER_DIGITS digits or more read below this is doubtful too
REREAD_NUMBER_DIGITS = 5
REREAD_MAX_GAP = 3.0  # line heights between two doubtful words of one run
REREAD_MIN_CHARS = 2
MAX_REREAD_RUNS = 10
REREAD_HEIGHT = 28
REREAD_MARGIN = 6
REREAD_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_reader = threading.local()


@dataclass(frozen=True)
class WatchlistEntry:
    """One watchlisted value: its kind (iban, rpps, ..., name), the value as given and a label for the analyst."""

    kind: str
    value: str
    label: str = ""


@dataclass(frozen=True)
class WatchlistHit:
    """A watchlisted value found on a page: the entry, the text as read, where, and how sure (0-1)."""

    entry: WatchlistEntry
    text: str
    box: Box
    score: float

    def to_evidence(self) -> Evidence:
        """The hit as an evidence item of kind `watchlist_<kind>`."""
        label = f" ({self.entry.label})" if self.entry.label else ""
        if self.entry.kind == NAME_KIND:
            message = (f"name '{self.text}' matches watchlisted '{self.entry.value}'{label}, "
                       f"similarity {self.score * 100:.0f} %")
        else:
            slip = "" if self.score >= 1.0 else ", one character differs (OCR misreading)"
            message = (f"{self.entry.kind.upper()} {self.entry.value} is on the watchlist{label}; "
                       f"read as '{self.text}'{slip}")
        return Evidence(kind=f"watchlist_{self.entry.kind}", message=message, box=self.box,
                        field=self.entry.kind, score=self.score)


@dataclass(frozen=True)
class IdentifierStream:
    """A line's folded identifier characters, the word each came from, and where a match may start and end."""

    chars: str
    word_of: list[int]
    starts: frozenset[int]
    ends: frozenset[int]
    breaks: frozenset[int] = frozenset()  # positions after a punctuation mark of dates and amounts (/ , : % €)
    folded: frozenset[int] = frozenset()  # positions of letters read where the fold put a digit (O -> 0, S -> 5)


def is_compact_date(window: str) -> bool:
    """Whether a run of characters reads as a date printed without separators: ddmmyyyy or yyyymmdd."""
    if len(window) != 8 or not window.isdigit():
        return False
    day_first = 1 <= int(window[:2]) <= 31 and 1 <= int(window[2:4]) <= 12 and 1900 <= int(window[4:]) <= 2099
    year_first = 1900 <= int(window[:4]) <= 2099 and 1 <= int(window[4:6]) <= 12 and 1 <= int(window[6:]) <= 31
    return day_first or year_first


def _char_class(ch: str) -> str:
    return "digit" if ch.isdigit() else "letter"


def line_stream(words: list[OcrWord]) -> IdentifierStream:
    """Fold a line's words into one identifier stream; boundaries at word edges, separators, punctuation and
    letter/digit changes of the printed text."""
    chars: list[str] = []
    word_of: list[int] = []
    starts, ends, breaks, folded = {0}, set(), set(), set()
    for index, word in enumerate(words):
        previous = ""
        for ch in word.text:
            if not is_identifier_char(ch):  # separator or punctuation: a boundary, not a character
                if ch not in IDENTIFIER_SEPARATORS:
                    breaks.add(len(chars))
                ends.add(len(chars))
                starts.add(len(chars))
                previous = ""
                continue
            if previous and _char_class(previous) != _char_class(ch):
                ends.add(len(chars))
                starts.add(len(chars))
            if ch.isalpha() and fold_confusions(ch) != ch.upper():
                folded.add(len(chars))
            chars.append(fold_confusions(ch))
            word_of.append(index)
            previous = ch
        ends.add(len(chars))
        starts.add(len(chars))
    return IdentifierStream("".join(chars), word_of, frozenset(starts), frozenset(ends), frozenset(breaks),
                            frozenset(folded))


def _line_reader():
    """One single-line Tesseract engine per thread, restricted to capitals and digits (identifier characters)."""
    import tesserocr

    if getattr(_reader, "api", None) is None:
        api = tesserocr.PyTessBaseAPI(path=tessdata_dir(), lang="eng", psm=tesserocr.PSM.SINGLE_LINE)
        api.SetVariable("tessedit_char_whitelist", REREAD_CHARACTERS)
        _reader.api = api
    return _reader.api


def _is_doubtful(word: OcrWord) -> bool:
    return word.confidence < REREAD_CONFIDENCE or (
        word.confidence < NUMBER_REREAD_CONFIDENCE and sum(ch.isdigit() for ch in word.text) >= REREAD_NUMBER_DIGITS)


def doubtful_runs(line: list[OcrWord]) -> list[list[OcrWord]]:
    """Runs of consecutive doubtful words of a line (no confident word between, gap under REREAD_MAX_GAP line
    heights): each is one value to read again, not a span across a form."""
    text_height = max(1.0, float(np.median([w.box[3] - w.box[1] for w in line])))
    runs: list[list[OcrWord]] = []
    previous: Optional[OcrWord] = None
    for word in line:
        if not _is_doubtful(word):
            previous = None
            continue
        if previous is not None and word.box[0] - previous.box[2] <= REREAD_MAX_GAP * text_height:
            runs[-1].append(word)
        else:
            runs.append([word])
        previous = word
    return runs


def lines_to_reread(ocr: OcrPage) -> list[tuple[list[OcrWord], list[OcrWord]]]:
    """What deserves a second reading, least confident first, as (the line, a run of its doubtful words): runs with
    REREAD_MIN_CHARS identifier characters or more; MAX_REREAD_RUNS at most."""
    doubtful = []
    for line in ocr.lines():
        for run in doubtful_runs(line):
            if sum(is_identifier_char(ch) for w in run for ch in w.text) >= REREAD_MIN_CHARS:
                doubtful.append((min(w.confidence for w in run), line, run))
    doubtful.sort(key=lambda item: item[0])
    return [(line, run) for _, line, run in doubtful[:MAX_REREAD_RUNS]]


def reread_line(image: np.ndarray, line: list[OcrWord], unsure: list[OcrWord]) -> list[list[OcrWord]]:
    """The line with its doubtful words read again from the page's pixels (upright, as OCR saw it), once per cut:
    from the first to the last doubtful word, between their own top and bottom, and between the line's median top
    and bottom (a speck stretching one box, or a neighbouring line merged into it, spoils one of the two). Each cut
    is enlarged so that the line's median word height becomes REREAD_HEIGHT and read as capitals and digits only;
    the new words replace those inside the cut, the words around it stay, so an identifier read half well is whole."""
    text_height = int(np.median([w.box[3] - w.box[1] for w in line]))
    box = union_box([w.box for w in unsure])
    median_top, median_bottom = int(np.median([w.box[1] for w in line])), int(np.median([w.box[3] for w in line]))
    readings = []
    for top, bottom in {(box[1], box[3]), (median_top, median_bottom)}:
        words = _read_cut(image, (box[0], top, box[2], bottom), text_height, line[0])
        cut = words[0].box if words else box
        before = [w for w in line if (w.box[0] + w.box[2]) / 2 < cut[0]]
        after = [w for w in line if (w.box[0] + w.box[2]) / 2 > cut[2]]
        readings.append(before + words + after)
    return readings


def _read_cut(image: np.ndarray, box: Box, text_height: int, model: OcrWord) -> list[OcrWord]:
    height, width = image.shape[:2]
    x0, y0 = max(0, box[0] - REREAD_MARGIN), max(0, box[1] - REREAD_MARGIN)
    x1, y1 = min(width, box[2] + REREAD_MARGIN), min(height, box[3] + REREAD_MARGIN)
    if x1 <= x0 or y1 <= y0:
        return []
    crop = image[y0:y1, x0:x1]
    crop = crop if crop.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2GRAY)
    scale = REREAD_HEIGHT / max(1, text_height)
    if scale > 1:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    crop = cv2.copyMakeBorder(crop, 10, 10, 10, 10, cv2.BORDER_REPLICATE)
    api = _line_reader()
    api.SetImage(Image.fromarray(np.ascontiguousarray(crop)))
    text = api.GetUTF8Text() or ""
    api.Clear()
    return [OcrWord(token, (x0, y0, x1, y1), 1.0, model.line, model.block) for token in text.split()]


def union_box(boxes: list[Box]) -> Box:
    """The smallest box holding all the given boxes."""
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


class Watchlist:
    """Watchlisted identifiers and names, ready to scan OCR pages."""

    def __init__(self, entries: list[WatchlistEntry], name_threshold: float = DEFAULT_NAME_THRESHOLD):
        self.name_threshold = float(name_threshold)
        self.identifiers: dict[str, list[WatchlistEntry]] = {}
        self._tolerant: dict[str, list[WatchlistEntry]] = {}  # keys that may be hit one edit away
        self._masked: dict[str, list[WatchlistEntry]] = {}  # such keys with one character replaced by "*"
        self._shortened: dict[str, list[WatchlistEntry]] = {}  # key with one character removed
        self.names: list[WatchlistEntry] = []
        self._name_keys: list[str] = []
        for entry in entries:
            self._add(entry)
        tolerant = {len(k) for k in self._tolerant}
        self._window_lengths = sorted({len(k) for k in self.identifiers} | {n + d for n in tolerant for d in (-1, 1)})
        self._name_sizes = sorted({len(k.split()) for k in self._name_keys})

    def _add(self, entry: WatchlistEntry) -> None:
        if entry.kind == NAME_KIND:
            key = name_key(entry.value)
            if len(key.replace(" ", "")) < MIN_NAME_LETTERS:
                raise ValueError(f"name {entry.value!r} is too short to match reliably "
                                 f"(fewer than {MIN_NAME_LETTERS} letters)")
            self.names.append(entry)
            self._name_keys.append(name_match_key(entry.value))
        elif entry.kind in IDENTIFIER_KINDS:
            key = identifier_key(entry.value)
            self.identifiers.setdefault(key, []).append(entry)
            if entry.kind in CHECKED_KINDS and len(key) >= MIN_TOLERANT_LENGTH:
                self._tolerant.setdefault(key, []).append(entry)
                for i in range(len(key)):
                    self._masked.setdefault(key[:i] + "*" + key[i + 1:], []).append(entry)
                    self._shortened.setdefault(key[:i] + key[i + 1:], []).append(entry)
        else:
            raise ValueError(f"unknown watchlist kind {entry.kind!r} (expected one of {', '.join(WATCHLIST_KINDS)})")

    def __len__(self) -> int:
        return sum(len(v) for v in self.identifiers.values()) + len(self.names)

    def scan(self, ocr: OcrPage, image: Optional[np.ndarray] = None) -> list[WatchlistHit]:
        """Every watchlisted identifier and name found on the page, each once (its best reading); with the page's
        upright pixels, doubtful lines are read a second time for identifiers."""
        hits: dict[tuple[str, str], WatchlistHit] = {}
        rereads = ([reading for line, unsure in lines_to_reread(ocr) for reading in reread_line(image, line, unsure)]
                   if image is not None and self.identifiers else [])
        found = [hit for line in ocr.lines() for hit in self._identifier_hits(line) + self._name_hits(line)]
        found += [hit for line in rereads if line for hit in self._identifier_hits(line)]
        for hit in found:
            key = (hit.entry.kind, hit.entry.value)
            if key not in hits or hit.score > hits[key].score:
                hits[key] = hit
        return sorted(hits.values(), key=lambda h: (-h.score, h.entry.kind, h.entry.value))

    def _identifier_hits(self, line: list[OcrWord]) -> list[WatchlistHit]:
        if not self.identifiers:
            return []
        stream = line_stream(line)
        hits = []
        for start in sorted(stream.starts):
            for length in self._window_lengths:
                end = start + length
                if end > len(stream.chars):
                    break
                if end not in stream.ends:
                    continue
                # one edit on top of a date's or amounts' punctuation, of look-alike letters, or of a date printed
                # without separators (31122022), is chance, not a slip
                strict = (any(start < p < end for p in stream.breaks) or any(start <= p < end for p in stream.folded)
                          or is_compact_date(stream.chars[start:end]))
                one_word = stream.word_of[start] == stream.word_of[end - 1]
                for entry, score in self.lookup(stream.chars[start:end], one_word):
                    if strict and score < 1.0:
                        continue
                    spanned = [line[i] for i in sorted(set(stream.word_of[start:end]))]
                    hits.append(WatchlistHit(entry, " ".join(w.text for w in spanned),
                                             union_box([w.box for w in spanned]), score))
        return hits

    def lookup(self, window: str, one_word: bool = False) -> list[tuple[WatchlistEntry, float]]:
        """Entries whose key is the folded `window` (score 1) or one edit from it (ONE_EDIT_SCORE, long keys of
        checked kinds only; a missing or extra character only for keys of MIN_SHIFT_TOLERANT_LENGTH or more, or
        when the window is one word as read: a number, not groups that happen to line up)."""
        found = [(entry, 1.0) for entry in self.identifiers.get(window, [])]
        if len(window) + 1 >= MIN_TOLERANT_LENGTH:
            near = [e for e in self._shortened.get(window, [])  # OCR dropped a character
                    if one_word or len(window) + 1 >= MIN_SHIFT_TOLERANT_LENGTH]
            for i in range(len(window)):
                near += self._masked.get(window[:i] + "*" + window[i + 1:], [])  # OCR changed one
                if one_word or len(window) - 1 >= MIN_SHIFT_TOLERANT_LENGTH:
                    near += self._tolerant.get(window[:i] + window[i + 1:], [])  # OCR added one
            found += [(entry, ONE_EDIT_SCORE) for entry in near]
        return found

    def _name_hits(self, line: list[OcrWord]) -> list[WatchlistHit]:
        if not self.names:
            return []
        tokens = [(token, index) for index, word in enumerate(line) for token in name_tokens(word.text)]
        windows: list[tuple[int, int]] = []
        for size in sorted({s for n in self._name_sizes for s in (n, n + 1)}):
            windows.extend((start, start + size) for start in range(len(tokens) - size + 1))
        if not windows:
            return []
        texts = [fold_confusions(" ".join(t for t, _ in tokens[a:b])) for a, b in windows]
        scores = process.cdist(texts, self._name_keys, scorer=fuzz.token_sort_ratio,
                               score_cutoff=self.name_threshold, workers=1)
        hits = []
        for window_index, name_index in zip(*np.nonzero(scores)):
            a, b = windows[window_index]
            spanned = [line[i] for i in sorted({index for _, index in tokens[a:b]})]
            hits.append(WatchlistHit(self.names[name_index], " ".join(w.text for w in spanned),
                                     union_box([w.box for w in spanned]),
                                     float(scores[window_index, name_index]) / 100.0))
        return hits


def entries_from_frame(frame: pd.DataFrame) -> tuple[list[WatchlistEntry], list[str]]:
    """Watchlist entries from a dataset with columns kind, value and optional label; plus one message per row refused.

    Kinds are case-insensitive; a row with an unknown kind, an empty value or a value that cannot match is refused
    with its row number, not silently dropped.
    """
    missing = {"kind", "value"} - set(frame.columns)
    if missing:
        raise ValueError(f"watchlist dataset lacks column(s) {', '.join(sorted(missing))} "
                         "(expected kind, value, label)")
    entries, refused = [], []
    labels = frame["label"] if "label" in frame.columns else pd.Series([""] * len(frame), index=frame.index)
    for number, (kind, value, label) in enumerate(zip(frame["kind"], frame["value"], labels), start=1):
        entry = WatchlistEntry(str(kind).strip().lower(), "" if pd.isna(value) else str(value).strip(),
                               "" if pd.isna(label) else str(label))
        try:
            Watchlist([entry])
        except ValueError as exc:
            refused.append(f"watchlist row {number}: {exc}")
            continue
        entries.append(entry)
    return entries, refused


def scan_page(watchlist: Watchlist, ocr: Optional[OcrPage], image: Optional[np.ndarray] = None) -> list[Evidence]:
    """Evidence items for the watchlist hits of one page (none without OCR); `image`, the upright page, allows the
    second reading of doubtful lines."""
    return [hit.to_evidence() for hit in watchlist.scan(ocr, image)] if ocr is not None else []
